import Synchronization

/// A failed attempt's error, for people.
struct StepFailure: Error, CustomStringConvertible {
  var description: String
}

/// How one attempt ended.
enum AttemptResult {
  case success(endNs: Int64, output: Payload?)
  case failure(String, timedOut: Bool)
  case cancelled
}

/// A refused run: why, as a value and as the error `run(workflow:)` throws.
struct Rejection: Error {
  var refusal: RunRefusal
  var error: RuntimeError
}

/// How a blocking step ended, reported to its run's task.
struct BlockingOutcome: Sendable {
  var step: Int
  var outcome: StepOutcome
  var endNs: Int64
  var error: String?
  /// A succeeded step's output (nil: `null`).
  var output: Payload?
}

extension Runtime {
  // MARK: Admission

  /// Admits a run (checks shutdown, pause, the in-flight limit) without starting it.
  func admit(
    _ workflow: WorkflowRuntime, intendedNs: Int64, countPaused: Bool = true, input: Payload = .null
  ) -> Result<RunState, Rejection> {
    let (globalMode, shuttingDown) = global.withLock { ($0.mode, $0.shuttingDown) }
    if shuttingDown { return .failure(reject(workflow, .shuttingDown, "the runtime is shutting down")) }
    if store != nil, let refusal = storeRefusal {
      return .failure(reject(workflow, .shuttingDown, refusal))
    }
    if let limit = options.maxRunsInFlight {
      var current = inFlight.load(ordering: .relaxed)
      while true {
        if current >= limit {
          return .failure(reject(workflow, .inFlightLimit, "\(current) runs in flight (limit \(limit))"))
        }
        let (exchanged, original) = inFlight.compareExchange(
          expected: current, desired: current + 1, ordering: .relaxed)
        if exchanged { break }
        current = original
      }
    } else {
      inFlight.add(1, ordering: .relaxed)
    }
    let id = nextRunID.add(1, ordering: .relaxed).newValue
    if store != nil, !checkReserved(id) {
      inFlight.subtract(1, ordering: .relaxed)
      return .failure(
        reject(workflow, .shuttingDown, "the store cannot take new runs: run ids are being reserved; retry"))
    }
    let index = workflow.runCounter.add(1, ordering: .relaxed).newValue - 1
    let second = second(nowNs)
    // Control, then metrics: the same order as `pause` uses, so a pause sees every admitted run.
    let admitted = workflow.control.withLock { control -> (mode: ExecutionMode, comparison: Bool)? in
      guard control.state == .running else { return nil }
      let comparison = control.comparison
      workflow.metrics.withLock { metrics in
        metrics.roll(to: second, history: options.historySeconds)
        metrics.started += 1
        metrics.counts.started(second)
        metrics.inFlight += 1
        if comparison { metrics.comparisonRuns += 1 }
      }
      return (control.modeOverride ?? globalMode, comparison)
    }
    guard let admitted else {
      inFlight.subtract(1, ordering: .relaxed)
      if countPaused { return .failure(reject(workflow, .paused, "the workflow is paused")) }
      return .failure(
        Rejection(
          refusal: .paused, error: .runRejected(workflow: workflow.name, reason: "the workflow is paused")))
    }
    let run = RunState(
      id: id, index: index, workflow: workflow, mode: admitted.mode, intendedNs: intendedNs,
      comparison: admitted.comparison, input: input)
    global.withLock { $0.unsettled[id] = run }
    return .success(run)
  }

  private func reject(_ workflow: WorkflowRuntime, _ refusal: RunRefusal, _ reason: String) -> Rejection {
    let second = second(nowNs)
    workflow.metrics.withLock { metrics in
      metrics.rejected += 1
      metrics.counts.rejected(second)
    }
    event(.warning, .runRejected, "\(workflow.name): run rejected: \(reason)")
    return Rejection(refusal: refusal, error: .runRejected(workflow: workflow.name, reason: reason))
  }

  /// Starts an admitted run's task on the shared pool (orchestration stays off the background executor).
  func launch(_ run: RunState) {
    let task = Task { [self] in
      await self.execute(run)
      run.progress.withLock { progress in
        progress.taskDone = true
        progress.task = nil
      }
    }
    // Kept only while the blocking part runs, so a settled run holds no finished task.
    run.progress.withLock { progress in
      if !progress.taskDone { progress.task = task }
    }
  }

