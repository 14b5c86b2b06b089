/// What a front end (the dashboard, a command) may ask of a running runtime.
///
/// Every call returns at once: none waits for runs, steps or queues. The dashboard is written
/// against this protocol so it can be tested with a fake.
public protocol RuntimeControl: Sendable {
  /// The current state and metrics.
  func snapshot() -> RuntimeSnapshot
  /// Starts one run of `workflow` now (refused visibly if paused or over the in-flight limit);
  /// returns whether it started, or why not.
  @discardableResult func trigger(workflow: String) -> TriggerResult
  /// Starts `count` runs of `workflow` now; returns how many started, and why the others did not.
  @discardableResult func triggerBurst(workflow: String, count: Int) -> TriggerResult
  /// Sets the load generator's rate for `workflow` (0 stops generated load).
  func setRate(workflow: String, rate: Double)
  /// Stops new runs of `workflow`; runs in flight finish. State: pausing, then paused.
  func pause(workflow: String)
  /// Lets `workflow` take runs again.
  func resume(workflow: String)
  /// Workers of `queue` stop taking steps; the queue grows. State: pausing, then paused.
  func pauseQueue(_ queue: String)
  /// Workers of `queue` take steps again.
  func resumeQueue(_ queue: String)
  /// The mode for runs started from now on; runs already started keep theirs. Workflows whose mode
  /// was set alone (`setMode(_:workflow:comparison:)`) keep that one.
  func setMode(_ mode: ExecutionMode)
  /// The mode for new runs of `workflow` alone (nil: follow the runtime's mode again); other
  /// workflows are left alone. With `comparison`, its new runs are tagged as comparison runs and
  /// their latencies kept out of the workflow's normal figures (percentiles, windows, series)
  /// until a call with `comparison: false`. Unknown workflows are ignored.
  func setMode(_ mode: ExecutionMode?, workflow: String, comparison: Bool)
  /// Moves every dead letter of `queue` back onto it; returns how many.
  @discardableResult func redrive(queue: String) -> Int
  /// Starts collecting the critical-path latency of runs of `workflow` that start from now on.
  func startRecording(workflow: String) -> RecordingID
  /// Stops a recording and returns what it collected (nil for an unknown id).
  func finishRecording(_ id: RecordingID) -> LatencySummary?
}

extension RuntimeControl {
  /// The mode for new runs of `workflow` alone (nil: the runtime's mode), not as a comparison.
  public func setMode(_ mode: ExecutionMode?, workflow: String) {
    setMode(mode, workflow: workflow, comparison: false)
  }
}

/// Identifies a recording started with `RuntimeControl.startRecording(workflow:)`.
public struct RecordingID: Sendable, Hashable {
  /// The raw value.
  public var rawValue: UInt64
  /// Creates an id.
  public init(rawValue: UInt64) { self.rawValue = rawValue }
}
