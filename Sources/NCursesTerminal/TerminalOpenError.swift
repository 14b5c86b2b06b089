/// Why the full-screen terminal could not be opened; `description` names the problem and the fix.
public struct TerminalOpenError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The kinds of failure, for callers that branch on them.
  public enum Reason: Sendable, Hashable {
    /// `TERM` is unset or empty.
    case termNotSet
    /// `TERM` names a type terminfo does not know.
    case unknownTerminal(String)
    /// The terminal cannot move the cursor (e.g. `TERM=dumb`).
    case cannotAddressCursor(String)
    /// stdin or stdout is not a terminal.
    case notATerminal
    /// ncurses refused for another reason.
    case failed
  }

  /// The kind of failure.
  public var reason: Reason
  /// One line for the user.
  public var message: String

  /// Creates an error.
  public init(_ reason: Reason, message: String) {
    self.reason = reason
    self.message = message
  }

  /// The message.
  public var description: String { message }
}
