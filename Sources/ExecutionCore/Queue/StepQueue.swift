import DequeModule
import Histogram
import Synchronization

/// One background step waiting on a queue: three words, five when its run carries data.
struct QueueItem: Sendable {
  let run: RunState
  let step: Int32
  /// Attempts already made.
  var attempts: Int32
  var enqueuedNs: Int64
  /// The data the step may see, copied when it was queued (every attempt sees this copy); nil for
  /// a run without data (everything the step may see is `null`).
  var data: StepInput? = nil
}

/// A step that exhausted its attempts, with its last error.
struct DeadLetter: Sendable {
  var item: QueueItem
  var error: String
  var timeNs: Int64
}

/// An idle worker waiting for a step (nil: the queue closed).
typealias ParkedWorker = UnsafeContinuation<QueueItem?, Never>

/// A producer waiting for room (policy block); resumed with true once its step is accepted.
typealias BlockedProducer = UnsafeContinuation<Bool, Never>

/// A step on its way to a worker, decided under the queue's lock and carried out after it.
enum Handoff {
  /// Resume this parked worker with the step.
  case parked(ParkedWorker, QueueItem)
  /// Start a new worker task whose first step this is.
  case newWorker(QueueItem)
}

/// What leaves the lock after a change: steps to hand to workers, producers to let in.
struct Wakeups {
  var handoffs: [Handoff] = []
  var producers: [BlockedProducer] = []

  var isEmpty: Bool { handoffs.isEmpty && producers.isEmpty }
}

/// What offering a step to a queue did.
enum OfferResult {
  /// Accepted (handed to an idle worker, or waiting).
  case accepted
  /// Accepted after dropping this one, the oldest waiting step.
  case acceptedDropping(QueueItem)
  /// Refused: the queue is full (policy reject).
  case rejected
  /// Full, and the policy is block: the caller should wait (`waitForRoom`).
  case full
  /// Shut down.
  case closed
}

/// What a worker's take found.
private enum Taken {
  /// A step to run.
  case item(QueueItem)
  /// The queue is closed: the worker ends.
  case closed
  /// Nothing to take now (empty or paused).
  case none
}

/// The state of one queue, guarded by its `StepQueue`'s lock: items, workers, counters.
///
/// Every transition between queued, running, waiting to retry, succeeded, dead, dropped and
/// cancelled happens in one critical section, so `isBalanced` holds whenever the lock is free.
struct QueueCore: Sendable {
  let capacity: Int
  let workers: Int

  var items = Deque<QueueItem>()
  var parked: [ParkedWorker] = []
  var producers = Deque<(item: QueueItem, continuation: BlockedProducer)>()
  /// Worker tasks started so far: they start as steps arrive, never more than `workers`.
  var workerTasks = 0
  /// False until the runtime can start worker tasks (a bare queue in a test cannot).
  var startsWorkers = false
  var pauseRequested = false
  var pausedAnnounced = false
  var closed = false
  var running = 0
  var waitingRetry = 0
  var deadLetters: [DeadLetter] = []
  /// Steps offered by runs (each once, however it ended).
  var offered = 0
  var accepted = 0
  var succeeded = 0
  var retried = 0
  var failedAttempts = 0
  var deadLettered = 0
  var rejected = 0
  var dropped = 0
  var cancelled = 0
  /// Steps never accepted because the queue shut down: producers waiting for room when it did,
  /// and steps offered after it.
  var refusedAtShutdown = 0
  /// Dead letters deleted: accepted, and gone for good.
  var deadLettersDeleted = 0
  /// Wait and run latency, over sliding windows and since start (made on first use).
  var waitWindows = WindowedLatency()
  var runWindows = WindowedLatency()
  var tallySecond = 0
  var tally = OutcomeTally()
  var recentTallies = Deque<OutcomeTally>()
  /// The second whose depth is sampled next, and one sample per ended second.
  var depthSecond = 0
  var depthSeries = Deque<Int>()
  /// Store mode: the depth the store last reported (every process's steps), sampled instead of
  /// this process's own.
  var storedDepth: Int?
  var history: Int
  var retryTimers: [UInt64: Task<Void, Never>] = [:]
  var nextTimer: UInt64 = 0

  init(capacity: Int, workers: Int, history: Int) {
    self.capacity = capacity
    self.workers = workers
    self.history = max(1, history)
  }

  var depth: Int { storedDepth ?? (items.count + running + waitingRetry) }

