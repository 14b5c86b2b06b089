import Synchronization

extension Runtime {
  /// Starts a run now and returns once its response is ready (its blocking part is done);
  /// background steps go on. Throws if the workflow is unknown or the run is rejected.
  ///
  /// The blocking part runs in the caller's task: cancelling the caller cancels the run's blocking
  /// steps (the run then fails with "cancelled"), and a shutdown that gives up on the run cancels
  /// the caller's task.
  public func run(workflow name: String) async throws -> RunResult {
    try await run(workflow: name, intendedStart: now)
  }

  /// `run(workflow:)` for a run that was meant to start at `intendedStart` (a time on this runtime's
  /// clock, `now` or earlier; a later time counts as now), as an open-loop caller that schedules its
  /// arrivals does it: the run's latency counts from `intendedStart`, so a caller that woke late
  /// sees its lateness in the latency, and the run's simulated steps keep their deadlines from it
  /// (the same `overshootAllowance` as the load generator's runs).
  public func run(workflow name: String, intendedStart: Duration) async throws -> RunResult {
    try await run(workflow: name, input: .null, intendedStart: intendedStart)
  }

  /// `run(workflow:)` with `input`, the JSON value its steps see (`StepContext.input`). Throws
  /// `RuntimeError.invalidInput` before the run starts if the input is over `options.inputLimit`.
  /// The result's `response` is the workflow's response (see `WorkflowDefinition.response`).
  public func run(workflow name: String, input: Payload, intendedStart: Duration? = nil) async throws
    -> RunResult
  {
    let workflow = try workflow(named: name)
    guard input.count <= options.inputLimit else {
      throw RuntimeError.invalidInput(
        workflow: name,
        reason:
          "the input is \(input.count) bytes, over the limit of \(options.inputLimit) bytes (RuntimeOptions.inputLimit)"
      )
    }
    let current = nowNs
    let intendedNs = intendedStart.map { min(current, Int64($0.nanoseconds)) } ?? current
    let run: RunState
    switch admit(workflow, intendedNs: intendedNs, input: input) {
    case .success(let admitted): run = admitted
    case .failure(let rejection): throw rejection.error
    }
    // The caller waits for the response, so its own task runs the blocking part: starting another
    // task and resuming the caller would put two thread wake-ups on every run's critical path.
    withUnsafeCurrentTask { task in
      let caller = task.map(CallerTask.init)
      run.progress.withLock { $0.caller = caller }
    }
    await execute(run)
    return run.progress.withLock { progress in
      progress.caller = nil
      progress.taskDone = true
      let latency = progress.responseNs - run.intendedNs
      return RunResult(
        runID: run.id, latency: .nanoseconds(latency), failed: progress.failed, error: progress.error,
        mode: run.mode, response: progress.response ?? .null,
        failedStep: progress.failedStep.map { run.workflow.steps[$0].definition.id },
        stepError: progress.stepError)
    }
  }

  /// `run(workflow:input:)` with the input as JSON text: refused with `RuntimeError.invalidInput`
  /// before the run starts when it is over `options.inputLimit` or is not one JSON value (the
  /// message names the byte and what is wrong there).
  public func run(workflow name: String, inputJSON: some Collection<UInt8>, intendedStart: Duration? = nil)
    async throws -> RunResult
  {
    _ = try workflow(named: name)
    guard inputJSON.count <= options.inputLimit else {
      throw RuntimeError.invalidInput(
        workflow: name,
        reason:
          "the input is \(inputJSON.count) bytes, over the limit of \(options.inputLimit) bytes (RuntimeOptions.inputLimit)"
      )
    }
    let input: Payload
    do { input = try Payload(validating: inputJSON) } catch {
      throw RuntimeError.invalidInput(workflow: name, reason: error.description)
    }
    return try await run(workflow: name, input: input, intendedStart: intendedStart)
  }

  /// The time on this runtime's clock (what `intendedStart` and run times are measured in).
  public var now: Duration { clock.now }

