/// Everything the runtime knows at one moment, as a plain value.
///
/// `Runtime.snapshot()` returns one cheaply; the dashboard and the headless commands draw from it
/// and never reach into the runtime's locks. Times are offsets from the runtime's start.
public struct RuntimeSnapshot: Sendable {
  /// Time since the runtime started.
  public var uptime: Duration
  /// The mode new runs start in.
  public var mode: ExecutionMode
  /// One entry per workflow, in definition order.
  public var workflows: [WorkflowSnapshot]
  /// One entry per queue, in definition order.
  public var queues: [QueueSnapshot]
  /// Notable events, oldest first; failures are kept in preference to routine events.
  public var events: [RuntimeEvent]
  /// The latest background failures (attempt failures and dead letters), newest last.
  public var recentFailures: [FailureRecord]
  /// Runs in flight across all workflows, and the limit (nil: no limit).
  public var runsInFlight: Int
  /// The limit on runs in flight (nil: unlimited).
  public var maxRunsInFlight: Int?
  /// True once shutdown has begun.
  public var shuttingDown: Bool

  /// Creates a snapshot.
  public init(
    uptime: Duration, mode: ExecutionMode, workflows: [WorkflowSnapshot], queues: [QueueSnapshot],
    events: [RuntimeEvent], recentFailures: [FailureRecord], runsInFlight: Int,
    maxRunsInFlight: Int?, shuttingDown: Bool
  ) {
    self.uptime = uptime
    self.mode = mode
    self.workflows = workflows
    self.queues = queues
    self.events = events
    self.recentFailures = recentFailures
    self.runsInFlight = runsInFlight
    self.maxRunsInFlight = maxRunsInFlight
    self.shuttingDown = shuttingDown
  }
}

/// Percentiles of a latency distribution (from an HdrHistogram).
public struct LatencySummary: Sendable, Hashable {
  /// Values recorded.
  public var count: Int
  /// Percentiles and extremes; `.zero` when `count` is 0.
  public var p50: Duration
  /// The 95th percentile.
  public var p95: Duration
  /// The 99th percentile.
  public var p99: Duration
  /// The 99.9th percentile.
  public var p999: Duration
  /// The largest value.
  public var max: Duration
  /// The mean.
  public var mean: Duration

  /// Creates a summary.
  public init(
    count: Int, p50: Duration, p95: Duration, p99: Duration, p999: Duration, max: Duration,
    mean: Duration
  ) {
    self.count = count
    self.p50 = p50
    self.p95 = p95
    self.p99 = p99
    self.p999 = p999
    self.max = max
    self.mean = mean
  }

  /// No values.
  public static let empty = LatencySummary(
    count: 0, p50: .zero, p95: .zero, p99: .zero, p999: .zero, max: .zero, mean: .zero)
}

/// One second of critical-path latency for a workflow.
public struct LatencyPoint: Sendable, Hashable {
  /// Whole seconds since the runtime started (the second this point covers).
  public var second: Int
  /// Runs that responded in that second.
  public var count: Int
  /// Median critical-path latency of those runs (.zero when count is 0).
  public var p50: Duration
  /// 99th percentile of those runs.
  public var p99: Duration
  /// The mode most of those runs ran in.
  public var mode: ExecutionMode

  /// Creates a point.
  public init(second: Int, count: Int, p50: Duration, p99: Duration, mode: ExecutionMode) {
    self.second = second
    self.count = count
    self.p50 = p50
    self.p99 = p99
    self.mode = mode
  }
}

/// Whether a workflow is taking new runs.
public enum WorkflowState: String, Sendable, Hashable {
  /// Taking new runs (from triggers and its load generator).
  case running
  /// Asked to pause: no new runs, runs in flight still finishing.
  case pausing
  /// No new runs and none in flight.
  case paused
}

/// A workflow's state and metrics.
public struct WorkflowSnapshot: Sendable {
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
  /// Critical-path latency (intended start to response), cumulative.
  public var criticalPath: LatencySummary
  /// Settle latency (intended start to the last step's end), cumulative.
  public var settle: LatencySummary
  /// Critical-path latency per second, oldest first, for the last several minutes.
  public var criticalPathSeries: [LatencyPoint]
  /// Per-step metrics, in definition order.
  public var steps: [StepSnapshot]
  /// The most recently started run that has responded (or failed), for the waterfall.
  public var lastRun: RunTrace?
  /// Runs started per second over the last few seconds.
  public var startedPerSecond: Double

