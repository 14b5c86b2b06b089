/// Whether a workflow is taking new runs.
public enum WorkflowState: String, Sendable, Hashable, Codable {
  /// Taking new runs (from triggers and its load generator).
  case running
  /// Asked to pause: no new runs, runs in flight still finishing.
  case pausing
  /// No new runs and none in flight.
  case paused
}

/// A workflow's state and metrics.
public struct WorkflowSnapshot: Sendable, Codable {
  /// The workflow's name.
  public var name: String
  /// Its description.
  public var description: String
  /// Running, pausing or paused.
  public var state: WorkflowState
  /// The load generator's rate in runs per second (0: no generated load).
  public var rate: Double
  /// How generated arrivals are spaced.
  public var arrivals: ArrivalProcess
  /// Runs started (accepted).
  public var runsStarted: Int
  /// Runs whose blocking part finished successfully (the response went out).
  public var runsResponded: Int
  /// Runs whose blocking part failed.
  public var runsFailed: Int
  /// Runs refused because too many were in flight, or paused.
  public var runsRejected: Int
  /// Runs whose every step has ended (settled).
  public var runsSettled: Int
  /// Runs started and not yet settled.
  public var runsInFlight: Int
  /// Critical-path latency (intended start to response), since start (the `sinceStart` window).
  public var criticalPath: LatencySummary
  /// Settle latency (intended start to the last step's end), since start.
  public var settle: LatencySummary
  /// Critical-path latency per second, oldest first, for the last several minutes.
  public var criticalPathSeries: [LatencyPoint]
  /// Per-step metrics, in definition order.
  public var steps: [StepSnapshot]
  /// The most recently started run that has responded (or failed), for the waterfall.
  public var lastRun: RunTrace?
  /// Runs started per second over the last 5 ended seconds, whatever started them (the load
  /// generator, a trigger, or a program calling `run`): the observed arrival rate.
  public var startedPerSecond: Double
  /// Runs whose response went out, per second, over the last 5 ended seconds.
  public var respondedPerSecond: Double
  /// Percentiles and rates per window (every `StatsWindow`; see `figures(_:)`).
  public var windows: [StatsWindow: WindowFigures]
  /// The mode new runs of this workflow start in when it was set for this workflow alone
  /// (`setMode(_:workflow:comparison:)`); nil: the runtime's mode.
  public var modeOverride: ExecutionMode?
  /// True while a comparison runs on this workflow: its new runs are tagged, and their latencies
  /// are kept out of `criticalPath`, `settle`, `windows` and `criticalPathSeries`.
  public var underComparison: Bool
  /// Runs started under a comparison since start (counted in `runsStarted` too).
  public var comparisonRuns: Int
  /// Why runs failed: the failing step and its error, counted by kind, most frequent first.
  public var failureCauses: [FailureCause]

  /// Creates a workflow snapshot.
  public init(
    name: String, description: String, state: WorkflowState, rate: Double,
    arrivals: ArrivalProcess, runsStarted: Int, runsResponded: Int, runsFailed: Int,
    runsRejected: Int, runsSettled: Int, runsInFlight: Int, criticalPath: LatencySummary,
    settle: LatencySummary, criticalPathSeries: [LatencyPoint], steps: [StepSnapshot],
    lastRun: RunTrace?, startedPerSecond: Double, respondedPerSecond: Double = 0,
    windows: [StatsWindow: WindowFigures] = [:], modeOverride: ExecutionMode? = nil,
    underComparison: Bool = false, comparisonRuns: Int = 0, failureCauses: [FailureCause] = []
  ) {
    self.name = name
    self.description = description
    self.state = state
    self.rate = rate
    self.arrivals = arrivals
    self.runsStarted = runsStarted
    self.runsResponded = runsResponded
    self.runsFailed = runsFailed
    self.runsRejected = runsRejected
    self.runsSettled = runsSettled
    self.runsInFlight = runsInFlight
    self.criticalPath = criticalPath
    self.settle = settle
    self.criticalPathSeries = criticalPathSeries
    self.steps = steps
    self.lastRun = lastRun
    self.startedPerSecond = startedPerSecond
    self.respondedPerSecond = respondedPerSecond
    self.windows = windows
    self.modeOverride = modeOverride
    self.underComparison = underComparison
    self.comparisonRuns = comparisonRuns
    self.failureCauses = failureCauses
  }

  /// The figures over `window` (empty ones if the snapshot has none for it).
  public func figures(_ window: StatsWindow) -> WindowFigures { windows[window] ?? .empty(window) }
}

/// One step's metrics within its workflow.
public struct StepSnapshot: Sendable, Codable {
  /// The step's id.
  public var id: String
  /// As declared.
  public var mode: StepMode
  /// Its queue (background steps).
  public var queue: String?
  /// Duration of successful attempts.
  public var duration: LatencySummary
  /// Attempts that succeeded.
  public var succeeded: Int
  /// Attempts that failed (including timeouts).
  public var failed: Int
  /// Attempts that timed out.
  public var timedOut: Int
  /// Retries scheduled.
  public var retried: Int
  /// Steps dead-lettered after their last attempt.
  public var deadLettered: Int
  /// Steps refused by a full queue.
  public var rejected: Int
  /// Steps dropped from a full queue to make room.
  public var dropped: Int

  /// Creates a step snapshot.
  public init(
    id: String, mode: StepMode, queue: String?, duration: LatencySummary, succeeded: Int,
    failed: Int, timedOut: Int, retried: Int, deadLettered: Int, rejected: Int, dropped: Int
  ) {
    self.id = id
    self.mode = mode
    self.queue = queue
    self.duration = duration
    self.succeeded = succeeded
    self.failed = failed
    self.timedOut = timedOut
    self.retried = retried
    self.deadLettered = deadLettered
    self.rejected = rejected
    self.dropped = dropped
  }
}
