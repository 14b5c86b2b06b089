import DequeModule
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// What a runtime keeps about its durable store.
struct StoreLink: Sendable {
  /// Run ids reserved from the store and not handed out yet end here (exclusive).
  var reservedEnd: UInt64 = 0
  /// A reservation of more ids is under way.
  var reserving = false
  /// Set while the store refuses writes (full disk, lost database): new runs are refused.
  var failure: StoreError?
  /// The feeders, the stats refresher and the cluster reporter.
  var tasks: [Task<Void, Never>] = []
  /// The lease extender: it runs until the steps this process holds are ended or handed back
  /// (a stop that let their leases lapse would let another node run them again, counted).
  var extender: Task<Void, Never>?
  /// Attempts started and not yet ended in the store, by store row id (their leases are extended;
  /// a stop waits for them).
  var claims: [Int64: StepClaim] = [:]
  /// Those of `claims` whose attempt ended and whose ending is on its way to the store (a row
  /// gone from the store's leases for this reason was not lost).
  var ending: Set<Int64> = []
  /// The worker loops, on the background executor (cancelled at shutdown: the attempts they run
  /// hand their steps back).
  var workers: [Task<Void, Never>] = []
  /// Dead letters as the store had them at the last refresh, by queue.
  var deadLetters: [String: [StoredDeadLetter]] = [:]
  var opened = false
  var stopping = false
}

extension Runtime {
  /// Run ids reserved from the store at a time (one process per SQLite file: the next block
  /// continues where this one ends, so ids stay dense).
  static let runIDBlock = 8_192

  /// The topology as a store needs it.
  var storeTopology: StoreTopology {
    var workflowsByName: [String: [StoreTopology.Step]] = [:]
    for workflow in workflows {
      workflowsByName[workflow.name] = workflow.steps.compactMap { step in
        guard let q = step.queue else { return nil }
        return StoreTopology.Step(
          id: step.definition.id, queue: queues[q].definition.name,
          maxAttempts: max(1, step.definition.retry.attempts),
          dependencies: step.dependencies.map { workflow.steps[$0].definition.id })
      }
    }
    return StoreTopology(workflows: workflowsByName, queues: queues.map(\.definition.name))
  }

  /// Opens `options.store` (nil when there is none): recovers what a previous process left, seeds
  /// the queues' totals and pauses from it, says what was recovered in the event log, and starts
  /// feeding each queue's workers from the store. Call once, before `start()` and the first run.
  /// Throws the store's `StoreError` (held by another process, not a store, newer schema, ...).
  @discardableResult
  public func openStore() async throws -> StoreRecovery? {
    guard let store else { return nil }
    let recovery = try await store.open(storeTopology)
    let ids = try await store.reserveRunIDs(count: Self.runIDBlock)
    nextRunID.store(ids.lowerBound - 1, ordering: .relaxed)
    storeLink.withLock { link in
      link.reservedEnd = ids.upperBound
      link.opened = true
    }
    for name in recovery.pausedQueues {
      if let q = queueIndex[name] { _ = queues[q].pause() }
    }
    if let summary = recovery.summary {
      event(.info, .storeRecovered, "\(store.name): \(summary)")
    }
    for queue in queues {
      queue.setStored(recovery.totals[queue.definition.name] ?? StoredQueueStats())
      queue.gate.configure(ahead: store.claimAhead, byPace: store.claimsAheadByPace)
    }
    var tasks: [Task<Void, Never>] = []
    var workers: [Task<Void, Never>] = []
    for queue in queues {
      // On the shared pool, like a run's orchestration: the feeder only claims and hands over,
      // and must not wait behind starved low-priority threads to do it.
      tasks.append(Task { [weak self] in await self?.feed(queue, store) })
      // The queue's workers: loops on the background executor (where the in-memory workers run
      // too), each taking the next claimed step from the feeder's buffer.
      for _ in 0..<queue.definition.workers {
        workers.append(Task(executorPreference: executor) { [weak self] in await self?.work(queue, store) })
      }
    }
    let extender = Task<Void, Never> { [weak self] in await self?.extendLeases(store) }
    // Holds the runtime only while it refreshes: a runtime dropped without `shutdown` goes away.
    tasks.append(
      Task { [weak self] in
        while !Task.isCancelled {
          guard let self else { return }
          await self.refreshStoreFigures(store)
          try? await Task.sleep(for: .milliseconds(250))
        }
      })
    if let cluster = clusterTask(store, pausedAtOpen: recovery.pausedQueues) { tasks.append(cluster) }
    storeLink.withLock { link in
      link.tasks = tasks
      link.workers = workers
      link.extender = extender
    }
    return recovery
  }