  /// The accounting invariants, written once: every accepted step is in exactly one place, and
  /// every offered step was accepted, refused for room, is waiting for room, or was shut out.
  var isBalanced: Bool {
    accepted == succeeded + deadLetters.count + deadLettersDeleted + cancelled + dropped + items.count
      + running + waitingRetry && offered == accepted + rejected + producers.count + refusedAtShutdown
  }

  // MARK: Hand-over

  /// Gives `item` to an idle worker, counting it as running: a parked one, or a new one while
  /// fewer than `workers` exist. Nil when paused or closed, or when every worker is busy.
  mutating func handOver(_ item: QueueItem) -> Handoff? {
    guard !closed, !pauseRequested else { return nil }
    if let worker = parked.popLast() {
      running += 1
      return .parked(worker, item)
    }
    guard startsWorkers, workerTasks < workers else { return nil }
    workerTasks += 1
    running += 1
    return .newWorker(item)
  }

  /// Moves waiting steps to idle workers while there are both, and lets a blocked producer into
  /// each room that leaves (its step may go straight on to another idle worker).
  mutating func dispatch(into wakeups: inout Wakeups) {
    while true {
      admitProducers(into: &wakeups)
      guard !items.isEmpty, !closed, !pauseRequested,
        !parked.isEmpty || (startsWorkers && workerTasks < workers)
      else { return }
      let item = items.removeFirst()
      wakeups.handoffs.append(handOver(item)!)
    }
  }

  /// Lets blocked producers in while there is room.
  mutating func admitProducers(into wakeups: inout Wakeups) {
    while items.count < capacity, let producer = producers.popFirst() {
      items.append(producer.item)
      accepted += 1
      wakeups.producers.append(producer.continuation)
    }
  }

  /// A waiting step for a worker, unless the queue is closed or paused; it counts as running, and
  /// the room it leaves lets a blocked producer in.
  mutating func takeWaiting(into wakeups: inout Wakeups) -> QueueItem? {
    guard !closed, !pauseRequested, let item = items.popFirst() else { return nil }
    running += 1
    admitProducers(into: &wakeups)
    return item
  }

  // MARK: Samples

  /// Closes the depth samples and outcome tallies of the seconds before `second`. Called before
  /// the changes that know the time (offers, endings, retries, redrives), so an ended second keeps
  /// the depth it had as it ended (give or take a blocked producer let in as a worker took a step
  /// since), whoever reads the snapshot and whenever; a snapshot only reads.
  mutating func advance(to second: Int) {
    if second > depthSecond {
      for _ in 0..<min(second - depthSecond, history) { depthSeries.append(depth) }
      while depthSeries.count > history { depthSeries.removeFirst() }
      depthSecond = second
    }
    rollTally(to: second)
  }

  /// Starts a new second for the outcome tallies when time has moved on.
  mutating func rollTally(to second: Int) {
    guard second > tallySecond else { return }
    recentTallies.append(tally)
    for _ in 0..<min(second - tallySecond - 1, OutcomeTally.kept) { recentTallies.append(OutcomeTally()) }
    while recentTallies.count > OutcomeTally.kept { recentTallies.removeFirst() }
    tally = OutcomeTally()
    tallySecond = second
  }

  /// The depth series as of `second`: the ended seconds since the last change had the current depth.
  func depthSeries(at second: Int) -> [Int] {
    var series = Array(depthSeries)
    if second > depthSecond {
      series.append(contentsOf: repeatElement(depth, count: min(second - depthSecond, history)))
    }
    return Array(series.suffix(history))
  }

  /// Outcome rates over the last `StatsWindow.rateSeconds` ended seconds as of `second` (seconds without a change had none).
  func rates(at second: Int) -> OutcomeRates {
    var ended = Array(recentTallies)
    if second > tallySecond {
      ended.append(tally)
      ended.append(
        contentsOf: repeatElement(
          OutcomeTally(), count: min(second - tallySecond - 1, StatsWindow.rateSeconds)))
    }
    return OutcomeTally.rates(ended.suffix(StatsWindow.rateSeconds))
  }

  // MARK: Endings

