/// Whether a queue's workers are taking steps.
public enum QueueState: String, Sendable, Hashable, Codable {
  /// Workers take steps.
  case running
  /// Asked to pause: workers finish what they hold and take nothing new.
  case pausing
  /// No worker holds a step; the queue only grows.
  case paused
}

/// A queue's state and metrics.
public struct QueueSnapshot: Sendable, Codable {
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
  /// them again, so the counts always add up (`isBalanced`).
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
  /// Wait and run percentiles per window (every `StatsWindow`; see `figures(_:)`).
  public var windows: [StatsWindow: QueueWindowFigures]
  /// Worker tasks that exist now (started as steps arrive, up to `workers`).
  public var workerTasks: Int
  /// Worker tasks waiting for a step.
  public var idleWorkers: Int
  /// Steps runs offered to the queue, each counted once however it ended:
  /// `offered == accepted + rejected + blockedProducers + refusedAtShutdown`.
  public var offered: Int
  /// Steps never accepted because the queue shut down: producers still waiting for room when it
  /// did (when-full: block), and steps offered after it.
  public var refusedAtShutdown: Int
  /// Dead letters deleted (`Runtime.deleteDeadLetters(queue:)`): they left the queue for good.
  public var deadLettersDeleted: Int

  /// Creates a queue snapshot.
  public init(
    name: String, state: QueueState, capacity: Int, workers: Int, busyWorkers: Int,
    whenFull: OverflowPolicy, queued: Int, running: Int, waitingRetry: Int, dead: Int,
    accepted: Int, succeeded: Int, retried: Int, failedAttempts: Int, deadLettered: Int,
    rejected: Int, dropped: Int, cancelled: Int, blockedProducers: Int,
    oldestQueuedAge: Duration?, wait: LatencySummary, run: LatencySummary, depthSeries: [Int],
    recent: OutcomeRates, windows: [StatsWindow: QueueWindowFigures] = [:], workerTasks: Int = 0,
    idleWorkers: Int = 0, offered: Int? = nil, refusedAtShutdown: Int = 0, deadLettersDeleted: Int = 0
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
    self.windows = windows
    self.workerTasks = workerTasks
    self.idleWorkers = idleWorkers
    self.offered = offered ?? (accepted + rejected + blockedProducers + refusedAtShutdown)
    self.refusedAtShutdown = refusedAtShutdown
    self.deadLettersDeleted = deadLettersDeleted
  }

  /// The figures over `window` (empty ones if the snapshot has none for it).
  public func figures(_ window: StatsWindow) -> QueueWindowFigures { windows[window] ?? .empty(window) }

  /// The accounting invariants: every accepted step is in exactly one place, and every offered
  /// step was accepted, refused for room, is waiting for room, or was refused at shutdown.
  public var isBalanced: Bool {
    accepted == succeeded + dead + deadLettersDeleted + cancelled + dropped + queued + running
      + waitingRetry && offered == accepted + rejected + blockedProducers + refusedAtShutdown
  }

  /// Steps the queue holds: queued, running and waiting to retry (what `depthSeries` samples).
  public var depth: Int { queued + running + waitingRetry }
}

/// Outcome counts per second, averaged over the last few seconds.
public struct OutcomeRates: Sendable, Hashable, Codable {
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