  /// The store's name (`sqlite:lanes.db`), nil in memory.
  public var storeName: String? { store?.name }

  /// Why new runs are refused now (the store failed), or nil.
  var storeRefusal: String? {
    guard store != nil else { return nil }
    return storeLink.withLock { link in
      if !link.opened { return "the store is not open (call openStore first)" }
      return link.failure.map { "the store cannot take new runs: \($0.message)" }
    }
  }

  /// Whether run `id` is within the ids reserved from the store (asks for more when half used).
  func checkReserved(_ id: UInt64) -> Bool {
    guard let store else { return true }
    let (inside, reserve) = storeLink.withLock { link -> (Bool, Bool) in
      let low = link.reservedEnd &- UInt64(Self.runIDBlock / 2)
      let reserve = id >= low && !link.reserving
      if reserve { link.reserving = true }
      return (id < link.reservedEnd, reserve)
    }
    if reserve {
      Task { [weak self] in
        let ids = try? await store.reserveRunIDs(count: Self.runIDBlock)
        self?.storeLink.withLock { link in
          link.reserving = false
          if let ids { link.reservedEnd = max(link.reservedEnd, ids.upperBound) }
        }
      }
    }
    return inside
  }

  // MARK: Runs

  /// Inserts the run's background steps that can be stored now and returns once they are
  /// committed (the acknowledgement is the commit). On a store error the steps are cancelled in
  /// the run, the store is marked failed (new runs refused) and the error returned.
  func persist(_ run: RunState) async -> StoreError? {
    guard let store else { return nil }
    let chosen = run.storable(readyNs: nowNs)
    guard !chosen.isEmpty else { return nil }
    let workflow = run.workflow
    let steps = chosen.map { entry in
      let step = workflow.steps[entry.step]
      return NewStoredStep(
        runID: run.id, workflow: workflow.name, step: step.definition.id,
        queue: queues[step.queue!].definition.name, pendingDependencies: entry.pending, data: entry.data)
    }
    do {
      try await store.enqueue(steps)
      return nil
    } catch {
      let storeError = error as? StoreError ?? StoreError(.other, "\(store.name): \(error)")
      markFailed(storeError)
      for entry in chosen {
        settleIfDone(run, run.finish(entry.step, outcome: .cancelled, endNs: nowNs))
      }
      return storeError
    }
  }

  /// The store refused a write: new runs are refused until a probe write succeeds again.
  func markFailed(_ error: StoreError) {
    guard let store else { return }
    let first = storeLink.withLock { link -> Bool in
      defer { link.failure = error }
      return link.failure == nil
    }
    guard first else { return }
    event(.error, .storeFailed, "\(error.message)")
    Task { [weak self] in
      while true {
        try? await Task.sleep(for: .seconds(1))
        guard let self, !self.storeLink.withLock({ $0.stopping }) else { return }
        if (try? await store.reserveRunIDs(count: 1)) != nil {
          self.storeLink.withLock { $0.failure = nil }
          self.event(.info, .storeFailed, "\(store.name): writable again; new runs are accepted")
          return
        }
      }
    }
  }

  // MARK: Feeding workers

  /// One queue's feeder: claims, in one commit, as many steps as the queue has idle workers plus
  /// the store's `claimAhead` less what it holds already, hands them to the workers (idle ones
  /// take the oldest at once, the rest wait in the queue's buffer), and claims again when the
  /// buffer is half used or a worker waits; when the store had fewer than asked, it waits for work
  /// (its own enqueues wake it at once; the store's timeout is the polling fallback). With
  /// `claimAhead` 0 it claims exactly for the idle workers, as before claiming ahead existed.
  private func feed(_ queue: StepQueue, _ store: any StepStore) async {
    let name = queue.definition.name
    let gate = queue.gate
    while !Task.isCancelled {
      guard let wanted = await gate.want(), !Task.isCancelled else { return }
      if queue.isPauseRequested {
        // Paused: what this feeder holds claimed and not started goes back to the store (a
        // claimed-ahead step must not wait here, claimed, for the resume), and nothing is claimed;
        // the resume's signal ends the wait.
        await handBack(gate.takeBuffered(), store)
        await store.waitForWork(queue: name, timeout: .seconds(1))
        continue
      }
      if wanted == 0 {
        // Steps are buffered and a worker waits (it parked while the queue was paused).
        _ = gate.hand([])
        continue
      }
      let claimed: [ClaimedStep]
      do {
        claimed = try await store.claim(queue: name, limit: wanted)
      } catch {
        if let e = error as? StoreError { markFailed(e) }
        try? await Task.sleep(for: .milliseconds(500))
        continue
      }
      let refused = gate.hand(claimed)
      if !refused.isEmpty {
        await handBack(refused, store)
        return
      }
      if claimed.count < wanted {
        await store.waitForWork(queue: name, timeout: .seconds(1))
      }
    }
  }