  /// A running step ended for good (succeeded, dead, or cancelled): its counts and histograms.
  /// Returns true if this ended a pause.
  mutating func recordEnd(
    _ item: QueueItem, outcome: StepOutcome, waitNs: Int64, runNs: Int64, nowSecond: Int, error: String?,
    nowNs: Int64
  ) -> Bool {
    advance(to: nowSecond)
    running -= 1
    waitWindows.record(nanoseconds: waitNs, second: nowSecond)
    switch outcome {
    case .succeeded:
      succeeded += 1
      tally.succeeded += 1
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

/// Outcome counts within one second.
struct OutcomeTally: Sendable {
  /// Ended seconds kept for rates.
  static let kept = StatsWindow.rateSeconds

  var succeeded = 0
  var retried = 0
  var failed = 0
  var deadLettered = 0
  var rejected = 0

  /// Per-second averages over `window`.
  static func rates(_ window: ArraySlice<OutcomeTally>) -> OutcomeRates {
    guard !window.isEmpty else { return .zero }
    let n = Double(window.count)
    return OutcomeRates(
      succeeded: Double(window.reduce(0) { $0 + $1.succeeded }) / n,
      retried: Double(window.reduce(0) { $0 + $1.retried }) / n,
      failed: Double(window.reduce(0) { $0 + $1.failed }) / n,
      deadLettered: Double(window.reduce(0) { $0 + $1.deadLettered }) / n,
      rejected: Double(window.reduce(0) { $0 + $1.rejected }) / n)
  }
}

/// A named, bounded queue: a `Mutex` around a `Deque`, with idle workers parked on continuations.
///
/// The queue owns its lock: every change goes through a method here, which decides under the lock
/// and wakes workers and producers after it (`Wakeups`). Worker tasks start as steps arrive, up to
/// the declared count, so a queue's memory follows the work in it rather than its declared size.
final class StepQueue: Sendable {
  /// Starts a worker task whose first step is given.
  typealias Launcher = @Sendable (StepQueue, QueueItem) -> Void

  let index: Int
  let definition: QueueDefinition
  private let core: Mutex<QueueCore>
  private let launcher = Mutex<Launcher?>(nil)

  /// Told every wait and run time as it is recorded (see `RuntimeOptions.observer`).
  let observer: (any RuntimeObserver)?
  /// With a durable store: the free workers the queue's feeder claims for.
  let gate: WorkerGate
  /// With a durable store: the queue's figures as the store last had them (the snapshot's
  /// queued, waiting-to-retry, dead and totals come from here; nil: in memory).
  private let stored = Mutex<StoredQueueStats?>(nil)

  init(index: Int, definition: QueueDefinition, history: Int = 300, observer: (any RuntimeObserver)? = nil) {
    self.index = index
    self.definition = definition
    self.observer = observer
    self.gate = WorkerGate(workers: definition.workers)
    self.core = Mutex(QueueCore(capacity: definition.capacity, workers: definition.workers, history: history))
  }

  /// Lets the queue start worker tasks (with `launch`) as steps arrive.
  func startWorkers(with launch: @escaping Launcher) {
    launcher.withLock { $0 = launch }
    var wakeups = Wakeups()
    core.withLock { core in
      core.startsWorkers = true
      core.dispatch(into: &wakeups)
    }
    wake(wakeups)
  }

  /// Carries out hand-overs and lets producers go, outside the lock.
  private func wake(_ wakeups: Wakeups) {
    for handoff in wakeups.handoffs { deliver(handoff) }
    for producer in wakeups.producers { producer.resume(returning: true) }
  }

  private func deliver(_ handoff: Handoff) {
    switch handoff {
    case .parked(let worker, let item): worker.resume(returning: item)
    case .newWorker(let item): launcher.withLock { $0 }?(self, item)
    }
  }

  /// Offers a step without waiting.
  func offer(_ item: QueueItem) -> OfferResult {
    let second = Int(item.enqueuedNs / 1_000_000_000)
    let (result, handoff) = core.withLock { core -> (OfferResult, Handoff?) in
      core.offered += 1
      if core.closed {
        core.refusedAtShutdown += 1
        return (.closed, nil)
      }
      // Only past an empty line: a step must not overtake those waiting (first in, first out).
      if core.items.isEmpty, let handoff = core.handOver(item) {
        core.advance(to: second)
        core.accepted += 1
        return (.accepted, handoff)
      }
      if core.items.count < definition.capacity {
        core.advance(to: second)
        core.items.append(item)
        core.accepted += 1
        return (.accepted, nil)
      }
      switch definition.whenFull {
      case .reject:
        core.advance(to: second)
        core.rejected += 1
        core.tally.rejected += 1
        return (.rejected, nil)
      case .dropOldest:
        core.advance(to: second)
        guard let oldest = core.items.popFirst() else {
          core.rejected += 1
          core.tally.rejected += 1
          return (.rejected, nil)
        }
        core.dropped += 1
        core.tally.rejected += 1
        core.items.append(item)
        core.accepted += 1
        return (.acceptedDropping(oldest), nil)
      case .block:
        return (.full, nil)
      }
    }
    if let handoff { deliver(handoff) }
    return result
  }

  /// Waits for room for a step that `offer` found no room for (policy block; it was counted as
  /// offered then). Returns false if the queue shut down first.
  func waitForRoom(_ item: QueueItem) async -> Bool {
    await withUnsafeContinuation { (continuation: BlockedProducer) in
      let (accepted, handoff) = core.withLock { core -> (Bool?, Handoff?) in
        if core.closed {
          core.refusedAtShutdown += 1
          return (false, nil)
        }
        if core.items.isEmpty, let handoff = core.handOver(item) {
          core.accepted += 1
          return (true, handoff)
        }
        if core.items.count < definition.capacity {
          core.items.append(item)
          core.accepted += 1
          return (true, nil)
        }
        core.producers.append((item, continuation))
        return (nil, nil)
      }
      if let handoff { deliver(handoff) }
      if let accepted { continuation.resume(returning: accepted) }
    }
  }

  /// Takes the next step for a worker, parking while there is none or the queue is paused.
  /// Returns nil once the queue is closed. A waiting step is taken without suspending, so a busy
  /// worker does not go through the executor for every step.
  nonisolated(nonsending) func take() async -> QueueItem? {
    switch take(parking: nil) {
    case .item(let item): return item
    case .closed: return nil
    case .none: break
    }
    return await withUnsafeContinuation { (continuation: ParkedWorker) in
      switch take(parking: continuation) {
      case .item(let item): continuation.resume(returning: item)
      case .closed: continuation.resume(returning: nil)
      case .none: break  // parked: a hand-over resumes it
      }
    }
  }

  /// One trip through the lock for `take`: a waiting step, or (with `parking`) park the worker.
  private func take(parking: ParkedWorker?) -> Taken {
    var wakeups = Wakeups()
    let taken = core.withLock { core -> Taken in
      if core.closed { return .closed }
      if let item = core.takeWaiting(into: &wakeups) { return .item(item) }
      if let parking { core.parked.append(parking) }
      return .none
    }
    if !wakeups.isEmpty { wake(wakeups) }
    return taken
  }

  /// `ended(outcome: .succeeded)` and then `take`'s fast path, in one trip through the queue's
  /// lock: a worker that finishes a step while others wait starts the next one without taking
  /// the lock twice (with every worker doing both, that lock is what they contend for).
  /// Returns whether this ended a pause, and the next step if one was taken (nil: call `take`).
  func succeededTakingNext(_ item: QueueItem, waitNs: Int64, runNs: Int64, nowSecond: Int) -> (
    paused: Bool, next: QueueItem?
  ) {
    var wakeups = Wakeups()
    let (paused, next) = core.withLock { core in
      let paused = core.recordEnd(
        item, outcome: .succeeded, waitNs: waitNs, runNs: runNs, nowSecond: nowSecond, error: nil, nowNs: 0)
      return (paused, core.takeWaiting(into: &wakeups))
    }
    if !wakeups.isEmpty { wake(wakeups) }
    return (paused, next)
  }

  /// A running step ended for good (succeeded, dead, or cancelled). Returns true if this ended a
  /// pause (no worker holds a step any more), so the caller can announce it.
  func ended(
    _ item: QueueItem, outcome: StepOutcome, waitNs: Int64, runNs: Int64, nowSecond: Int,
    error: String? = nil,
    nowNs: Int64 = 0
  ) -> Bool {
    let paused = core.withLock { core in
      core.recordEnd(
        item, outcome: outcome, waitNs: waitNs, runNs: runNs, nowSecond: nowSecond, error: error, nowNs: nowNs
      )
    }
    if let observer {
      observer.recordQueueWait(queue: index, nanoseconds: waitNs)
      if outcome == .succeeded { observer.recordStepRun(queue: index, nanoseconds: runNs) }
    }
    return paused
  }

  /// A running attempt failed and will be retried after `delay` by a timer task made here.
  /// Returns true if this ended a pause.
  func retryLater(
    _ item: QueueItem, waitNs: Int64, nowSecond: Int, timer: (UInt64) -> Task<Void, Never>
  ) -> Bool {
    observer?.recordQueueWait(queue: index, nanoseconds: waitNs)
    return core.withLock { core in
      core.advance(to: nowSecond)
      core.running -= 1
      core.waitWindows.record(nanoseconds: waitNs, second: nowSecond)
      core.waitingRetry += 1
      core.retried += 1
      core.failedAttempts += 1
      core.tally.failed += 1
      core.tally.retried += 1
      core.nextTimer += 1
      // Made under the lock so the timer cannot remove its entry before it is inserted.
      core.retryTimers[core.nextTimer] = timer(core.nextTimer)
      return core.checkPaused()
    }
  }

  /// A retry's backoff has passed: to an idle worker, or to the back of the waiting line (never
  /// refused, even when full: it was accepted already). Returns false if the queue is closed and
  /// the step was cancelled.
  func requeue(_ item: QueueItem, timer: UInt64) -> Bool {
    let (requeued, handoff) = core.withLock { core -> (Bool, Handoff?) in
      core.retryTimers.removeValue(forKey: timer)
      core.waitingRetry -= 1
      if core.closed {
        core.cancelled += 1
        return (false, nil)
      }
      if core.items.isEmpty, let handoff = core.handOver(item) { return (true, handoff) }
      core.items.append(item)
      return (true, nil)
    }
    if let handoff { deliver(handoff) }
    return requeued
  }

  /// Moves every dead letter back to queued; returns them (count them once: they were accepted).
  func redrive(nowNs: Int64) -> [QueueItem] {
    var wakeups = Wakeups()
    let moved = core.withLock { core -> [QueueItem] in
      guard !core.closed else { return [] }
      core.advance(to: Int(nowNs / 1_000_000_000))
      let moved = core.deadLetters.map { letter in
        var item = letter.item
        item.attempts = 0
        item.enqueuedNs = nowNs
        return item
      }
      core.deadLetters.removeAll()
      core.items.append(contentsOf: moved)
      core.dispatch(into: &wakeups)
      return moved
    }
    wake(wakeups)
    return moved
  }

  /// The queue's dead letters, oldest first.
  var deadLetters: [DeadLetter] { core.withLock { $0.deadLetters } }

  /// Deletes every dead letter (counted in `deadLettersDeleted`); returns them.
  func deleteDeadLetters() -> [DeadLetter] {
    core.withLock { core in
      let deleted = core.deadLetters
      core.deadLetters.removeAll()
      core.deadLettersDeleted += deleted.count
      return deleted
    }
  }

  /// True when no step is waiting, running or waiting to retry.
  var isIdle: Bool { core.withLock { $0.items.isEmpty && $0.running == 0 && $0.waitingRetry == 0 } }

  /// Steps cancelled since start.
  var cancelled: Int { core.withLock { $0.cancelled } }

  /// Workers stop taking steps. Returns the state reached (pausing or paused), or nil if a pause
  /// was requested already.
  func pause() -> QueueState? {
    core.withLock { core in
      guard !core.pauseRequested else { return nil }
      core.pauseRequested = true
      core.pausedAnnounced = core.running == 0
      return core.running == 0 ? .paused : .pausing
    }
  }

  /// Workers take steps again; waiting steps go to idle workers. False if it was not paused.
  func resume() -> Bool {
    var wakeups = Wakeups()
    let resumed = core.withLock { core -> Bool in
      guard core.pauseRequested else { return false }
      core.pauseRequested = false
      core.pausedAnnounced = false
      core.dispatch(into: &wakeups)
      return true
    }
    wake(wakeups)
    return resumed
  }

  /// Shuts the queue: waiting steps are cancelled (returned so their runs can be told), parked
  /// workers and blocked producers are released (their steps counted as refused at shutdown),
  /// retry timers are cancelled.
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
      core.refusedAtShutdown += producers.count
      return (items, parked, producers, Array(core.retryTimers.values))
    }
    for worker in parked { worker.resume(returning: nil) }
    for producer in producers { producer.continuation.resume(returning: false) }
    for timer in timers { timer.cancel() }
    return (items, producers.map(\.item))
  }
}

extension StepQueue {
  /// Store mode: the store's figures for this queue (totals continue across restarts).
  /// With `second` (the runtime second it was read in), the depth trend samples the store's depth
  /// from then on (on a cluster: every node's steps, as the depth column shows them).
  func setStored(_ figures: StoredQueueStats, second: Int? = nil) {
    stored.withLock { $0 = figures }
    guard let second else { return }
    core.withLock { core in
      core.advance(to: second)
      core.storedDepth = figures.waiting + figures.queued + figures.running + figures.retrying
    }
  }

