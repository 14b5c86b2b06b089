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
  /// The feeders and the stats refresher.
  var tasks: [Task<Void, Never>] = []
  /// Attempts running now, by store row id (their leases are extended).
  var claims: [Int64: StepClaim] = [:]
  /// Their tasks (cancelled at shutdown: the attempts hand their steps back).
  var attempts: [Int64: Task<Void, Never>] = [:]
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
    }
    var tasks: [Task<Void, Never>] = []
    for queue in queues {
      // On the shared pool, like a run's orchestration: the feeder only claims and hands over,
      // and must not wait behind starved low-priority threads to do it.
      tasks.append(Task { [weak self] in await self?.feed(queue, store) })
    }
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
    storeLink.withLock { $0.tasks = tasks }
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

  /// One queue's feeder: claims as many steps as the queue has free workers, starts each on a
  /// worker task, and waits for work (its own enqueues wake it at once; the store's timeout is
  /// the polling fallback).
  private func feed(_ queue: StepQueue, _ store: any StepStore) async {
    let name = queue.definition.name
    while !Task.isCancelled {
      let free = await queue.gate.takeFree()
      if Task.isCancelled || free == 0 { return }
      let claimed: [ClaimedStep]
      do {
        claimed = try await store.claim(queue: name, limit: free)
      } catch {
        queue.gate.giveBack(free)
        if let e = error as? StoreError { markFailed(e) }
        try? await Task.sleep(for: .milliseconds(500))
        continue
      }
      queue.gate.giveBack(free - claimed.count)
      for step in claimed { startStored(step, on: queue, store) }
      if claimed.count < free {
        await store.waitForWork(queue: name, timeout: .seconds(1))
      }
    }
  }

  private func startStored(_ claimed: ClaimedStep, on queue: StepQueue, _ store: any StepStore) {
    // Made under the lock, so the task's own removal (under it too) comes after its insertion;
    // kept by claim, so a shutdown cancels exactly the attempts still running.
    let id = claimed.claim.id
    storeLink.withLock { link in
      link.claims[id] = claimed.claim
      let task = Task(executorPreference: executor) { [self] in
        await self.runStored(claimed, on: queue, store) { queue.gate.giveBack(1) }
        self.storeLink.withLock { link in
          link.claims.removeValue(forKey: id)
          link.attempts.removeValue(forKey: id)
        }
      }
      link.attempts[id] = task
      if link.stopping { task.cancel() }
    }
  }

  /// Runs one claimed attempt and ends it in the store. A step of a run of this process that is
  /// still in flight updates that run (its trace, its settling); any other (recovered, or from
  /// another node) runs against a detached copy of its run that nothing else sees.
  private func runStored(
    _ claimed: ClaimedStep, on queue: StepQueue, _ store: any StepStore, release: () -> Void
  ) async {
    // The worker is free once the attempt ended: its result is committed with the next batch
    // while the worker already runs the next step (its finish and the next claim share a commit).
    var released = false
    defer { if !released { release() } }
    guard let w = workflowIndex[claimed.workflow],
      let i = workflows[w].steps.firstIndex(where: { $0.definition.id == claimed.step && $0.queue != nil })
    else {
      _ = try? await store.finish(
        claimed.claim,
        .dead(
          error: "workflow '\(claimed.workflow)' has no background step '\(claimed.step)' in the loaded files"
        ))
      return
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
    let leases = Task { [claim = claimed.claim] in
      let every = store.lease / 3
      while !Task.isCancelled {
        try? await Task.sleep(for: every)
        if Task.isCancelled { return }
        _ = try? await store.extendLeases([claim])
      }
    }
    let result = await attemptStep(
      run, step, attempt: attempt, startNs: startNs, executedAs: .background, data: claimed.data)
    leases.cancel()
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
    released = true
    release()
    var fresh = false
    // The result must reach the store: a failed write is retried until the store answers or the
    // runtime stops (then the row stays running, and the next open returns it to its queue).
    while true {
      do {
        fresh = try await store.finish(claimed.claim, ending)
        break
      } catch {
        if let e = error as? StoreError { markFailed(e) }
        if storeLink.withLock({ $0.stopping }) { return }
        try? await Task.sleep(for: .milliseconds(200))
      }
    }
    guard let live, fresh, let outcome else { return }
    if outcome == .waitingRetry {
      live.update(i, outcome: .waitingRetry)
    } else {
      settleIfDone(live, live.finish(i, outcome: outcome, endNs: now, output: output))
    }
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
      return link.tasks + Array(link.attempts.values)
    }
    for task in tasks { task.cancel() }
    for queue in queues { queue.gate.close() }
    let limit = ContinuousClock.now + .seconds(5)
    while storeLink.withLock({ !$0.claims.isEmpty }), ContinuousClock.now < limit {
      try? await Task.sleep(for: .milliseconds(2))
    }
    await refreshStoreFigures(store)
    let kept = (try? await store.stats())?.values.reduce(0) {
      $0 + $1.waiting + $1.queued + $1.running + $1.retrying
    }
    await store.close()
    return kept ?? 0
  }
}

/// The free workers of a queue fed from a store: the feeder takes them all, gives back what it
/// did not claim, and each ended attempt gives one back.
final class WorkerGate: Sendable {
  private struct State {
    var free: Int
    var waiter: CheckedContinuation<Int, Never>?
    var closed = false
  }

  private let state: Mutex<State>

  init(workers: Int) { state = Mutex(State(free: workers)) }

  /// Waits until a worker is free and takes every free one (0: closed).
  func takeFree() async -> Int {
    await withCheckedContinuation { continuation in
      let now = state.withLock { state -> Int? in
        if state.closed { return 0 }
        if state.free > 0 {
          defer { state.free = 0 }
          return state.free
        }
        state.waiter = continuation
        return nil
      }
      if let now { continuation.resume(returning: now) }
    }
  }

  func giveBack(_ n: Int) {
    guard n > 0 else { return }
    let waiter = state.withLock { state -> (CheckedContinuation<Int, Never>, Int)? in
      state.free += n
      guard let waiter = state.waiter else { return nil }
      state.waiter = nil
      defer { state.free = 0 }
      return (waiter, state.free)
    }
    if let (waiter, n) = waiter { waiter.resume(returning: n) }
  }

  func close() {
    let waiter = state.withLock { state -> CheckedContinuation<Int, Never>? in
      state.closed = true
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume(returning: 0)
  }
}
