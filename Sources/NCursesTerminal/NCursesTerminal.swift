import CNcursesw
import Synchronization
import TerminalUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The real terminal: `TerminalBackend` over ncurses. The only type that touches ncurses.
///
/// Open it with `open()`, use it from one thread only, and `close()` it (or let it go) to give
/// the terminal back as it was. Only one can be open at a time: ncurses, the locale and the
/// signal dispositions are process-wide.
public final class NCursesTerminal: TerminalBackend {
  /// The terminal's size now; updated when a resize is read.
  public private(set) var size: Size
  /// What the terminal can show, decided once at open.
  public let capabilities: TerminalCapabilities
  /// The number of colours ncurses reports (COLORS), 0 in monochrome.
  public let colorCount: Int
  /// True until `close()`.
  public var isOpen: Bool { !closed }

  // Internal, not private, only so the drawing and input extensions in their own files reach them.
  private let screenHandle: OpaquePointer
  let stdscrWindow: UnsafeMutablePointer<WINDOW>
  private let outputFile: UnsafeMutablePointer<FILE>
  private let inputFile: UnsafeMutablePointer<FILE>
  let inputDescriptor: Int32
  let defaultColorsEnabled: Bool
  private let savedCursor: Int32
  private var pairs: ColorPairCache
  /// What the terminal shows now, as far as we know; nil forces a full redraw.
  var lastFrame: Screen?
  private var closed = false

  /// Set while a terminal is open, so a second `open` fails instead of corrupting the first.
  private static let openGate = Atomic<Bool>(false)

  private init(
    screen: OpaquePointer, window: UnsafeMutablePointer<WINDOW>,
    files: (input: UnsafeMutablePointer<FILE>, output: UnsafeMutablePointer<FILE>),
    inputDescriptor: Int32, capabilities: TerminalCapabilities, colorCount: Int,
    defaultColors: Bool, savedCursor: Int32
  ) {
    self.screenHandle = screen
    self.stdscrWindow = window
    self.inputFile = files.input
    self.outputFile = files.output
    self.inputDescriptor = inputDescriptor
    self.capabilities = capabilities
    self.colorCount = colorCount
    self.defaultColorsEnabled = defaultColors
    self.savedCursor = savedCursor
    self.pairs = ColorPairCache(capacity: capabilities.colorDepth == .monochrome ? 0 : Int(nc_color_pairs()))
    self.size = Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
  }

  deinit { close() }

  /// Takes over the terminal: locale, alternate screen, raw-ish input, colours, signal watching.
  ///
  /// - Parameters:
  ///   - term: the terminal type; nil reads `TERM`.
  ///   - noColor: the value of `NO_COLOR`; nil reads the environment.
  ///   - inputDescriptor, outputDescriptor: the terminal's file descriptors (stdin, stdout).
  /// - Throws: `TerminalOpenError` naming the problem and the fix; the caller prints it and exits
  ///   with status 2.
  public static func open(
    term: String? = nil, noColor: String? = nil, inputDescriptor: Int32 = 0, outputDescriptor: Int32 = 1
  ) throws(TerminalOpenError) -> NCursesTerminal {
    let term = term ?? environment("TERM")
    guard let term, !term.isEmpty else {
      throw TerminalOpenError(.termNotSet, message: TerminalMode.termNotSetMessage)
    }
    guard isatty(inputDescriptor) == 1, isatty(outputDescriptor) == 1 else {
      throw TerminalOpenError(
        .notATerminal,
        message: "standard input and output must be a terminal for the dashboard; "
          + "use `lanes run` for plain output")
    }
    var addressesCursor: Int32 = 0
    guard nc_probe_terminfo(term, &addressesCursor) == 1 else {
      throw TerminalOpenError(.unknownTerminal(term), message: TerminalMode.unknownTermMessage(term))
    }
    guard addressesCursor == 1 else {
      throw TerminalOpenError(
        .cannotAddressCursor(term),
        message: "terminal \"\(term)\" cannot move the cursor, so the dashboard cannot draw; "
          + "use `lanes run` for plain output")
    }
    guard !openGate.exchange(true, ordering: .acquiringAndReleasing) else {
      throw TerminalOpenError(.failed, message: "a terminal is already open in this process")
    }
    // Only a locale that is UTF-8 by the user's own settings may receive UTF-8 glyphs; under
    // LANG=C or LC_ALL=POSIX the terminal is drawn in ASCII.
    let unicode = nc_setup_locale() == 1

    // ncurses installs its own SIGINT/SIGTERM handlers (which exit with status 1, skipping our
    // clean-up) unless the signals are ignored when newterm runs.
    nc_ignore_stop_signals()
    // Duplicates, so that closing ncurses' streams later leaves the caller's descriptors open.
    let output = nc_fdopen(dup(outputDescriptor), "w")
    let input = nc_fdopen(dup(inputDescriptor), "r")
    guard let output, let input, let screen = newterm(term, output, input),
      let window = nc_stdscr()
    else {
      if let output { fclose(output) }
      if let input { fclose(input) }
      nc_restore_stop_signals()
      openGate.store(false, ordering: .releasing)
      throw TerminalOpenError(
        .failed, message: "ncurses could not start on terminal \"\(term)\"; try TERM=xterm-256color")
    }
    // A signal caught by an earlier terminal in this process must not stop this one.
    _ = nc_take_stop_signal()
    nc_catch_stop_signals()
    nc_install_crash_guard()

    cbreak()
    noecho()
    keypad(window, true)
    leaveok(window, true)
    let savedCursor = curs_set(0)
    set_escdelay(25)
    Self.defineCommonKeySequences()

    var depth = ColorDepth.monochrome
    var defaultColors = false
    let noColor = noColor ?? environment("NO_COLOR")
    if has_colors(), noColor.map(\.isEmpty) ?? true, start_color() == nc_ok() {
      defaultColors = use_default_colors() == nc_ok()
      depth = ColorDepth.detect(colors: Int(nc_colors()), hasColors: true, noColor: noColor)
    }
    return NCursesTerminal(
      screen: screen, window: window, files: (input, output), inputDescriptor: inputDescriptor,
      capabilities: TerminalCapabilities(colorDepth: depth, unicode: unicode),
      colorCount: depth == .monochrome ? 0 : Int(nc_colors()), defaultColors: defaultColors,
      savedCursor: savedCursor)
  }