  /// Admits and launches a run; nil if it started, otherwise why it was refused.
  @discardableResult
  func startRun(_ workflow: WorkflowRuntime, intendedNs: Int64, countPaused: Bool = true) -> RunRefusal? {
    switch admit(workflow, intendedNs: intendedNs, countPaused: countPaused) {
    case .success(let run):
      launch(run)
      return nil
    case .failure(let rejection):
      return rejection.refusal
    }
  }

  // MARK: Orchestration

  /// Runs a run's blocking part, hands background steps to their queues, then responds.
  nonisolated(nonsending) func execute(_ run: RunState) async {
    var ready = run.workflow.roots
    // While the only thing to do is one blocking step (every step of a chain), it runs in this
    // task, with no task group: a child task would cost two hops through the pool per step, and
    // even an empty group costs its set-up and tear-down on the critical path of every run.
    while ready.count == 1, !run.isBackground(ready[0]) {
      let done = await runBlocking(run, ready[0])
      let effect = run.finish(done.step, outcome: done.outcome, endNs: done.endNs, output: done.output)
      if done.outcome != .succeeded || effect.settled {
        // A failure (its dependents were skipped by `finish`; nothing else of this run had
        // started) or the run's last step: the response, and the settling at the same moment.
        respond(run, failure: done.outcome == .succeeded ? nil : done, lastStepEnded: effect.settled)
        return
      }
      ready = effect.ready
    }
    if !ready.isEmpty {
      let failed = await executeConcurrently(run, ready: ready)
      if failed { return }
    }
    // With a durable store the run answers only once its background steps are committed.
    if store != nil, let error = await persist(run) {
      let first = run.workflow.steps.indices.first { run.isBackground($0) } ?? 0
      respond(
        run,
        failure: BlockingOutcome(step: first, outcome: .failed, endNs: nowNs, error: "not stored: \(error)"))
      return
    }
    respond(run, failure: nil)
  }

  /// The rest of a run that has more than one thing to do at once: independent blocking steps
  /// run as child tasks, background steps go to their queues. Responds on the first failure (and
  /// cancels the steps still running); true if the run failed.
  private func executeConcurrently(_ run: RunState, ready initial: ReadySteps) async -> Bool {
    var ready = initial
    var failure: BlockingOutcome?
    await withTaskGroup(of: BlockingOutcome.self) { group in
      var running = 0
      while true {
        let done: BlockingOutcome
        if failure == nil, running == 0, ready.count == 1, !run.isBackground(ready[0]) {
          // One blocking step and nothing else running (after a fan-in): in this task, as above.
          let i = ready[0]
          ready = []
          done = await runBlocking(run, i)
        } else {
          if failure != nil {
            // Ready only because a sibling finished just before the failure: never started.
            for i in ready { settleIfDone(run, run.finish(i, outcome: .cancelled, endNs: nil)) }
          } else {
            for i in ready where !run.isBackground(i) {
              group.addTask { await self.runBlocking(run, i) }
              running += 1
            }
            // With a durable store, background steps are inserted together before the response.
            for i in ready where run.isBackground(i) && store == nil {
              await enqueue(run, i, readyNs: max(run.readyNs(i), run.intendedNs), mayBlock: true)
            }
          }
          ready = []
          guard running > 0, let next = await group.next() else { break }
          running -= 1
          done = next
        }
        let effect = run.finish(done.step, outcome: done.outcome, endNs: done.endNs, output: done.output)
        settleIfDone(run, effect)
        if done.outcome == .succeeded {
          ready = effect.ready
        } else if failure == nil {
          failure = done
          // Background steps whose dependencies succeeded still run (as in memory): stored first.
          if store != nil { _ = await persist(run) }
          respond(run, failure: done)
          group.cancelAll()
        }
      }
    }
    return failure != nil
  }

