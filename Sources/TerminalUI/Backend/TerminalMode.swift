/// How the program should use the terminal it was started in.
public enum TerminalMode: Sendable, Hashable {
  /// A full-screen dashboard can run.
  case fullScreen
  /// Print periodic status lines instead; `reason` says why, for a one-line notice.
  case plain(reason: String)
  /// The terminal is misconfigured; `message` names the problem and the fix.
  case error(message: String)
}

/// What the terminfo database says about a terminal type.
public enum TerminfoStatus: Sendable, Hashable {
  /// No terminfo entry for the type.
  case unknown
  /// An entry exists; `addressesCursor` is true if it has `cup` (move the cursor anywhere).
  case found(addressesCursor: Bool)
}

extension TerminalMode {
  /// Decides the mode from the facts a probe gathers (isatty of stdout and stdin, `TERM`, and the
  /// terminfo entry for it). Output that is not a terminal is never an error: it is a pipe or a
  /// file, and plain lines are what it wants.
  public static func decide(
    stdoutIsTerminal: Bool, stdinIsTerminal: Bool, term: String?, terminfo: TerminfoStatus
  ) -> TerminalMode {
    guard stdoutIsTerminal else { return .plain(reason: "standard output is not a terminal") }
    guard stdinIsTerminal else { return .plain(reason: "standard input is not a terminal") }
    guard let term, !term.isEmpty else {
      return .error(message: TerminalMode.termNotSetMessage)
    }
    if term == "dumb" { return .plain(reason: "TERM=dumb cannot draw a full-screen dashboard") }
    switch terminfo {
    case .unknown:
      return .error(message: TerminalMode.unknownTermMessage(term))
    case .found(addressesCursor: false):
      return .plain(reason: "terminal \"\(term)\" cannot move the cursor")
    case .found(addressesCursor: true):
      return .fullScreen
    }
  }

  /// The message for an unset `TERM`.
  public static let termNotSetMessage =
    "TERM is not set: the dashboard needs to know the terminal type; "
    + "set TERM=xterm-256color, or use `lanes run` for plain output"

  /// The message for a `TERM` with no terminfo entry.
  public static func unknownTermMessage(_ term: String) -> String {
    "unknown terminal type TERM=\(term) (no terminfo entry): "
      + "set TERM=xterm-256color, or use `lanes run` for plain output"
  }
}
