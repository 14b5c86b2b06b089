/// A short line of feedback after an action, shown until it expires.
public struct StatusMessage: Sendable, Hashable {
  /// How the message should look.
  public enum Tone: Sendable, Hashable {
    /// The action worked.
    case info
    /// The action was refused or did nothing.
    case warning
    /// The action failed.
    case error
  }

  /// The text.
  public var text: String
  /// How it looks.
  public var tone: Tone
  /// The dashboard-clock time after which it is no longer shown.
  public var expires: Duration

  /// Creates a message.
  public init(text: String, tone: Tone = .info, expires: Duration) {
    self.text = text
    self.tone = tone
    self.expires = expires
  }
}