  /// Runs one blocking step, retrying inline (the backoff is on the critical path).
  nonisolated(nonsending) func runBlocking(_ run: RunState, _ i: Int) async -> BlockingOutcome {
    let step = run.workflow.steps[i]
    let allowance = overshootAllowanceNs
    var startNs = run.beginBlocking(i, nowNs: nowNs, allowance: allowance)
    var attempt = 1
    while true {
      let result = await attemptStep(
        run, step, attempt: attempt, startNs: startNs, executedAs: .blocking, data: nil)
      switch result {
      case .success(let endNs, let output):
        run.workflow.metrics.withLock { $0.recordSuccess(step: i, nanoseconds: endNs - startNs) }
        return BlockingOutcome(step: i, outcome: .succeeded, endNs: endNs, output: output)
      case .cancelled:
        return BlockingOutcome(step: i, outcome: .cancelled, endNs: nowNs, error: "cancelled")
      case .failure(let message, let timedOut):
        let failedAt = nowNs
        let willRetry = attempt < step.definition.retry.attempts && !Task.isCancelled
        run.workflow.metrics.withLock { metrics in
          metrics.steps[i].failed += 1
          if timedOut { metrics.steps[i].timedOut += 1 }
          if willRetry { metrics.steps[i].retried += 1 }
        }
        let name = "\(run.workflow.name)/\(step.definition.id)"
        if timedOut { event(.warning, .stepTimedOut, "\(name): attempt \(attempt) \(message)") }
        guard willRetry else {
          return BlockingOutcome(step: i, outcome: .failed, endNs: failedAt, error: message)
        }
        let delay = backoff(run, step, failedAttempt: attempt)
        event(
          .warning, .stepRetried,
          "\(name): attempt \(attempt)/\(step.definition.retry.attempts) failed: \(message); retry in \(DurationText.format(.nanoseconds(delay)))"
        )
        run.update(i, outcome: .waitingRetry)
        do {
          try await clock.sleep(until: .nanoseconds(failedAt + delay))
        } catch {
          return BlockingOutcome(step: i, outcome: .cancelled, endNs: nowNs, error: "cancelled")
        }
        startNs = max(failedAt + delay, nowNs - allowance)
        attempt += 1
        run.update(i, outcome: .running, attemptStartNs: startNs)
      }
    }
  }

  /// The full-jitter delay after `failedAttempt`, in nanoseconds.
  func backoff(_ run: RunState, _ step: CompiledStep, failedAttempt: Int) -> Int64 {
    Int64(
      SeededRandom.backoff(
        step.definition.retry, failedAttempt: failedAttempt, seed: options.seed,
        workflow: run.workflow.index, run: run.index, step: step.index
      ).nanoseconds)
  }

  // MARK: Attempts