  /// One worker of a queue fed from a store: takes the next claimed step, has its attempt counted
  /// (`started`) and runs it only once that is committed, so every attempt that ran is in the
  /// store even if the process dies in the middle of it. Between two steps, the previous one's
  /// finish and the next one's start are one write of the store's group commit (one commit waited
  /// for per step, and one wake-up of this worker); with no next step at hand, the finish goes
  /// alone before the worker waits.
  private func work(_ queue: StepQueue, _ store: any StepStore) async {
    if store.startsWithoutCommit { return await workJournaled(queue, store) }
    let gate = queue.gate
    var ended: EndedAttempt?
    while true {
      if Task.isCancelled {
        // Stopping: what this worker ended (handed back, if the stop cancelled it) goes in alone.
        if let ended { await settle(ended, store) }
        return
      }
      let claimed: ClaimedStep
      if let previous = ended {
        guard let next = gate.take(paused: queue.isPauseRequested) else {
          ended = nil
          await settle(previous, store)
          continue
        }
        claimed = next
      } else {
        guard let next = await gate.next(paused: queue.isPauseRequested) else { return }
        claimed = next
      }
      let previous = ended
      ended = nil
      // Stopping: the steps stay running or claimed in the store; closing it hands them back.
      guard
        let lost = await untilStored({ () async throws -> [StepClaim] in
          guard let previous else { return try await store.started([claimed.claim]) }
          let (fresh, gone) = try await store.finish(
            previous.claim, previous.ending, thenStart: [claimed.claim])
          apply(previous, fresh: fresh)
          return gone
        })
      else { return }
      // No longer this node's (its lease expired and the step was taken): not run here.
      guard lost.isEmpty else { continue }
      ended = await runStored(claimed, on: queue, store)
    }
  }

  /// Endings a journaled worker may have handed to the store and not seen committed: the steps a
  /// kill -9 makes run again are at most this many per worker, plus the one it runs.
  public static let journaledEndingsInFlight = 32

  /// A worker of a store whose starts need no commit (`startsWithoutCommit`: SQLite's start
  /// journal, PostgreSQL's group commit not waited for): each step runs as soon as its start is
  /// recorded, and its
  /// ending goes to the store in a task of its own, so the worker does not wait for a commit per
  /// step; the store's group commit takes the endings of several steps at once. With
  /// `journaledEndingsInFlight` endings not yet committed, the worker waits for the oldest before
  /// the next step: that bounds what a crash makes run again (a step that ended but whose ending
  /// was not committed runs again after a restart, counted). It returns once its endings are in
  /// the store (or the runtime stopped).
  private func workJournaled(_ queue: StepQueue, _ store: any StepStore) async {
    let gate = queue.gate
    var inFlight = Deque<Task<Void, Never>>()
    steps: while !Task.isCancelled {
      while inFlight.count >= Self.journaledEndingsInFlight, let oldest = inFlight.popFirst() {
        await oldest.value
      }
      guard let claimed = await gate.next(paused: queue.isPauseRequested) else { break steps }
      guard let lost = await untilStored({ try await store.startedWithoutWaiting([claimed.claim]) }) else {
        break steps
      }
      guard lost.isEmpty else { continue }
      let ended = await runStored(claimed, on: queue, store)
      inFlight.append(Task { await self.settle(ended, store) })
    }
    while let task = inFlight.popFirst() { await task.value }
  }

  /// An attempt that ended here and whose ending is not in the store yet.
  struct EndedAttempt: Sendable {
    var claim: StepClaim
    var ending: StepEnding
    /// The run of this process it belongs to, if still in flight, and what to tell it.
    var live: RunState?
    var step: Int
    var outcome: StepOutcome?
    var output: Payload?
    var endNs: Int64
  }

