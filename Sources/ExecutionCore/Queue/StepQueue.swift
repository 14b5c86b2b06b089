import DequeModule
import Histogram
import Synchronization

/// One background step waiting on a queue: three words.
struct QueueItem: Sendable {
  let run: RunState
  let step: Int32
  /// Attempts already made.
  var attempts: Int32
  var enqueuedNs: Int64
}

/// A step that exhausted its attempts, with its last error.
struct DeadLetter: Sendable {
  var item: QueueItem
  var error: String
  var timeNs: Int64
}

/// Outcome counts within one second.
struct OutcomeTally: Sendable {
  var succeeded = 0
  var retried = 0
  var failed = 0
  var deadLettered = 0
  var rejected = 0
}

/// What offering a step to a queue did.
enum OfferResult {
  /// Accepted; `worker` (if set) is an idle worker to hand it to, outside the lock.
  case accepted(worker: UnsafeContinuation<QueueItem?, Never>?, item: QueueItem)
  /// Accepted after dropping `dropped`, the oldest queued step.
  case acceptedDropping(QueueItem)
  /// Refused: the queue is full (policy reject, or block when the caller cannot wait).
  case rejected
  /// Full, and the policy is block: the caller should wait.
  case full
  /// Shut down.
  case closed
}

/// The state of one queue, guarded by one lock: items, parked workers, counters.
struct QueueCore: Sendable {
  var items = Deque<QueueItem>()
  var parked: [UnsafeContinuation<QueueItem?, Never>] = []
  var producers = Deque<(item: QueueItem, continuation: UnsafeContinuation<Bool, Never>)>()
  var pauseRequested = false
  var pausedAnnounced = false
  var closed = false
  var running = 0
  var waitingRetry = 0
  var deadLetters: [DeadLetter] = []
  var accepted = 0
  var succeeded = 0
  var retried = 0
  var failedAttempts = 0
  var deadLettered = 0
  var rejected = 0
  var dropped = 0
  var cancelled = 0
  var wait = LatencyHistogram.make()
  var run = LatencyHistogram.make()
  var waitWindows = WindowedLatency()
  var runWindows = WindowedLatency()
  var tallySecond = 0
  var tally = OutcomeTally()
  var recentTallies = Deque<OutcomeTally>()
  var depthSecond = -1
  var depthSeries = Deque<Int>()
  var retryTimers: [UInt64: Task<Void, Never>] = [:]
  var nextTimer: UInt64 = 0

  var depth: Int { items.count + running + waitingRetry }

  /// Starts a new second for the outcome tallies when time has moved on.
  mutating func rollTally(to second: Int) {
    guard second > tallySecond else { return }
    recentTallies.append(tally)
    for _ in 0..<min(second - tallySecond - 1, 5) { recentTallies.append(OutcomeTally()) }
    while recentTallies.count > 5 { recentTallies.removeFirst() }
    tally = OutcomeTally()
    tallySecond = second
  }

  /// Outcome rates over the last closed seconds.
  var rates: OutcomeRates {
    let window = recentTallies.suffix(3)
    guard !window.isEmpty else { return .zero }
    let n = Double(window.count)
    return OutcomeRates(
      succeeded: Double(window.reduce(0) { $0 + $1.succeeded }) / n,
      retried: Double(window.reduce(0) { $0 + $1.retried }) / n,
      failed: Double(window.reduce(0) { $0 + $1.failed }) / n,
      deadLettered: Double(window.reduce(0) { $0 + $1.deadLettered }) / n,
      rejected: Double(window.reduce(0) { $0 + $1.rejected }) / n)
  }

  /// A waiting step for a worker, unless the queue is closed or paused; it counts as running, and
  /// the room it leaves lets one blocked producer in (resume that one outside the lock).
  mutating func takeWaiting(capacity: Int) -> (item: QueueItem, producer: UnsafeContinuation<Bool, Never>?)? {
    guard !closed, !pauseRequested, let item = items.popFirst() else { return nil }
    running += 1
    return (item, admitProducer(capacity: capacity))
  }

