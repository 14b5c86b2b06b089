import TerminalUI
import Testing

@testable import NCursesTerminal

#if canImport(Glibc)
  import Glibc
#endif

/// Serialized: terminfo look-ups and ncurses screens are process-wide state, not thread-safe.
@Suite("Terminal probe and real ncurses", .serialized)
struct TerminalProbeTests {
  @Test func terminfoKnowsCommonTerminals() {
    #expect(NCursesTerminal.terminfoStatus(for: "xterm-256color") == .found(addressesCursor: true))
    #expect(NCursesTerminal.terminfoStatus(for: "vt100") == .found(addressesCursor: true))
    #expect(NCursesTerminal.terminfoStatus(for: "dumb") == .found(addressesCursor: false))
    #expect(NCursesTerminal.terminfoStatus(for: "no-such-terminal-lanes") == .unknown)
  }

  @Test func underTheTestRunnerOutputIsNotATerminal() {
    // /dev/null is never a terminal, so the decision does not depend on how tests are run.
    let devNull = open("/dev/null", O_RDWR)
    defer { close(devNull) }
    let mode = NCursesTerminal.detectMode(
      term: "xterm-256color", inputDescriptor: devNull, outputDescriptor: devNull)
    #expect(mode == .plain(reason: "standard output is not a terminal"))
  }

  @Test func openRefusesAnUnsetTermWithTheFix() {
    #expect {
      _ = try NCursesTerminal.open(term: "")
    } throws: { error in
      guard let error = error as? TerminalOpenError else { return false }
      return error.reason == .termNotSet && error.message.contains("TERM=xterm-256color")
    }
  }
}