  /// Starts one run of `workflow` now (rejected visibly when paused or over the limit); returns
  /// whether it started, or why not.
  @discardableResult
  public func trigger(workflow name: String) -> TriggerResult {
    triggerBurst(workflow: name, count: 1)
  }

  /// Starts `count` runs of `workflow` now; each refused one is counted and logged as a rejection.
  /// Returns how many started, and why the first refused one was refused.
  @discardableResult
  public func triggerBurst(workflow name: String, count: Int) -> TriggerResult {
    let count = max(0, count)
    guard let workflow = try? workflow(named: name) else {
      return TriggerResult(requested: count, accepted: 0, refusal: .unknownWorkflow)
    }
    let now = nowNs
    var accepted = 0
    var refusal: RunRefusal?
    for _ in 0..<count {
      if let refused = startRun(workflow, intendedNs: now) {
        if refusal == nil { refusal = refused }
      } else {
        accepted += 1
      }
    }
    return TriggerResult(requested: count, accepted: accepted, refusal: refusal)
  }

  /// Sets the load generator's rate (0 stops it); the arrival process stays as it was.
  public func setRate(workflow name: String, rate: Double) {
    guard let workflow = try? workflow(named: name) else { return }
    let arrivals = workflow.control.withLock { $0.arrivals }
    applyRate(workflow, rate: rate, arrivals: arrivals, announce: true)
  }

  /// Sets the rate and the arrival process of the load generator.
  public func setLoad(workflow name: String, rate: Double, arrivals: ArrivalProcess) {
    guard let workflow = try? workflow(named: name) else { return }
    applyRate(workflow, rate: rate, arrivals: arrivals, announce: true)
  }

  /// Stops new runs of `workflow`: pausing while any of its runs is in flight (not settled), then paused.
  public func pause(workflow name: String) {
    guard let workflow = try? workflow(named: name) else { return }
    let changed = workflow.control.withLock { control -> Bool in
      guard control.state == .running else { return false }
      control.state = .pausing
      workflow.pausing.store(true, ordering: .releasing)
      return true
    }
    guard changed else { return }
    event(.info, .workflowPausing, "\(workflow.name): pausing (no new runs)")
    finishPauseIfIdle(workflow)
  }

  /// Lets `workflow` take runs again.
  public func resume(workflow name: String) {
    guard let workflow = try? workflow(named: name) else { return }
    let changed = workflow.control.withLock { control -> Bool in
      guard control.state != .running else { return false }
      control.state = .running
      workflow.pausing.store(false, ordering: .releasing)
      return true
    }
    if changed { event(.info, .workflowResumed, "\(workflow.name): resumed") }
  }

  /// Workers of `queue` stop taking steps: pausing until no worker holds one, then paused.
  public func pauseQueue(_ name: String) {
    guard let q = queueIndex[name] else { return }
    if store != nil {
      storeControl("\(name): pause") {
        try await $0.setPaused(queue: name, true); return 0
      }
    }
    guard let state = queues[q].pause() else { return }
    event(.info, .queuePausing, "\(name): pausing (workers take no new steps)")
    if state == .paused { event(.info, .queuePaused, "\(name): paused (no step running)") }
  }

  /// Workers of `queue` take steps again.
  public func resumeQueue(_ name: String) {
    guard let q = queueIndex[name] else { return }
    if store != nil {
      storeControl("\(name): resume") {
        try await $0.setPaused(queue: name, false); return 0
      }
    }
    guard queues[q].resume() else { return }
    event(.info, .queueResumed, "\(name): resumed")
  }

  /// The mode for runs started from now on.
  public func setMode(_ mode: ExecutionMode) {
    let changed = global.withLock { global -> Bool in
      defer { global.mode = mode }
      return global.mode != mode
    }
    if changed { event(.info, .modeChanged, "mode: \(mode.rawValue) for new runs") }
  }

  /// The mode new runs start in.
  public var mode: ExecutionMode { global.withLock { $0.mode } }