  /// A running step ended for good (succeeded, dead, or cancelled): its counts and histograms.
  /// Returns true if this ended a pause.
  mutating func recordEnd(
    _ item: QueueItem, outcome: StepOutcome, waitNs: Int64, runNs: Int64, nowSecond: Int, error: String?,
    nowNs: Int64
  ) -> Bool {
    running -= 1
    LatencyHistogram.record(&wait, nanoseconds: waitNs)
    waitWindows.record(nanoseconds: waitNs, second: nowSecond)
    rollTally(to: nowSecond)
    switch outcome {
    case .succeeded:
      succeeded += 1
      tally.succeeded += 1
      LatencyHistogram.record(&run, nanoseconds: runNs)
      runWindows.record(nanoseconds: runNs, second: nowSecond)
    case .dead:
      failedAttempts += 1
      deadLettered += 1
      tally.failed += 1
      tally.deadLettered += 1
      deadLetters.append(DeadLetter(item: item, error: error ?? "failed", timeNs: nowNs))
    default:
      cancelled += 1
    }
    return checkPaused()
  }

  /// After a step leaves the waiting list: let one blocked producer in.
  mutating func admitProducer(capacity: Int) -> UnsafeContinuation<Bool, Never>? {
    guard items.count < capacity, let producer = producers.popFirst() else { return nil }
    items.append(producer.item)
    accepted += 1
    return producer.continuation
  }
}

/// A named, bounded queue: a `Mutex` around a `Deque`, with idle workers parked on continuations.
///
/// Every transition between queued, running, waiting to retry, succeeded, dead, dropped and
/// cancelled happens in one critical section, so a snapshot always sees
/// `accepted == succeeded + dead + cancelled + dropped + queued + running + waitingRetry`.
final class StepQueue: Sendable {
  let index: Int
  let definition: QueueDefinition
  let core = Mutex(QueueCore())

  init(index: Int, definition: QueueDefinition) {
    self.index = index
    self.definition = definition
  }

  /// Offers a step without waiting.
  func offer(_ item: QueueItem) -> OfferResult {
    let result = core.withLock { core -> OfferResult in
      if core.closed { return .closed }
      if !core.pauseRequested, !core.parked.isEmpty {
        let worker = core.parked.removeLast()
        core.accepted += 1
        core.running += 1
        return .accepted(worker: worker, item: item)
      }
      if core.items.count < definition.capacity {
        core.items.append(item)
        core.accepted += 1
        return .accepted(worker: nil, item: item)
      }
      switch definition.whenFull {
      case .reject:
        core.rejected += 1
        core.tally.rejected += 1
        return .rejected
      case .dropOldest:
        guard let oldest = core.items.popFirst() else {
          core.rejected += 1
          core.tally.rejected += 1
          return .rejected
        }
        core.dropped += 1
        core.tally.rejected += 1
        core.items.append(item)
        core.accepted += 1
        return .acceptedDropping(oldest)
      case .block:
        return .full
      }
    }
    if case .accepted(let worker?, let item) = result { worker.resume(returning: item) }
    return result
  }

