/// How a step ended (or where it is) within one run.
public enum StepOutcome: String, Sendable, Hashable, Codable {
  /// Not started yet.
  case pending
  /// Waiting on a queue.
  case queued
  /// Running now.
  case running
  /// Waiting to retry after a failed attempt.
  case waitingRetry
  /// Succeeded.
  case succeeded
  /// Failed (blocking step; the run failed).
  case failed
  /// Dead-lettered after its last attempt.
  case dead
  /// Refused by a full queue.
  case rejected
  /// Dropped from a full queue.
  case dropped
  /// Cancelled (shutdown, or a failed run's remaining steps).
  case cancelled
  /// Never ran because a step it depends on did not succeed.
  case skipped
}

/// One step within one run, for the waterfall.
public struct StepTrace: Sendable, Hashable, Codable {
  /// The step's id.
  public var id: String
  /// How it executed in this run (blocking in all-sync mode even if declared background).
  public var executedAs: StepMode
  /// When it became ready (its dependencies done), from the run's intended start.
  public var readyAt: Duration?
  /// When its first attempt started, from the run's intended start.
  public var startedAt: Duration?
  /// When it ended, from the run's intended start.
  public var endedAt: Duration?
  /// Where it is or how it ended.
  public var outcome: StepOutcome
  /// Attempts made.
  public var attempts: Int
  /// True if it lies on the longest blocking chain of this run (what set the response time).
  public var onCriticalPath: Bool

  /// Creates a step trace.
  public init(
    id: String, executedAs: StepMode, readyAt: Duration?, startedAt: Duration?, endedAt: Duration?,
    outcome: StepOutcome, attempts: Int, onCriticalPath: Bool
  ) {
    self.id = id
    self.executedAs = executedAs
    self.readyAt = readyAt
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.outcome = outcome
    self.attempts = attempts
    self.onCriticalPath = onCriticalPath
  }
}

/// One run, step by step.
public struct RunTrace: Sendable, Hashable, Codable {
  /// The run's id, unique within the runtime.
  public var runID: UInt64
  /// The run's number within its workflow: 1 for its first run (`runID` counts every workflow's).
  public var number: UInt64
  /// The workflow.
  public var workflow: String
  /// The mode it ran in.
  public var mode: ExecutionMode
  /// Its intended start, from the runtime's start.
  public var intendedStart: Duration
  /// Time from intended start to the response (nil until then, or if it failed).
  public var response: Duration?
  /// Time from intended start to settling (nil until settled).
  public var settled: Duration?
  /// True if the blocking part failed.
  public var failed: Bool
  /// Steps in definition order.
  public var steps: [StepTrace]
  /// True if the run started under a comparison (its latencies are kept out of the normal figures).
  public var comparison: Bool

  /// Creates a run trace.
  public init(
    runID: UInt64, workflow: String, mode: ExecutionMode, intendedStart: Duration,
    response: Duration?, settled: Duration?, failed: Bool, steps: [StepTrace], number: UInt64 = 0,
    comparison: Bool = false
  ) {
    self.runID = runID
    self.number = number
    self.comparison = comparison
    self.workflow = workflow
    self.mode = mode
    self.intendedStart = intendedStart
    self.response = response
    self.settled = settled
    self.failed = failed
    self.steps = steps
  }
}