  /// The mode for new runs of `workflow` alone (nil: the runtime's mode again), leaving the other
  /// workflows as they are. With `comparison`, its new runs are tagged and their latencies kept out
  /// of its percentiles, windows and series (recordings still collect them) until a call without.
  public func setMode(_ mode: ExecutionMode?, workflow name: String, comparison: Bool) {
    guard let workflow = try? workflow(named: name) else { return }
    let changed = workflow.control.withLock { control -> (mode: Bool, comparison: Bool) in
      defer {
        control.modeOverride = mode
        control.comparison = comparison
      }
      return (control.modeOverride != mode, control.comparison != comparison)
    }
    if changed.mode {
      let text =
        mode.map { "\($0.rawValue) for its new runs" } ?? "the runtime's mode (\(self.mode.rawValue)) again"
      event(.info, .modeChanged, "\(workflow.name): \(text)")
    }
    if changed.comparison {
      event(
        .info, .modeChanged,
        comparison
          ? "\(workflow.name): comparison started (its runs are kept out of its figures)"
          : "\(workflow.name): comparison ended")
    }
  }

  /// The effective mode of `workflow`'s new runs.
  func mode(of workflow: WorkflowRuntime) -> ExecutionMode {
    workflow.control.withLock { $0.modeOverride } ?? mode
  }

  /// Moves every dead letter of `queue` back onto it (not counted as accepted again); returns how many.
  @discardableResult
  public func redrive(queue name: String) -> Int {
    guard let q = queueIndex[name] else { return 0 }
    if store != nil {
      // The store moves them (asynchronously); the count is the dead letters it last reported.
      let n = queues[q].snapshot(nowNs: nowNs, cached: SnapshotCache.Queue()).dead
      storeControl("\(name): redrove dead letters") { try await $0.redrive(queue: name) }
      return n
    }
    let moved = queues[q].redrive(nowNs: nowNs)
    if !moved.isEmpty {
      event(.info, .redriven, "\(name): redrove \(moved.count) dead letter\(moved.count == 1 ? "" : "s")")
    }
    return moved.count
  }

  /// Moves every dead letter of `queue` back onto it and returns how many moved, once they have:
  /// with a store, the count is the store's (every node's dead letters, for a shared database),
  /// not the figure it last reported. Throws when the store refuses (the database is gone).
  public func redriveConfirmed(queue name: String) async throws -> Int {
    guard let store, queueIndex[name] != nil else { return redrive(queue: name) }
    let moved = try await store.redrive(queue: name)
    if moved > 0 {
      event(.info, .redriven, "\(name): redrove \(moved) dead letter\(moved == 1 ? "" : "s")")
    }
    await refreshStoreFigures(store)
    return moved
  }

  /// Deletes every dead letter of `queue` for good and returns how many went, once they have (with
  /// a store, the store's count). Throws when the store refuses.
  public func deleteDeadLettersConfirmed(queue name: String) async throws -> Int {
    guard let store, queueIndex[name] != nil else { return deleteDeadLetters(queue: name) }
    let deleted = try await store.deleteDeadLetters(queue: name)
    if deleted > 0 {
      event(
        .info, .deadLettersDeleted, "\(name): deleted \(deleted) dead letter\(deleted == 1 ? "" : "s")")
    }
    await refreshStoreFigures(store)
    return deleted
  }

  /// The dead letters of `queue` (workflow, step, run, last error), oldest first.
  public func deadLetters(queue name: String) -> [FailureRecord] {
    guard let q = queueIndex[name] else { return [] }
    if store != nil { return storedDeadLetters(name) }
    return queues[q].deadLetters.map { letter in
      let step = letter.item.run.workflow.steps[Int(letter.item.step)]
      return FailureRecord(
        time: .nanoseconds(letter.timeNs), workflow: letter.item.run.workflow.name, step: step.definition.id,
        queue: name, attempt: Int(letter.item.attempts), dead: true, error: letter.error)
    }
  }