  /// Creates a workflow snapshot.
  public init(
    name: String, description: String, state: WorkflowState, rate: Double,
    arrivals: ArrivalProcess, runsStarted: Int, runsResponded: Int, runsFailed: Int,
    runsRejected: Int, runsSettled: Int, runsInFlight: Int, criticalPath: LatencySummary,
    settle: LatencySummary, criticalPathSeries: [LatencyPoint], steps: [StepSnapshot],
    lastRun: RunTrace?, startedPerSecond: Double
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
  }
}

/// One step's metrics within its workflow.
public struct StepSnapshot: Sendable {
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

/// How a step ended (or where it is) within one run.
public enum StepOutcome: String, Sendable, Hashable {
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
public struct StepTrace: Sendable, Hashable {
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
public struct RunTrace: Sendable, Hashable {
  /// The run's id, unique within the runtime.
  public var runID: UInt64
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

  /// Creates a run trace.
  public init(
    runID: UInt64, workflow: String, mode: ExecutionMode, intendedStart: Duration,
    response: Duration?, settled: Duration?, failed: Bool, steps: [StepTrace]
  ) {
    self.runID = runID
    self.workflow = workflow
    self.mode = mode
    self.intendedStart = intendedStart
    self.response = response
    self.settled = settled
    self.failed = failed
    self.steps = steps
  }
}

/// Whether a queue's workers are taking steps.
public enum QueueState: String, Sendable, Hashable {
  /// Workers take steps.
  case running
  /// Asked to pause: workers finish what they hold and take nothing new.
  case pausing
  /// No worker holds a step; the queue only grows.
  case paused
}

/// A queue's state and metrics.
public struct QueueSnapshot: Sendable {
  /// The queue's name.
  public var name: String
  /// Running, pausing or paused.
  public var state: QueueState
  /// Steps that may wait.
  public var capacity: Int
  /// Worker count.
  public var workers: Int
  /// Workers running a step now.
  public var busyWorkers: Int
  /// What a full queue does.
  public var whenFull: OverflowPolicy
  /// Steps waiting to start.
  public var queued: Int
  /// Steps running.
  public var running: Int
  /// Steps waiting for a retry's backoff to pass.
  public var waitingRetry: Int
  /// Steps in the dead-letter list.
  public var dead: Int
  /// Steps accepted since start. A redrive moves dead letters back to queued without counting
  /// them again, so at any moment
  /// `accepted == succeeded + dead + cancelled + dropped + queued + running + waitingRetry`.
  public var accepted: Int
  /// Steps that succeeded.
  public var succeeded: Int
  /// Retries scheduled.
  public var retried: Int
  /// Attempts that failed.
  public var failedAttempts: Int
  /// Steps dead-lettered since start.
  public var deadLettered: Int
  /// Steps refused because the queue was full.
  public var rejected: Int
  /// Steps dropped to make room.
  public var dropped: Int
  /// Steps cancelled (shutdown).
  public var cancelled: Int
  /// Producers waiting for room now (whenFull: block).
  public var blockedProducers: Int
  /// Age of the oldest queued step (nil when none is queued).
  public var oldestQueuedAge: Duration?
  /// Time from enqueue to start.
  public var wait: LatencySummary
  /// Time an attempt runs.
  public var run: LatencySummary
  /// Depth (queued + running + waiting to retry) sampled once a second, oldest first.
  public var depthSeries: [Int]
  /// Outcomes in the last second and in recent seconds, for rates.
  public var recent: OutcomeRates