  /// Puts an ending in the store alone (retried until the store answers or the runtime stops:
  /// then the row stays running, and closing the store or the next open returns it).
  private func settle(_ ended: EndedAttempt, _ store: any StepStore) async {
    if let fresh = await untilStored({ try await store.finish(ended.claim, ended.ending) }) {
      apply(ended, fresh: fresh)
    }
  }

  /// `body`'s answer once the store takes it: a store error marks the store failing (new runs
  /// refused) and `body` is tried again every 200 ms; nil once the runtime is stopping.
  private func untilStored<T: Sendable>(_ body: () async throws -> T) async -> T? {
    while true {
      do {
        return try await body()
      } catch {
        if let e = error as? StoreError { markFailed(e) }
        if storeLink.withLock({ $0.stopping }) { return nil }
        try? await Task.sleep(for: .milliseconds(200))
      }
    }
  }

  /// The store has an attempt's ending: the run it belongs to (if in flight here) moves on.
  private func apply(_ ended: EndedAttempt, fresh: Bool) {
    storeLink.withLock {
      _ = $0.claims.removeValue(forKey: ended.claim.id)
      $0.ending.remove(ended.claim.id)
    }
    if !fresh {
      event(
        .warning, .leaseLost,
        "row \(ended.claim.id) attempt \(ended.claim.attempt): ending refused, its lease was lost (this process was held up longer than the lease, and the step went back to its queue or to another node)"
      )
    }
    guard let live = ended.live, fresh, let outcome = ended.outcome else { return }
    if outcome == .waitingRetry {
      live.update(ended.step, outcome: .waitingRetry)
    } else {
      settleIfDone(live, live.finish(ended.step, outcome: outcome, endNs: ended.endNs, output: ended.output))
    }
  }

  /// Hands claimed steps that never started back to the store (no attempt counted), concurrently
  /// so that they share commits.
  private func handBack(_ steps: [ClaimedStep], _ store: any StepStore) async {
    guard !steps.isEmpty else { return }
    await withTaskGroup(of: Void.self) { group in
      for step in steps {
        group.addTask { _ = try? await store.finish(step.claim, .handedBack) }
      }
    }
  }

  /// Extends the leases of every step this runtime holds (running or claimed ahead) every third
  /// of the store's lease: one task and one write for all of them, instead of a timer per step.
  private func extendLeases(_ store: any StepStore) async {
    let every = store.lease / 3
    while !Task.isCancelled {
      try? await Task.sleep(for: every)
      if Task.isCancelled { return }
      var held = storeLink.withLock { Array($0.claims.values) }
      for queue in queues { held.append(contentsOf: queue.gate.bufferedClaims) }
      guard let reported = try? await store.extendLeases(held), !reported.isEmpty else { continue }
      // Not lost: rows whose ending committed meanwhile, or is on its way (the store ended them).
      let buffered = Set(queues.flatMap { $0.gate.bufferedClaims.map(\.id) })
      let lost = storeLink.withLock { link in
        reported.filter {
          !link.ending.contains($0.id) && (link.claims[$0.id] != nil || buffered.contains($0.id))
        }
      }
      if !lost.isEmpty {
        // Their steps may run again elsewhere (counted); what this node ends of them is refused.
        let rows = lost.prefix(10).map { "row \($0.id) attempt \($0.attempt)" }.joined(separator: ", ")
        event(
          .warning, .leaseLost,
          "\(lost.count) lease\(lost.count == 1 ? "" : "s") lost (this process was held up longer than the lease; other nodes may run those steps again, and this node's endings of them are refused): \(rows)\(lost.count > 10 ? ", …" : "")"
        )
      }
    }
  }

