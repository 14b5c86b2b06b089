/// Why the dashboard could not be shown, or why it stopped early.
public struct LanesDashboardError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of thing went wrong.
  public enum Kind: Sendable, Hashable {
    /// The theme named could not be found (the description lists the themes there are).
    case theme
    /// The terminal is misconfigured (TERM unset or unknown) or could not be taken over.
    case terminal
    /// Standard output could not be written (a full disk, a closed pipe).
    case output
  }

  /// What kind of thing went wrong.
  public var kind: Kind
  /// What went wrong and the fix, for people.
  public var description: String

  /// Creates an error.
  public init(_ kind: Kind, _ description: String) {
    self.kind = kind
    self.description = description
  }
}