  /// Store mode: whether a pause was asked for (the workers start no claimed step meanwhile).
  var isPauseRequested: Bool { core.withLock { $0.pauseRequested } }

  /// Store mode: a claimed attempt started on a worker of this queue.
  func storedBegan() {
    core.withLock { core in
      core.running += 1
      core.workerTasks = max(core.workerTasks, core.running)
    }
  }

  /// Store mode: an attempt ended (`waitingRetry`: it will be retried); the store holds the
  /// step's state, this keeps the latency windows, the rates and the pause in step.
  /// Returns true if this ended a pause.
  @discardableResult
  func storedEnded(_ outcome: StepOutcome, waitNs: Int64, runNs: Int64, nowSecond: Int) -> Bool {
    let paused = core.withLock { core -> Bool in
      core.advance(to: nowSecond)
      core.running -= 1
      core.waitWindows.record(nanoseconds: waitNs, second: nowSecond)
      switch outcome {
      case .succeeded:
        core.tally.succeeded += 1
        core.runWindows.record(nanoseconds: runNs, second: nowSecond)
      case .waitingRetry:
        core.tally.failed += 1
        core.tally.retried += 1
      case .dead:
        core.tally.failed += 1
        core.tally.deadLettered += 1
      default: break
      }
      return core.checkPaused()
    }
    if let observer {
      observer.recordQueueWait(queue: index, nanoseconds: waitNs)
      if outcome == .succeeded { observer.recordStepRun(queue: index, nanoseconds: runNs) }
    }
    return paused
  }
}

/// What one refresh read from a queue under its lock.
struct QueueSample {
  var depthSeries: [Int]
  var rates: OutcomeRates
  var waitSlots: [StatsWindow: WindowSlots]
  var runSlots: [StatsWindow: WindowSlots]
}

extension StepQueue {
  /// The refresh's read: the depth series and outcome rates as of `second`, and the histograms
  /// of `windows`, summarised outside the lock.
  func sample(second: Int, nowNs: Int64, windows: [StatsWindow]) -> QueueSample {
    core.withLock { core in
      var waitSlots: [StatsWindow: WindowSlots] = [:]
      var runSlots: [StatsWindow: WindowSlots] = [:]
      for window in windows {
        waitSlots[window] = core.waitWindows.slots(window, second: second, nowNs: nowNs)
        runSlots[window] = core.runWindows.slots(window, second: second, nowNs: nowNs)
      }
      return QueueSample(
        depthSeries: core.depthSeries(at: second), rates: core.rates(at: second),
        waitSlots: waitSlots, runSlots: runSlots)
    }
  }