  /// Gives the terminal back: cursor, normal screen, echo and line mode, signal dispositions.
  /// Safe to call more than once; later calls do nothing.
  public func close() {
    guard !closed else { return }
    closed = true
    if savedCursor != nc_err() { curs_set(savedCursor) }
    if nc_has_alternate_screen() == 0 {
      // No alternate screen (TERM=vt100): the dashboard was drawn over the shell's screen, and
      // the prompt would overwrite its last line. Clear it and leave the cursor at the top.
      leaveok(stdscrWindow, false)
      werase(stdscrWindow)
      wmove(stdscrWindow, 0, 0)
      wrefresh(stdscrWindow)
    }
    endwin()
    delscreen(screenHandle)
    fclose(outputFile)
    fclose(inputFile)
    nc_remove_crash_guard()
    nc_restore_stop_signals()
    Self.openGate.store(false, ordering: .releasing)
  }

  /// Teaches ncurses the cursor and editing key sequences that xterm, tmux, screen and rxvt send,
  /// for when `TERM` names a different terminal than the one in use (e.g. TERM=xterm-256color
  /// inside tmux, where Home arrives as ESC [ 1 ~). Sequences the terminfo entry already binds
  /// are left alone.
  private static func defineCommonKeySequences() {
    let sequences: [(String, Int32)] = [
      ("\u{1B}[A", nc_key_up()), ("\u{1B}[B", nc_key_down()), ("\u{1B}[C", nc_key_right()),
      ("\u{1B}[D", nc_key_left()), ("\u{1B}OA", nc_key_up()), ("\u{1B}OB", nc_key_down()),
      ("\u{1B}OC", nc_key_right()), ("\u{1B}OD", nc_key_left()),
      ("\u{1B}[H", nc_key_home()), ("\u{1B}[F", nc_key_end()), ("\u{1B}OH", nc_key_home()),
      ("\u{1B}OF", nc_key_end()), ("\u{1B}[1~", nc_key_home()), ("\u{1B}[4~", nc_key_end()),
      ("\u{1B}[7~", nc_key_home()), ("\u{1B}[8~", nc_key_end()),
      ("\u{1B}[5~", nc_key_ppage()), ("\u{1B}[6~", nc_key_npage()), ("\u{1B}[Z", nc_key_btab()),
    ]
    for (sequence, code) in sequences where key_defined(sequence) == 0 {
      define_key(sequence, code)
    }
  }

  /// The pair for a combination of terminal colour numbers, initialised on first use.
  func allocatePair(foreground: Int32, background: Int32) -> Int32 {
    pairs.pair(for: .init(foreground: foreground, background: background)) { pair, fg, bg in
      init_extended_pair(pair, fg, bg) == nc_ok()
    }
  }

  /// Records a new size after a resize; the next frame is drawn in full.
  func noteResize() {
    size = Size(width: Int(getmaxx(stdscrWindow)), height: Int(getmaxy(stdscrWindow)))
    lastFrame = nil
    // The emulator may have reflowed or cleared what it showed, so ncurses' idea of the screen
    // is stale: repaint everything once (once per resize, never per frame).
    clearok(stdscrWindow, true)
  }

  private static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }
}