  /// Runs one started attempt and hands its ending to the store. A step of a run of this process
  /// that is still in flight updates that run (its trace, its settling); any other (recovered, or
  /// from another node) runs against a detached copy of its run that nothing else sees.
  private func runStored(_ claimed: ClaimedStep, on queue: StepQueue, _ store: any StepStore) async
    -> EndedAttempt
  {
    storeLink.withLock { $0.claims[claimed.claim.id] = claimed.claim }
    guard let w = workflowIndex[claimed.workflow],
      let i = workflows[w].steps.firstIndex(where: { $0.definition.id == claimed.step && $0.queue != nil })
    else {
      storeLink.withLock { _ = $0.ending.insert(claimed.claim.id) }
      return EndedAttempt(
        claim: claimed.claim,
        ending: .dead(
          error: "workflow '\(claimed.workflow)' has no background step '\(claimed.step)' in the loaded files"
        ),
        live: nil, step: 0, outcome: nil, output: nil, endNs: nowNs)
    }
    let workflow = workflows[w]
    let step = workflow.steps[i]
    let live = global.withLock { $0.unsettled[claimed.runID] }
    let run =
      live
      ?? RunState(
        id: claimed.runID, index: claimed.runID, workflow: workflow, mode: .hybrid, intendedNs: nowNs,
        input: claimed.data.input)
    let attempt = claimed.claim.attempt
    let startNs = nowNs
    let wall = Self.wallClockNow().components
    let waitNs = max(
      0, wall.seconds * 1_000_000_000 + wall.attoseconds / 1_000_000_000 - claimed.readySinceNs)
    queue.storedBegan()
    live?.update(i, outcome: .running, attemptStartNs: startNs)
    let result = await attemptStep(
      run, step, attempt: attempt, startNs: startNs, executedAs: .background, data: claimed.data)
    let ending: StepEnding
    let outcome: StepOutcome?
    var output: Payload? = nil
    let now = nowNs
    switch result {
    case .success(let endNs, let out):
      workflow.metrics.withLock { $0.recordSuccess(step: i, nanoseconds: endNs - startNs) }
      queue.storedEnded(.succeeded, waitNs: waitNs, runNs: endNs - startNs, nowSecond: second(endNs))
      ending = .succeeded(output: out ?? .null)
      outcome = .succeeded
      output = out
    case .cancelled:
      queue.storedEnded(.cancelled, waitNs: waitNs, runNs: now - startNs, nowSecond: second(now))
      ending = .handedBack
      outcome = nil
    case .failure(let message, let timedOut):
      if let delay = attemptFailed(
        run, i, queue: queue, attempt: attempt, message: message, timedOut: timedOut)
      {
        queue.storedEnded(.waitingRetry, waitNs: waitNs, runNs: now - startNs, nowSecond: second(now))
        ending = .retry(error: message, delay: .nanoseconds(delay))
        outcome = .waitingRetry
      } else {
        queue.storedEnded(.dead, waitNs: waitNs, runNs: now - startNs, nowSecond: second(now))
        ending = .dead(error: message)
        outcome = .dead
      }
    }
    // Committed by the worker with its next step's start (or alone when none is at hand).
    storeLink.withLock { _ = $0.ending.insert(claimed.claim.id) }
    return EndedAttempt(
      claim: claimed.claim, ending: ending, live: live, step: i, outcome: outcome, output: output, endNs: now)
  }

  // MARK: Figures

  /// Reads the queues' figures and dead letters from the store (every 250 ms, and after a control
  /// call), so the snapshot shows the store's totals.
  func refreshStoreFigures(_ store: any StepStore) async {
    guard let stats = try? await store.stats() else { return }
    var letters: [String: [StoredDeadLetter]] = [:]
    for queue in queues {
      let name = queue.definition.name
      let figures = stats[name] ?? StoredQueueStats()
      queue.setStored(figures, second: second(nowNs))
      if figures.dead > 0 {
        letters[name] = (try? await store.deadLetters(queue: name, limit: 200)) ?? []
      }
    }
    storeLink.withLock { $0.deadLetters = letters }
  }

  /// The store's dead letters of queue `name` as failure records.
  func storedDeadLetters(_ name: String) -> [FailureRecord] {
    let letters = storeLink.withLock { $0.deadLetters[name] ?? [] }
    let base = startedAt
    return letters.map { letter in
      FailureRecord(
        time: .nanoseconds(letter.diedAtNs) - base, workflow: letter.workflow, step: letter.step, queue: name,
        attempt: letter.attempts, dead: true, error: letter.error)
    }
  }

  /// Runs a store control call (pause, redrive, delete) off the caller, refreshing the figures after.
  func storeControl(_ what: String, _ body: @escaping @Sendable (any StepStore) async throws -> Int) {
    guard let store else { return }
    Task { [weak self] in
      do {
        let n = try await body(store)
        guard let self else { return }
        if n > 0 { self.event(.info, .redriven, "\(what): \(n) step\(n == 1 ? "" : "s")") }
        await self.refreshStoreFigures(store)
      } catch {
        self?.event(.error, .storeFailed, "\(what): \(error)")
      }
    }
  }

