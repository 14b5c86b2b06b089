import Testing

@testable import TerminalUI

@Suite("TerminalMode.decide")
struct TerminalModeTests {
  let capable = TerminfoStatus.found(addressesCursor: true)

  @Test func aCapableTerminalRunsFullScreen() {
    let mode = TerminalMode.decide(
      stdoutIsTerminal: true, stdinIsTerminal: true, term: "xterm-256color", terminfo: capable)
    #expect(mode == .fullScreen)
  }

  @Test func outputToAPipeIsPlainWhateverTermSays() {
    for term in [nil, "", "dumb", "xterm-256color"] {
      let mode = TerminalMode.decide(
        stdoutIsTerminal: false, stdinIsTerminal: true, term: term, terminfo: .unknown)
      #expect(mode == .plain(reason: "standard output is not a terminal"))
    }
  }

  @Test func inputNotATerminalIsPlain() {
    let mode = TerminalMode.decide(
      stdoutIsTerminal: true, stdinIsTerminal: false, term: "xterm", terminfo: capable)
    guard case .plain = mode else {
      Issue.record("expected plain, got \(mode)")
      return
    }
  }

  @Test func unsetOrEmptyTermIsAnErrorNamingTheFix() {
    for term in [nil, ""] as [String?] {
      let mode = TerminalMode.decide(
        stdoutIsTerminal: true, stdinIsTerminal: true, term: term, terminfo: .unknown)
      guard case .error(let message) = mode else {
        Issue.record("expected error, got \(mode)")
        continue
      }
      #expect(message.contains("TERM is not set"))
      #expect(message.contains("TERM=xterm-256color"))
      #expect(message.contains("lanes run"))
    }
  }

  @Test func dumbIsPlain() {
    let mode = TerminalMode.decide(
      stdoutIsTerminal: true, stdinIsTerminal: true, term: "dumb",
      terminfo: .found(addressesCursor: false))
    #expect(mode == .plain(reason: "TERM=dumb cannot draw a full-screen dashboard"))
  }

  @Test func unknownTermIsAnError() {
    let mode = TerminalMode.decide(
      stdoutIsTerminal: true, stdinIsTerminal: true, term: "nosuchterm", terminfo: .unknown)
    guard case .error(let message) = mode else {
      Issue.record("expected error, got \(mode)")
      return
    }
    #expect(message.contains("TERM=nosuchterm"))
  }

  @Test func aTerminalWithoutCursorAddressingIsPlain() {
    let mode = TerminalMode.decide(
      stdoutIsTerminal: true, stdinIsTerminal: true, term: "glass",
      terminfo: .found(addressesCursor: false))
    #expect(mode == .plain(reason: "terminal \"glass\" cannot move the cursor"))
  }
}
