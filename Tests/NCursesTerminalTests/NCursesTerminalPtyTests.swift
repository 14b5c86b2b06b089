import TerminalUI
import Testing

@testable import NCursesTerminal

#if canImport(Glibc)
  import Glibc
#endif

extension TerminalProbeTests {
  @Test func opensDrawsReadsKeysAndRestoresOnAPseudoTerminal() throws {
    let pty = try #require(PseudoTerminal(columns: 40, rows: 10))
    let terminal = try NCursesTerminal.open(
      term: "xterm-256color", noColor: "", inputDescriptor: pty.follower,
      outputDescriptor: pty.follower)
    #expect(terminal.size == Size(width: 40, height: 10))
    #expect(terminal.capabilities.colorDepth == .palette256)

    var screen = Screen(size: terminal.size)
    screen.put("lanes-ok", x: 2, y: 1, style: Style(foreground: .rgb(255, 0, 0), attributes: .bold))
    terminal.present(screen)
    let first = pty.drain()
    #expect(first.contains("\u{1B}[?1049h"), "enters the alternate screen")
    #expect(first.contains("lanes-ok"))
    #expect(first.contains("38;5;196"), "red maps to palette 196")

    // A second identical frame sends nothing; a one-cell change sends that cell, not the frame.
    let before = pty.output.count
    terminal.present(screen)
    pty.drain()
    #expect(pty.output.count == before)
    screen.put("!", x: 30, y: 8)
    terminal.present(screen)
    pty.drain()
    let sent = String(decoding: pty.output[before...], as: UTF8.self)
    #expect(sent.contains("!"))
    #expect(!sent.contains("lanes-ok"), "unchanged text is not sent again")
    #expect(!sent.contains("\u{1B}[H\u{1B}[2J"), "never clears the screen for a frame")

    pty.type("q")
    #expect(terminal.nextEvent(timeout: .seconds(5)) == .key(.character("q")))
    // keypad(true) sends smkx, after which xterm sends cursor keys as ESC O A.
    pty.type("\u{1B}OA")
    #expect(terminal.nextEvent(timeout: .seconds(5)) == .key(.up))
    // Home as tmux and rxvt send it, which xterm-256color's terminfo does not list.
    pty.type("\u{1B}[1~")
    #expect(terminal.nextEvent(timeout: .seconds(5)) == .key(.home))
    pty.type("\u{05}")
    #expect(terminal.nextEvent(timeout: .seconds(5)) == .key(.control("e")))
    #expect(terminal.nextEvent(timeout: .milliseconds(1)) == nil)

    // To the process, not this thread: test-runner threads block signals, like any worker thread
    // of a real program, so the flag is what reports it (at the latest one timeout later).
    kill(getpid(), SIGTERM)
    var event: InputEvent?
    for _ in 0..<100 where event == nil { event = terminal.nextEvent(timeout: .milliseconds(50)) }
    #expect(event == .terminate(signal: SIGTERM))

    terminal.close()
    #expect(!terminal.isOpen)
    #expect(pty.drain().contains("\u{1B}[?1049l"), "leaves the alternate screen")
    terminal.close()
    #expect(terminal.nextEvent(timeout: .seconds(1)) == nil)

    // The stop signals are back to what they were (the test runner's default), not ignored.
    var action = sigaction()
    sigaction(SIGTERM, nil, &action)
    #expect(action.__sigaction_handler.sa_handler == nil)  // SIG_DFL
  }

  @Test func onlyOneTerminalAtATime() throws {
    let pty = try #require(PseudoTerminal(columns: 20, rows: 5))
    let first = try NCursesTerminal.open(
      term: "vt100", inputDescriptor: pty.follower, outputDescriptor: pty.follower)
    defer { first.close() }
    #expect(first.capabilities.colorDepth == .monochrome)
    #expect {
      _ = try NCursesTerminal.open(
        term: "vt100", inputDescriptor: pty.follower, outputDescriptor: pty.follower)
    } throws: { ($0 as? TerminalOpenError)?.reason == .failed }
  }

  @Test func monochromeShowsHighlightsInReverseAndNoColour() throws {
    let pty = try #require(PseudoTerminal(columns: 20, rows: 4))
    let terminal = try NCursesTerminal.open(
      term: "xterm-256color", noColor: "1", inputDescriptor: pty.follower,
      outputDescriptor: pty.follower)
    defer { terminal.close() }
    #expect(terminal.capabilities.colorDepth == .monochrome)
    var screen = Screen(size: terminal.size)
    screen.put(
      "picked", x: 0, y: 0, style: Style(foreground: .rgb(46, 52, 64), background: .rgb(136, 192, 208)))
    terminal.present(screen)
    let output = pty.drain()
    #expect(output.contains("7mpicked"), "sgr with reverse (xterm sends ESC ( B ESC [ 0 ; 7 m)")
    #expect(!output.contains("38;5;") && !output.contains("48;5;"))
  }
}