  // MARK: Stopping

  /// Stops feeding, cancels running attempts (they hand their steps back), and closes the store.
  /// Returns the steps left in it unfinished (kept for the next process).
  func closeStore() async -> Int {
    guard let store else { return 0 }
    let tasks = storeLink.withLock { link -> [Task<Void, Never>] in
      link.stopping = true
      return link.tasks + link.workers
    }
    for task in tasks { task.cancel() }
    // Claimed ahead and never started: back to their queues, no attempt counted.
    var unstarted: [ClaimedStep] = []
    for queue in queues { unstarted.append(contentsOf: queue.gate.close()) }
    await handBack(unstarted, store)
    let limit = ContinuousClock.now + .seconds(5)
    while storeLink.withLock({ !$0.claims.isEmpty }), ContinuousClock.now < limit {
      try? await Task.sleep(for: .milliseconds(2))
    }
    // Only now: the leases of the steps that were ending stayed this node's while they ended.
    storeLink.withLock { $0.extender }?.cancel()
    await refreshStoreFigures(store)
    let kept = (try? await store.stats())?.values.reduce(0) {
      $0 + $1.waiting + $1.queued + $1.running + $1.retrying
    }
    await store.close()
    return kept ?? 0
  }
}

/// What a queue fed from a store holds between its feeder and its workers: the steps claimed and
/// not started yet (oldest first), the workers waiting for one, and the feeder waiting for a
/// reason to claim.
final class WorkerGate: Sendable {
  /// The pace is counted over windows of this length.
  static let paceWindow = Duration.milliseconds(100)
  /// A feeder holds ahead at most the steps its workers took in this fraction of a window at their
  /// recent pace (1/4: 25 ms of work), and never more than the store's `claimAhead`.
  static let aheadShare = 4

  private struct State {
    /// The store's `claimAhead`: the most the feeder may hold beyond its waiting workers.
    var maxAhead = 0
    /// The store's `claimsAheadByPace`: hold ahead what the workers take in 25 ms, not always
    /// `maxAhead`.
    var byPace = false
    var buffer = Deque<ClaimedStep>()
    var parked: [CheckedContinuation<ClaimedStep?, Never>] = []
    var feeder: CheckedContinuation<Int?, Never>?
    var closed = false
    /// Steps workers took in the current pace window, and in the one before it.
    var takenNow = 0
    var takenBefore = 0
    var windowStart = ContinuousClock.now

    /// How many steps the feeder holds ahead now: with `byPace`, what the workers take in 25 ms
    /// at their recent pace, up to `maxAhead`; else `maxAhead`. Fast steps get a deep buffer (one claim feeds many); slow ones
    /// almost none, so one node does not sit on steps that idle nodes could run (a node taking
    /// two one-second steps a second holds none ahead, where a fixed depth would hold them for
    /// seconds).
    var ahead: Int {
      byPace ? min(maxAhead, max(takenNow, takenBefore) / WorkerGate.aheadShare) : maxAhead
    }

    /// A worker took a step: counted in the pace window (only `byPace` reads it, so a store
    /// that holds a fixed depth pays no clock read per step).
    mutating func took() {
      guard byPace else { return }
      let now = ContinuousClock.now
      let elapsed = now - windowStart
      if elapsed >= WorkerGate.paceWindow {
        takenBefore = elapsed < WorkerGate.paceWindow * 2 ? takenNow : 0
        takenNow = 0
        windowStart = now
      }
      takenNow += 1
    }

    /// How many the feeder should claim now, or nil while it should wait: when a worker waits
    /// with nothing buffered, or the buffer fell to half of `ahead`, it claims up to one step per
    /// waiting worker plus `ahead`; 0 when buffered steps wait for a waiting worker (after a pause).
    var wanted: Int? {
      let ahead = self.ahead
      let deficit = parked.count + ahead - buffer.count
      if deficit > 0 && (!parked.isEmpty || buffer.count <= ahead / 2) { return deficit }
      if !parked.isEmpty && !buffer.isEmpty { return 0 }
      return nil
    }

    /// The feeder to wake (and with what) after a change, if it should wake.
    mutating func feederToWake() -> (CheckedContinuation<Int?, Never>, Int?)? {
      guard let feeder else { return nil }
      if closed {
        self.feeder = nil
        return (feeder, nil)
      }
      guard let n = wanted else { return nil }
      self.feeder = nil
      return (feeder, n)
    }
  }