  /// The queue's live counters with the refresh's cached summaries.
  func snapshot(nowNs now: Int64, cached c: SnapshotCache.Queue) -> QueueSnapshot {
    if let s = stored.withLock({ $0 }) {
      return core.withLock { core in
        QueueSnapshot(
          name: definition.name, state: core.state, capacity: definition.capacity,
          workers: definition.workers, busyWorkers: core.running, whenFull: definition.whenFull,
          // All from one read of the store, so they add up (`isBalanced`): steps skipped
          // because a dependency died were accepted (inserted) and count as cancelled.
          queued: s.queued + s.waiting, running: s.running, waitingRetry: s.retrying,
          dead: s.dead, accepted: s.accepted, succeeded: s.succeeded,
          retried: s.retried, failedAttempts: s.retried + s.deadLettered, deadLettered: s.deadLettered,
          rejected: 0, dropped: 0, cancelled: s.skipped,
          blockedProducers: 0,
          oldestQueuedAge: s.queued > 0 ? .nanoseconds(s.oldestReadyAgeNs) : nil,
          wait: c.wait, run: c.run, depthSeries: c.depthSeries, recent: c.rates, windows: c.windows,
          workerTasks: core.workerTasks, idleWorkers: definition.workers - core.running, offered: s.accepted,
          refusedAtShutdown: 0, deadLettersDeleted: s.deadLettersDeleted)
      }
    }
    return core.withLock { core in
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
        workerTasks: core.workerTasks, idleWorkers: core.parked.count, offered: core.offered,
        refusedAtShutdown: core.refusedAtShutdown, deadLettersDeleted: core.deadLettersDeleted)
    }
  }
}