  /// Runs one attempt; a timeout cancels it (the step's task is cancelled, a sleep wakes, a burn stops).
  /// `data` is the copy a background step was handed when queued; nil: read from the run (a
  /// blocking step, or a background step of a run without data).
  @inline(__always)
  nonisolated(nonsending) func attemptStep(
    _ run: RunState, _ step: CompiledStep, attempt: Int, startNs: Int64, executedAs: StepMode,
    data: StepInput?
  ) async -> AttemptResult {
    do {
      guard let timeout = step.definition.timeout else {
        // No timeout: the step runs here, without a closure to allocate or a task group.
        let (end, output) = try await body(
          run, step, attempt: attempt, startNs: startNs, executedAs: executedAs, data: data)
        return .success(endNs: end, output: output)
      }
      let body: @Sendable () async throws -> (Int64, Payload?) = { [self] in
        try await self.body(run, step, attempt: attempt, startNs: startNs, executedAs: executedAs, data: data)
      }
      let deadline = Duration.nanoseconds(startNs) + timeout
      let clock = self.clock
      let end = try await withThrowingTaskGroup(of: (Int64, Payload?)?.self) { group in
        group.addTask { try await body() }
        group.addTask {
          try await clock.sleep(until: deadline)
          return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
      }
      if let end { return .success(endNs: end.0, output: end.1) }
      if Task.isCancelled { return .cancelled }
      return .failure("timed out after \(DurationText.format(timeout))", timedOut: true)
    } catch {
      if Task.isCancelled || error is CancellationError { return .cancelled }
      return .failure(String(describing: error), timedOut: false)
    }
  }

  /// The context a Swift step body gets: the copy handed over with a background step, or the run.
  private func context(
    _ run: RunState, _ step: CompiledStep, attempt: Int, executedAs: StepMode, data: StepInput?
  ) -> StepContext {
    StepContext(
      runID: run.id, stepID: step.definition.id, attempt: attempt, executedAs: executedAs,
      input: data?.input ?? run.input,
      source: data.map { .copied($0.dependencyOutputs) } ?? .live(run, step.index))
  }

  /// Fails the attempt if `output` is over the step's limit.
  private func checkLimit(_ output: Payload, _ step: CompiledStep) throws {
    guard output.count > step.outputLimit else { return }
    throw StepFailure(
      description:
        "output of step '\(step.definition.id)' is \(output.count) bytes, over its limit of \(step.outputLimit) bytes (outputLimit)"
    )
  }

  /// What a step does for one attempt; returns its end time and its output (nil: `null`).
  @inline(__always)
  nonisolated(nonsending) private func body(
    _ run: RunState, _ step: CompiledStep, attempt: Int, startNs: Int64, executedAs: StepMode,
    data: StepInput?
  ) async throws -> (Int64, Payload?) {
    switch step.definition.action {
    case .closure(let closure):
      try await closure(context(run, step, attempt: attempt, executedAs: executedAs, data: data))
      return (nowNs, nil)
    case .transform(let transform):
      let output = try await transform(
        context(run, step, attempt: attempt, executedAs: executedAs, data: data))
      try checkLimit(output, step)
      return (nowNs, output)
    case .simulate(let spec):
      let workflow = run.workflow.index
      let latency = Int64(
        SeededRandom.latency(
          spec.latency, seed: options.seed, workflow: workflow, run: run.index, step: step.index,
          attempt: attempt
        ).nanoseconds)
      let fails =
        spec.failureRate > 0
        && SeededRandom.unit(
          seed: options.seed, workflow: workflow, run: run.index, step: step.index, attempt: attempt,
          purpose: .failure) < spec.failureRate
      var endNs: Int64
      if spec.cpu && clock.isRealTime {
        // Real CPU work takes its full length from when it really starts.
        endNs = nowNs + latency
        var spin: UInt64 = 0
        while nowNs < endNs {
          try Task.checkCancellation()
          for _ in 0..<256 { spin = spin &* 6_364_136_223_846_793_005 &+ 1 }
        }
        if spin == 42 { endNs += 0 }  // keeps the loop from being optimised away
        endNs = nowNs
      } else {
        // Sleep to a deadline chained from the step's start, so overshoot does not accumulate.
        endNs = startNs + latency
        if endNs > nowNs {
          try await clock.sleep(until: .nanoseconds(endNs))
        } else {
          // Already past (a zero latency): no trip through the clock and the executor.
          try Task.checkCancellation()
        }
      }
      if fails {
        throw StepFailure(description: "simulated failure (failure-rate \(spec.failureRate))")
      }
      let output = spec.echoInput ? (data?.input ?? run.input) : step.simulatedOutput
      if let output { try checkLimit(output, step) }
      return (endNs, output)
    }
  }

  // MARK: Response and settling

  /// Records the response (or the failure) once. If every step of the run has ended already
  /// (`lastStepEnded`, or a settling that waited for this response), the run settles at the same
  /// moment, in the same trips through the run's and the workflow's locks: on a chain that is every
  /// run, on its critical path.
  func respond(_ run: RunState, failure: BlockingOutcome?, lastStepEnded: Bool = false) {
    let now = nowNs
    let error = failure.map { "step '\(run.workflow.steps[$0.step].definition.id)' \($0.error ?? "failed")" }
    let releases = run.mode == .allSync || !run.workflow.outputsOutliveResponse
    let (settles, first) = run.progress.withLock { progress in
      if progress.responded { return (false, false) }
      progress.responded = true
      progress.failed = failure != nil
      progress.responseNs = now
      progress.error = error
      if let failure {
        progress.failedStep = failure.step
        progress.stepError = failure.error ?? "failed"
        progress.response = .null
      } else {
        progress.response = RunState.response(run.workflow.responsePlan, progress, run.workflow)
      }
      if releases {
        // Every background step that will run was handed its copy already: free the rest.
        progress.outputs = []
        progress.outputsReleased = true
      }
      let settles = progress.settlePending || lastStepEnded
      if settles { progress.settledNs = now }
      return (settles, true)
    }
    guard first else {
      if lastStepEnded { settle(run) }
      return
    }
    let latency = now - run.intendedNs
    let second = second(now)
    run.workflow.metrics.withLock { metrics in
      metrics.roll(to: second, history: options.historySeconds)
      if let failure {
        metrics.failed += 1
        metrics.counts.failed(second)
        metrics.failureCauses.record(step: failure.step, error: failure.error ?? "failed")
      } else {
        metrics.responded += 1
        metrics.counts.responded(second)
        // A comparison's runs are kept out of the normal figures (they go to its recordings).
        if !run.comparison {
          metrics.criticalPathWindows.record(nanoseconds: latency, second: second)
          if run.mode == .allSync { metrics.secondAllSync += 1 } else { metrics.secondHybrid += 1 }
        }
      }
      if (metrics.lastRun?.id ?? 0) < run.id { metrics.lastRun = run }
      if settles { Self.countSettled(&metrics, run, latency: latency, second: second) }
    }
    if failure == nil { addToRecordings(run, latency: latency) }
    if failure == nil, !run.comparison, let observer = options.observer {
      observer.recordCriticalPath(workflow: run.workflow.index, nanoseconds: latency)
    }
    if let error {
      event(.error, .runFailed, "\(run.workflow.name): run \(run.id) failed: \(error)")
    }
    if settles { leave(run) }
  }

  /// Records a successful response's latency in the recordings (A/B comparisons) that include it.
  private func addToRecordings(_ run: RunState, latency: Int64) {
    guard activeRecordings.load(ordering: .relaxed) > 0 else { return }
    recordings.withLock { recordings in
      for key in recordings.keys
      where recordings[key]!.workflow == run.workflow.index && run.id > recordings[key]!.afterRunID
        && recordings[key]!.mode.map({ $0 == run.mode }) ?? true
      {
        LatencyHistogram.record(&recordings[key]!.histogram, nanoseconds: latency)
      }
    }
  }

  /// Settles the run if finishing a step ended its last one.
  func settleIfDone(_ run: RunState, _ effect: FinishEffect) {
    if effect.settled { settle(run) }
  }

  /// Records that every step of the run has ended (after its response: settling waits for it).
  func settle(_ run: RunState) {
    let now = nowNs
    let proceed = run.progress.withLock { progress -> Bool in
      guard progress.responded else {
        progress.settlePending = true
        return false
      }
      progress.settledNs = now
      return true
    }
    guard proceed else { return }
    let second = second(now)
    run.workflow.metrics.withLock {
      Self.countSettled(&$0, run, latency: now - run.intendedNs, second: second)
    }
    leave(run)
  }

  /// A settled run's counts, under the workflow's metrics lock.
  private static func countSettled(
    _ metrics: inout WorkflowMetrics, _ run: RunState, latency: Int64, second: Int
  ) {
    metrics.settled += 1
    metrics.inFlight -= 1
    guard !run.comparison else { return }
    metrics.settleWindows.record(nanoseconds: latency, second: second)
  }

  /// A settled run leaves the runtime's in-flight count and its list of unsettled runs.
  private func leave(_ run: RunState) {
    inFlight.subtract(1, ordering: .relaxed)
    _ = global.withLock { $0.unsettled.removeValue(forKey: run.id) }
    if options.keptRuns > 0 {
      keptRuns.withLock { kept in
        kept.append(run)
        if kept.count > options.keptRuns { kept.removeFirst() }
      }
    }
    finishPauseIfIdle(run.workflow)
  }

  /// A pausing workflow becomes paused once none of its runs is in flight.
  func finishPauseIfIdle(_ workflow: WorkflowRuntime) {
    guard workflow.pausing.load(ordering: .acquiring) else { return }
    let paused = workflow.control.withLock { control -> Bool in
      guard control.state == .pausing, workflow.metrics.withLock({ $0.inFlight }) == 0 else { return false }
      control.state = .paused
      workflow.pausing.store(false, ordering: .releasing)
      return true
    }
    if paused { event(.info, .workflowPaused, "\(workflow.name): paused (no run in flight)") }
  }
}

extension RunState {
  /// True once the run's settling has been recorded.
  var isAccountedSettled: Bool { progress.withLock { $0.settledNs >= 0 } }
}