  private let state = Mutex(State())

  /// The queue's worker count (the loops the runtime starts).
  let workers: Int

  init(workers: Int) { self.workers = workers }

  /// Sets how many steps beyond the waiting workers the feeder may hold at most (the store's
  /// `claimAhead`), and whether it holds fewer while its workers' pace is slow (`byPace`).
  func configure(ahead: Int, byPace: Bool) {
    state.withLock {
      $0.maxAhead = max(0, ahead)
      $0.byPace = byPace
    }
  }

  /// The feeder waits until it should claim; returns how many (nil: closed).
  func want() async -> Int? {
    await withCheckedContinuation { (continuation: CheckedContinuation<Int?, Never>) in
      let now = state.withLock { state -> Int?? in
        if state.closed { return .some(nil) }
        if let n = state.wanted { return .some(n) }
        state.feeder = continuation
        return nil
      }
      if let now { continuation.resume(returning: now) }
    }
  }

  /// A worker's next step, oldest first (nil: closed). While `paused` it takes none and waits to
  /// be handed one.
  func next(paused: Bool) async -> ClaimedStep? {
    await withCheckedContinuation { (continuation: CheckedContinuation<ClaimedStep?, Never>) in
      let (now, feeder) = state.withLock {
        state -> (ClaimedStep??, (CheckedContinuation<Int?, Never>, Int?)?) in
        if state.closed { return (.some(nil), nil) }
        if !paused, let step = state.buffer.popFirst() {
          state.took()
          return (.some(step), state.feederToWake())
        }
        state.parked.append(continuation)
        return (nil, state.feederToWake())
      }
      if let (feeder, n) = feeder { feeder.resume(returning: n) }
      if let now { continuation.resume(returning: now) }
    }
  }

  /// A worker's next step if one is buffered (and the queue not paused), without waiting.
  func take(paused: Bool) -> ClaimedStep? {
    if paused { return nil }
    let (step, feeder) = state.withLock {
      state -> (ClaimedStep?, (CheckedContinuation<Int?, Never>, Int?)?) in
      if state.closed { return (nil, nil) }
      guard let step = state.buffer.popFirst() else { return (nil, nil) }
      state.took()
      return (step, state.feederToWake())
    }
    if let (feeder, n) = feeder { feeder.resume(returning: n) }
    return step
  }

  /// Hands claimed steps over: waiting workers take the oldest, the rest are buffered. Returns
  /// the steps refused because the gate is closed (to hand back to the store).
  func hand(_ steps: [ClaimedStep]) -> [ClaimedStep] {
    let (starts, refused) = state.withLock {
      state -> ([(CheckedContinuation<ClaimedStep?, Never>, ClaimedStep)], [ClaimedStep]) in
      if state.closed { return ([], steps) }
      // A row claimed again (this node lost its lease on a buffered copy, the row went back to
      // its queue, and this node took it again): the new claim replaces the obsolete copy, so the
      // step does not run twice here.
      if !state.buffer.isEmpty {
        let fresh = Set(steps.map(\.claim.id))
        state.buffer.removeAll { fresh.contains($0.claim.id) }
      }
      state.buffer.append(contentsOf: steps)
      var starts: [(CheckedContinuation<ClaimedStep?, Never>, ClaimedStep)] = []
      while !state.parked.isEmpty, let step = state.buffer.popFirst() {
        state.took()
        starts.append((state.parked.removeFirst(), step))
      }
      return (starts, [])
    }
    for (worker, step) in starts { worker.resume(returning: step) }
    return refused
  }

  /// Takes every buffered step back (a pause).
  func takeBuffered() -> [ClaimedStep] {
    state.withLock { state in
      defer { state.buffer.removeAll() }
      return Array(state.buffer)
    }
  }

  /// The claims of the buffered steps (their leases are extended too).
  var bufferedClaims: [StepClaim] { state.withLock { $0.buffer.map(\.claim) } }

  /// Closes the gate: waiting workers and the feeder are released; returns the buffered steps.
  func close() -> [ClaimedStep] {
    let (parked, feeder, buffered) = state.withLock { state in
      state.closed = true
      defer {
        state.parked.removeAll()
        state.feeder = nil
        state.buffer.removeAll()
      }
      return (state.parked, state.feeder, Array(state.buffer))
    }
    for worker in parked { worker.resume(returning: nil) }
    feeder?.resume(returning: nil)
    return buffered
  }
}