  /// Deletes every dead letter of `queue` for good (their runs settled long ago; only the queue's
  /// `deadLettersDeleted` count remembers them); returns how many.
  @discardableResult
  public func deleteDeadLetters(queue name: String) -> Int {
    guard let q = queueIndex[name] else { return 0 }
    if store != nil {
      let n = queues[q].snapshot(nowNs: nowNs, cached: SnapshotCache.Queue()).dead
      storeControl("\(name): deleted dead letters") { try await $0.deleteDeadLetters(queue: name) }
      return n
    }
    let deleted = queues[q].deleteDeadLetters()
    if !deleted.isEmpty {
      event(
        .info, .deadLettersDeleted,
        "\(name): deleted \(deleted.count) dead letter\(deleted.count == 1 ? "" : "s")")
    }
    return deleted.count
  }

  /// Starts collecting the critical-path latency of runs of `workflow` that start from now on in
  /// the mode its new runs have now (comparison runs included: that is what recordings are for).
  public func startRecording(workflow name: String) -> RecordingID {
    let id = nextRecording.add(1, ordering: .relaxed).newValue
    guard let index = workflowIndex[name] else { return RecordingID(rawValue: id) }
    let after = nextRunID.load(ordering: .relaxed)
    let mode = mode(of: workflows[index])
    recordings.withLock {
      $0[id] = Recording(workflow: index, afterRunID: after, mode: mode, histogram: LatencyHistogram.make())
    }
    activeRecordings.add(1, ordering: .relaxed)
    return RecordingID(rawValue: id)
  }

  /// Stops a recording and returns what it collected (nil for an unknown id).
  public func finishRecording(_ id: RecordingID) -> LatencySummary? {
    guard let recording = recordings.withLock({ $0.removeValue(forKey: id.rawValue) }) else { return nil }
    activeRecordings.subtract(1, ordering: .relaxed)
    return LatencyHistogram.summary(recording.histogram)
  }

  /// The kept events whose sequence number is above `sequence`, oldest first (for a stream that
  /// resumes: a caller that finds the first one above `sequence + 1`, or none while
  /// `lastEventSequence` is above `sequence`, missed events the log had to evict).
  public func events(after sequence: UInt64) -> [RuntimeEvent] {
    events.events().filter { $0.sequence > sequence }
  }

  /// The sequence number of the latest event (0: none yet).
  public var lastEventSequence: UInt64 { events.lastSequence }

  /// The waterfall of run `id`: while it is in flight, and after it settled for the latest
  /// `options.keptRuns` settled runs; nil otherwise.
  public func trace(run id: UInt64) -> RunTrace? {
    let run =
      global.withLock { $0.unsettled[id] } ?? keptRuns.withLock { kept in kept.last { $0.id == id } }
    return run.map { $0.trace(name: $0.workflow.name) }
  }

  /// Starts a run of `workflow` with `input` in a task of its own and returns its id at once
  /// (for a caller that does not wait for the response; `trace(run:)` follows it). Throws as
  /// `run(workflow:input:)` does before a run starts.
  public func start(workflow name: String, input: Payload) throws(RuntimeError) -> UInt64 {
    let workflow = try workflow(named: name)
    guard input.count <= options.inputLimit else {
      throw RuntimeError.invalidInput(
        workflow: name,
        reason:
          "the input is \(input.count) bytes, over the limit of \(options.inputLimit) bytes (RuntimeOptions.inputLimit)"
      )
    }
    switch admit(workflow, intendedNs: nowNs, input: input) {
    case .success(let run):
      launch(run)
      return run.id
    case .failure(let rejection): throw rejection.error
    }
  }

  /// The largest run input accepted, in bytes (`RuntimeOptions.inputLimit`).
  public var inputLimit: Int { options.inputLimit }

  /// How many settled runs `trace(run:)` keeps (`RuntimeOptions.keptRuns`).
  public var keptRunCount: Int { options.keptRuns }
}
