import ExecutionCore

/// An A/B comparison in progress: a short all-sync phase, then a hybrid phase, on one workflow.
public struct ComparisonProgress: Sendable, Hashable {
  /// The phases, in the order they run.
  public enum Phase: Sendable, Hashable {
    /// Every step blocking.
    case allSync
    /// Steps as declared.
    case hybrid
    /// Both phases are over; waiting for the hybrid recording's summary.
    case finishing
  }

  /// The workflow compared.
  public var workflow: String
  /// The phase running now.
  public var phase: Phase
  /// When the current phase began (dashboard clock).
  public var phaseStartedAt: Duration
  /// How long each phase lasts.
  public var phaseLength: Duration
  /// The recording of the current phase (nil until the runtime has answered).
  public var recording: RecordingID?
  /// The all-sync phase's recording, once that phase is over.
  public var allSyncRecording: RecordingID?
  /// What the all-sync phase collected, once it is over.
  public var allSync: LatencySummary?
  /// The workflow's own mode to restore when the comparison ends (nil: the runtime's mode).
  public var originalMode: ExecutionMode?

  /// Creates a comparison in its all-sync phase.
  public init(
    workflow: String, phaseStartedAt: Duration, phaseLength: Duration, recording: RecordingID? = nil,
    originalMode: ExecutionMode?
  ) {
    self.workflow = workflow
    self.phase = .allSync
    self.phaseStartedAt = phaseStartedAt
    self.phaseLength = phaseLength
    self.recording = recording
    self.allSync = nil
    self.originalMode = originalMode
  }

  /// The command that puts the workflow back as the comparison found it.
  public var restore: RuntimeCommand {
    .setWorkflowMode(originalMode, workflow: workflow, comparison: false)
  }

  /// How far the whole comparison has come, 0...1.
  public func fraction(at now: Duration) -> Double {
    let total = 2 * phaseLength.seconds
    guard total > 0 else { return 1 }
    guard phase != .finishing else { return 1 }
    let done = (phase == .hybrid ? phaseLength.seconds : 0) + (now - phaseStartedAt).seconds
    return min(1, max(0, done / total))
  }
}

/// What a finished comparison found.
public struct ComparisonResult: Sendable, Hashable {
  /// The workflow compared.
  public var workflow: String
  /// Critical-path latency of runs started in the all-sync phase.
  public var allSync: LatencySummary
  /// Critical-path latency of runs started in the hybrid phase.
  public var hybrid: LatencySummary

  /// Creates a result.
  public init(workflow: String, allSync: LatencySummary, hybrid: LatencySummary) {
    self.workflow = workflow
    self.allSync = allSync
    self.hybrid = hybrid
  }

  /// Hybrid over all-sync for one percentile: the fraction of the all-sync time a caller waits
  /// in hybrid mode (0.62 reads "hybrid answers in 0.62x the all-sync time"). The same
  /// convention as `lanes compare`; nil when either side has no runs or all-sync is zero.
  public func ratio(_ percentile: KeyPath<LatencySummary, Duration>) -> Double? {
    guard allSync.count > 0, hybrid.count > 0 else { return nil }
    let denominator = allSync[keyPath: percentile].nanoseconds
    guard denominator > 0 else { return nil }
    return hybrid[keyPath: percentile].nanoseconds / denominator
  }
}
