/// A key press, as the dashboard's key table sees it.
public enum Key: Sendable, Hashable {
  /// A printable character (letters keep their case).
  case character(Character)
  /// Control plus a letter, e.g. `.control("c")` for Ctrl-C.
  case control(Character)
  case up, down, left, right
  case enter, escape, tab, backTab, backspace
  case pageUp, pageDown, home, end
  /// A function key, F1 is `.function(1)`.
  case function(Int)
}

/// Something the terminal reports.
public enum InputEvent: Sendable, Hashable {
  /// A key was pressed.
  case key(Key)
  /// The terminal now has this size.
  case resize(Size)
  /// A signal (SIGINT, SIGTERM, SIGHUP) asked the program to stop.
  case terminate(signal: Int32)
}

/// How many colours the terminal can show.
public enum ColorDepth: Int, Sendable, Hashable, Comparable {
  /// None: monochrome, attributes only (also under NO_COLOR).
  case monochrome = 0
  /// The 8 or 16 ANSI colours.
  case ansi16 = 16
  /// The xterm 256-colour palette.
  case palette256 = 256
  /// 24-bit colour.
  case trueColor = 16_777_216

  public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What the terminal can do.
public struct TerminalCapabilities: Sendable, Hashable {
  /// Colours available.
  public var colorDepth: ColorDepth
  /// True if UTF-8 box-drawing and block characters can be shown; false means ASCII glyphs.
  public var unicode: Bool

  /// Creates capabilities.
  public init(colorDepth: ColorDepth, unicode: Bool) {
    self.colorDepth = colorDepth
    self.unicode = unicode
  }
}

/// A terminal the dashboard can draw on and read keys from.
///
/// Used from one thread only (the UI loop). The ncurses backend and the in-memory test terminal
/// both conform.
public protocol TerminalBackend: AnyObject {
  /// The terminal's size now.
  var size: Size { get }
  /// What it can show.
  var capabilities: TerminalCapabilities { get }
  /// Shows `screen`; sends only the cells that differ from what is shown now.
  func present(_ screen: Screen)
  /// Waits up to `timeout` for input; nil if none came.
  func nextEvent(timeout: Duration) -> InputEvent?
}
