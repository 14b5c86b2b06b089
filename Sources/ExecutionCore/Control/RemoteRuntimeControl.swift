/// A `RuntimeControl` whose runtime lives elsewhere (another process, reached over a network).
///
/// Its calls still return at once, but what a remote runtime answers cannot be known at once:
/// commands are sent in the background, in the order they were made. So the synchronous results
/// of `trigger`, `triggerBurst`, `redrive` and `finishRecording` only mean "sent" (nothing
/// accepted, 0 moved, nil); the runtime's real answers, and every command the runtime refused or
/// never received, come back later from `takeAnswers()`. `snapshot()` returns the latest snapshot
/// received, which may be old: `link()` says how old, and whether the runtime can be reached.
public protocol RemoteRuntimeControl: RuntimeControl {
  /// The connection to the runtime as of now.
  func link() -> RuntimeLink
  /// Answers to commands that arrived since the last call, oldest first (each is handed out once).
  func takeAnswers() -> [RemoteAnswer]
}

/// The state of the connection to a remote runtime, for a front end's header.
public struct RuntimeLink: Sendable, Hashable {
  /// Whether the runtime can be reached.
  public enum State: Sendable, Hashable {
    /// The last request for a snapshot was answered.
    case connected
    /// The last request failed for `reason`; attempt number `attempt` to reconnect is due in
    /// `retryIn` (nil: under way now).
    case reconnecting(reason: String, attempt: Int, retryIn: Duration?)
  }

  /// Where the runtime is, as people write it (`127.0.0.1:7700`).
  public var address: String
  /// Whether the runtime can be reached.
  public var state: State
  /// Time since the last snapshot arrived.
  public var lastUpdateAge: Duration
  /// True when the runtime refuses every change from outside (a server started read-only).
  public var readOnly: Bool

  /// Creates a link state.
  public init(address: String, state: State, lastUpdateAge: Duration, readOnly: Bool) {
    self.address = address
    self.state = state
    self.lastUpdateAge = lastUpdateAge
    self.readOnly = readOnly
  }
}

/// What a remote runtime answered to a command, delivered after the call returned.
public enum RemoteAnswer: Sendable, Hashable {
  /// What `trigger` (`count` 1) or `triggerBurst` really did.
  case triggered(workflow: String, count: Int, TriggerResult)
  /// `redrive` moved this many dead letters.
  case redriven(queue: String, moved: Int)
  /// What the recording `id` (as `startRecording` returned it) collected; nil if the runtime has
  /// no such recording (e.g. it restarted).
  case recordingFinished(RecordingID, LatencySummary?)
  /// The command `action` (e.g. `pause chat`) was refused or never arrived; `message` says why.
  case failed(action: String, message: String)
}