  /// Creates a queue snapshot.
  public init(
    name: String, state: QueueState, capacity: Int, workers: Int, busyWorkers: Int,
    whenFull: OverflowPolicy, queued: Int, running: Int, waitingRetry: Int, dead: Int,
    accepted: Int, succeeded: Int, retried: Int, failedAttempts: Int, deadLettered: Int,
    rejected: Int, dropped: Int, cancelled: Int, blockedProducers: Int,
    oldestQueuedAge: Duration?, wait: LatencySummary, run: LatencySummary, depthSeries: [Int],
    recent: OutcomeRates
  ) {
    self.name = name
    self.state = state
    self.capacity = capacity
    self.workers = workers
    self.busyWorkers = busyWorkers
    self.whenFull = whenFull
    self.queued = queued
    self.running = running
    self.waitingRetry = waitingRetry
    self.dead = dead
    self.accepted = accepted
    self.succeeded = succeeded
    self.retried = retried
    self.failedAttempts = failedAttempts
    self.deadLettered = deadLettered
    self.rejected = rejected
    self.dropped = dropped
    self.cancelled = cancelled
    self.blockedProducers = blockedProducers
    self.oldestQueuedAge = oldestQueuedAge
    self.wait = wait
    self.run = run
    self.depthSeries = depthSeries
    self.recent = recent
  }

  /// Steps the queue holds: queued, running and waiting to retry (what `depthSeries` samples).
  public var depth: Int { queued + running + waitingRetry }
}

/// Outcome counts per second, averaged over the last few seconds.
public struct OutcomeRates: Sendable, Hashable {
  /// Succeeded per second.
  public var succeeded: Double
  /// Retries per second.
  public var retried: Double
  /// Failed attempts per second.
  public var failed: Double
  /// Dead letters per second.
  public var deadLettered: Double
  /// Rejections and drops per second.
  public var rejected: Double

  /// Creates rates.
  public init(succeeded: Double, retried: Double, failed: Double, deadLettered: Double, rejected: Double) {
    self.succeeded = succeeded
    self.retried = retried
    self.failed = failed
    self.deadLettered = deadLettered
    self.rejected = rejected
  }

  /// All zero.
  public static let zero = OutcomeRates(succeeded: 0, retried: 0, failed: 0, deadLettered: 0, rejected: 0)
}

/// How much an event matters.
public enum EventSeverity: Int, Sendable, Hashable, Comparable {
  /// Routine: a pause, a mode change.
  case info = 0
  /// Worth a look: a retry, a rejection.
  case warning = 1
  /// A failure: a run failed, a step dead-lettered.
  case error = 2

  public static func < (lhs: EventSeverity, rhs: EventSeverity) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What kind of thing happened.
public enum EventKind: String, Sendable, Hashable {
  case runFailed, runRejected, stepRetried, stepDeadLettered, stepRejected, stepDropped, stepTimedOut
  case workflowPausing, workflowPaused, workflowResumed, queuePausing, queuePaused, queueResumed
  case modeChanged, rateChanged, redriven, shutdown
}

/// A notable event.
public struct RuntimeEvent: Sendable, Hashable {
  /// Increasing with time, unique.
  public var sequence: UInt64
  /// When, from the runtime's start.
  public var time: Duration
  /// How much it matters.
  public var severity: EventSeverity
  /// What happened.
  public var kind: EventKind
  /// A sentence for people, e.g. `sync-crm: attempt 2/4 failed: HTTP 503 (simulated); retry in 180ms`.
  public var message: String

  /// Creates an event.
  public init(sequence: UInt64, time: Duration, severity: EventSeverity, kind: EventKind, message: String) {
    self.sequence = sequence
    self.time = time
    self.severity = severity
    self.kind = kind
    self.message = message
  }
}

/// A background failure worth showing.
public struct FailureRecord: Sendable, Hashable {
  /// When, from the runtime's start.
  public var time: Duration
  /// The workflow.
  public var workflow: String
  /// The step.
  public var step: String
  /// The queue.
  public var queue: String
  /// Which attempt failed.
  public var attempt: Int
  /// True if this failure dead-lettered the step.
  public var dead: Bool
  /// The error, for people.
  public var error: String

  /// Creates a failure record.
  public init(time: Duration, workflow: String, step: String, queue: String, attempt: Int, dead: Bool, error: String) {
    self.time = time
    self.workflow = workflow
    self.step = step
    self.queue = queue
    self.attempt = attempt
    self.dead = dead
    self.error = error
  }
}