  /// Waits for room (policy block). Returns false if the queue shut down first.
  func waitForRoom(_ item: QueueItem) async -> Bool {
    await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
      let outcome = core.withLock { core -> (Bool?, UnsafeContinuation<QueueItem?, Never>?) in
        if core.closed { return (false, nil) }
        if !core.pauseRequested, !core.parked.isEmpty {
          core.accepted += 1
          core.running += 1
          return (true, core.parked.removeLast())
        }
        if core.items.count < definition.capacity {
          core.items.append(item)
          core.accepted += 1
          return (true, nil)
        }
        core.producers.append((item, continuation))
        return (nil, nil)
      }
      if let worker = outcome.1 { worker.resume(returning: item) }
      if let accepted = outcome.0 { continuation.resume(returning: accepted) }
    }
  }

  /// Takes the next step for a worker, parking while there is none or the queue is paused.
  /// Returns nil once the queue is closed. A waiting step is taken without suspending, so a busy
  /// worker does not go through the executor for every step.
  nonisolated(nonsending) func take() async -> QueueItem? {
    let fast = core.withLock { core -> (QueueItem??, UnsafeContinuation<Bool, Never>?) in
      if core.closed { return (.some(nil), nil) }
      guard let taken = core.takeWaiting(capacity: definition.capacity) else { return (nil, nil) }
      return (.some(taken.item), taken.producer)
    }
    fast.1?.resume(returning: true)
    if let item = fast.0 { return item }
    return await withUnsafeContinuation { (continuation: UnsafeContinuation<QueueItem?, Never>) in
      let outcome = core.withLock { core -> (QueueItem??, UnsafeContinuation<Bool, Never>?) in
        if core.closed { return (.some(nil), nil) }
        if let taken = core.takeWaiting(capacity: definition.capacity) {
          return (.some(taken.item), taken.producer)
        }
        core.parked.append(continuation)
        return (nil, nil)
      }
      outcome.1?.resume(returning: true)
      if let item = outcome.0 { continuation.resume(returning: item) }
    }
  }

  /// `ended(outcome: .succeeded)` and then `take`'s fast path, in one trip through the queue's
  /// lock: a worker that finishes a step while others wait starts the next one without taking
  /// the lock twice (with every worker doing both, that lock is what they contend for).
  /// Returns whether this ended a pause, and the next step if one was taken (nil: call `take`).
  func succeededTakingNext(_ item: QueueItem, waitNs: Int64, runNs: Int64, nowSecond: Int) -> (
    paused: Bool, next: QueueItem?
  ) {
    let (paused, taken) = core.withLock { core in
      let paused = core.recordEnd(
        item, outcome: .succeeded, waitNs: waitNs, runNs: runNs, nowSecond: nowSecond, error: nil, nowNs: 0)
      return (paused, core.takeWaiting(capacity: definition.capacity))
    }
    taken?.producer?.resume(returning: true)
    return (paused, taken?.item)
  }

  /// A running step ended for good (succeeded, dead, or cancelled). Returns true if this ended a
  /// pause (no worker holds a step any more), so the caller can announce it.
  func ended(
    _ item: QueueItem, outcome: StepOutcome, waitNs: Int64, runNs: Int64, nowSecond: Int,
    error: String? = nil,
    nowNs: Int64 = 0
  ) -> Bool {
    core.withLock { core in
      core.recordEnd(
        item, outcome: outcome, waitNs: waitNs, runNs: runNs, nowSecond: nowSecond, error: error, nowNs: nowNs
      )
    }
  }

  /// A running attempt failed and will be retried after `delay` by a timer task made here.
  /// Returns true if this ended a pause.
  func retryLater(
    _ item: QueueItem, waitNs: Int64, nowSecond: Int, timer: (UInt64) -> Task<Void, Never>
  ) -> Bool {
    core.withLock { core in
      core.running -= 1
      LatencyHistogram.record(&core.wait, nanoseconds: waitNs)
      core.waitWindows.record(nanoseconds: waitNs, second: nowSecond)
      core.waitingRetry += 1
      core.retried += 1
      core.failedAttempts += 1
      core.rollTally(to: nowSecond)
      core.tally.failed += 1
      core.tally.retried += 1
      core.nextTimer += 1
      // Made under the lock so the timer cannot remove its entry before it is inserted.
      core.retryTimers[core.nextTimer] = timer(core.nextTimer)
      return core.checkPaused()
    }
  }

  /// A retry's backoff has passed: back to the front of the line (never refused: it was
  /// accepted already). Returns false if the queue is closed and the step was cancelled.
  func requeue(_ item: QueueItem, timer: UInt64) -> Bool {
    let outcome = core.withLock { core -> (Bool, UnsafeContinuation<QueueItem?, Never>?) in
      core.retryTimers.removeValue(forKey: timer)
      core.waitingRetry -= 1
      if core.closed {
        core.cancelled += 1
        return (false, nil)
      }
      if !core.pauseRequested, !core.parked.isEmpty {
        core.running += 1
        return (true, core.parked.removeLast())
      }
      core.items.append(item)
      return (true, nil)
    }
    outcome.1?.resume(returning: item)
    return outcome.0
  }

  /// Moves every dead letter back to queued; returns them (count them once: they were accepted).
  func redrive(nowNs: Int64) -> [QueueItem] {
    let (moved, workers) = core.withLock {
      core -> ([QueueItem], [(UnsafeContinuation<QueueItem?, Never>, QueueItem)]) in
      guard !core.closed else { return ([], []) }
      let moved = core.deadLetters.map { letter in
        var item = letter.item
        item.attempts = 0
        item.enqueuedNs = nowNs
        return item
      }
      core.deadLetters.removeAll()
      core.items.append(contentsOf: moved)
      var handed: [(UnsafeContinuation<QueueItem?, Never>, QueueItem)] = []
      while !core.pauseRequested, !core.parked.isEmpty, let item = core.items.popFirst() {
        core.running += 1
        handed.append((core.parked.removeLast(), item))
      }
      return (moved, handed)
    }
    for (worker, item) in workers { worker.resume(returning: item) }
    return moved
  }

  /// Workers stop taking steps. Returns the state reached (pausing or paused).
  func pause() -> QueueState {
    core.withLock { core in
      core.pauseRequested = true
      core.pausedAnnounced = core.running == 0
      return core.running == 0 ? .paused : .pausing
    }
  }

  /// Workers take steps again.
  func resume() {
    let handed = core.withLock { core -> [(UnsafeContinuation<QueueItem?, Never>, QueueItem)] in
      core.pauseRequested = false
      core.pausedAnnounced = false
      var handed: [(UnsafeContinuation<QueueItem?, Never>, QueueItem)] = []
      while !core.parked.isEmpty, let item = core.items.popFirst() {
        core.running += 1
        handed.append((core.parked.removeLast(), item))
      }
      return handed
    }
    for (worker, item) in handed { worker.resume(returning: item) }
  }

  /// Shuts the queue: waiting steps are cancelled (returned so their runs can be told), parked
  /// workers and blocked producers are released, retry timers are cancelled.
  func close() -> (cancelled: [QueueItem], refused: [QueueItem]) {
    let (items, parked, producers, timers) = core.withLock { core in
      core.closed = true
      let items = Array(core.items)
      core.items.removeAll()
      core.cancelled += items.count
      let parked = core.parked
      core.parked.removeAll()
      let producers = Array(core.producers)
      core.producers.removeAll()
      return (items, parked, producers, Array(core.retryTimers.values))
    }
    for worker in parked { worker.resume(returning: nil) }
    for producer in producers { producer.continuation.resume(returning: false) }
    for timer in timers { timer.cancel() }
    return (items, producers.map(\.item))
  }
}

