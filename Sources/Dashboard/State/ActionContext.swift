import ExecutionCore

/// What handling an action may read and command besides the state itself.
public struct ActionContext {
  /// The snapshot on screen (nil before the first one).
  public var snapshot: RuntimeSnapshot?
  /// Where commands go.
  public var control: any RuntimeControl
  /// The dashboard clock's time now.
  public var now: Duration
  /// Theme names, for feedback when cycling.
  public var themeNames: [String]
  /// How long each comparison phase lasts.
  public var comparisonPhase: Duration
  /// How long a status message stays.
  public var statusDuration: Duration

  /// Creates a context.
  public init(
    snapshot: RuntimeSnapshot?, control: any RuntimeControl, now: Duration, themeNames: [String],
    comparisonPhase: Duration, statusDuration: Duration
  ) {
    self.snapshot = snapshot
    self.control = control
    self.now = now
    self.themeNames = themeNames
    self.comparisonPhase = comparisonPhase
    self.statusDuration = statusDuration
  }
}

/// What the loop must do after an action, beyond the state change.
public enum ActionEffect: Sendable, Hashable {
  /// Nothing more.
  case none
  /// Take a snapshot now, so the change shows at once (unless frozen).
  case refresh
  /// Write the screen to a file.
  case saveScreen
  /// Leave the loop.
  case quit
}
