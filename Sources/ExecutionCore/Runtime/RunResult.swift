/// The outcome of `Runtime.run(workflow:)`: known once the blocking part is done.
public struct RunResult: Sendable, Hashable {
  /// The run's id.
  public var runID: UInt64
  /// Intended start to response.
  public var latency: Duration
  /// True if a blocking step failed.
  public var failed: Bool
  /// The failing step's error, for people.
  public var error: String?
  /// The mode the run ran in.
  public var mode: ExecutionMode
  /// The response: the output of the workflow's response step (see `WorkflowDefinition.response`);
  /// `null` when the run failed or has no blocking step.
  public var response: Payload
  /// The id of the blocking step whose failure failed the run.
  public var failedStep: String?
  /// That step's own error (`error` is the sentence naming the step too).
  public var stepError: String?

  /// Creates a result.
  public init(
    runID: UInt64, latency: Duration, failed: Bool, error: String?, mode: ExecutionMode,
    response: Payload = .null, failedStep: String? = nil, stepError: String? = nil
  ) {
    self.runID = runID
    self.latency = latency
    self.failed = failed
    self.error = error
    self.mode = mode
    self.response = response
    self.failedStep = failedStep
    self.stepError = stepError
  }
}

/// What `Runtime.shutdown(deadline:)` did.
public struct ShutdownReport: Sendable {
  /// True if every run settled before the deadline (nothing had to be cancelled).
  public var settledInTime: Bool
  /// Runs that had not settled at the deadline.
  public var runsCancelled: Int
  /// Background steps cancelled (queued, waiting to retry, or running) across all queues.
  public var stepsCancelled: Int
  /// The final state; the per-queue counts add up.
  public var snapshot: RuntimeSnapshot
  /// With a durable store: background steps not finished, kept in the store for the next process
  /// (0 in memory, where they are cancelled instead).
  public var stepsKept = 0

  /// Creates a report.
  public init(settledInTime: Bool, runsCancelled: Int, stepsCancelled: Int, snapshot: RuntimeSnapshot) {
    self.settledInTime = settledInTime
    self.runsCancelled = runsCancelled
    self.stepsCancelled = stepsCancelled
    self.snapshot = snapshot
  }
}