/// The cumulative histograms a refresh copies out of a queue (nil: unchanged since the last one).
struct QueueCopy {
  var wait: Histogram<UInt64>?
  var run: Histogram<UInt64>?
}

/// What one refresh took from a queue under its lock.
struct QueueSample {
  var changed: QueueCopy
  var depthSeries: [Int]
  var rates: OutcomeRates
  var waitSlots: [StatsWindow: WindowSlots]
  var runSlots: [StatsWindow: WindowSlots]
}

extension StepQueue {
  /// The refresh's visit: closes the outcome tallies and depth samples of the seconds that ended,
  /// and copies what the snapshot summarises outside the lock (`copy` picks the cumulative
  /// histograms that changed).
  func sample(
    second: Int, history: Int, nowNs: Int64, windows: [StatsWindow], copy: (QueueCore) -> QueueCopy
  ) -> QueueSample {
    core.withLock { core in
      core.rollTally(to: second)
      if core.depthSecond < 0 { core.depthSecond = second - 1 }
      if second > core.depthSecond {
        for _ in 0..<min(second - core.depthSecond, history) { core.depthSeries.append(core.depth) }
        while core.depthSeries.count > history { core.depthSeries.removeFirst() }
        core.depthSecond = second
      }
      var waitSlots: [StatsWindow: WindowSlots] = [:]
      var runSlots: [StatsWindow: WindowSlots] = [:]
      for window in windows {
        waitSlots[window] = core.waitWindows.slots(window, second: second, nowNs: nowNs)
        runSlots[window] = core.runWindows.slots(window, second: second, nowNs: nowNs)
      }
      return QueueSample(
        changed: copy(core), depthSeries: Array(core.depthSeries), rates: core.rates, waitSlots: waitSlots,
        runSlots: runSlots)
    }
  }

  /// The queue's live counters with the refresh's cached summaries.
  func snapshot(nowNs now: Int64, cached c: SnapshotCache.Queue) -> QueueSnapshot {
    core.withLock { core in
      QueueSnapshot(
        name: definition.name, state: core.state, capacity: definition.capacity,
        workers: definition.workers, busyWorkers: core.running, whenFull: definition.whenFull,
        queued: core.items.count, running: core.running, waitingRetry: core.waitingRetry,
        dead: core.deadLetters.count, accepted: core.accepted, succeeded: core.succeeded,
        retried: core.retried, failedAttempts: core.failedAttempts, deadLettered: core.deadLettered,
        rejected: core.rejected, dropped: core.dropped, cancelled: core.cancelled,
        blockedProducers: core.producers.count,
        oldestQueuedAge: core.items.first.map { .nanoseconds(max(0, now - $0.enqueuedNs)) },
        wait: c.wait, run: c.run, depthSeries: c.depthSeries, recent: c.rates, windows: c.windows,
        workerTasks: definition.workers)
    }
  }
}

extension QueueCore {
  /// True exactly once when a requested pause becomes complete.
  mutating func checkPaused() -> Bool {
    if pauseRequested && !pausedAnnounced && running == 0 {
      pausedAnnounced = true
      return true
    }
    return false
  }

  /// The queue's state as shown.
  var state: QueueState {
    pauseRequested ? (running == 0 ? .paused : .pausing) : .running
  }
}
