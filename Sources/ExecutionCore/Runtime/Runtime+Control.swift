import Synchronization

extension Runtime {
  /// Starts a run now and returns once its response is ready (its blocking part is done);
  /// background steps go on. Throws if the workflow is unknown or the run is rejected.
  public func run(workflow name: String) async throws -> RunResult {
    let workflow = try workflow(named: name)
    let run = try admit(workflow, intendedNs: nowNs).get()
    return await withUnsafeContinuation { continuation in
      run.progress.withLock { $0.waiter = continuation }
      launch(run)
    }
  }

  /// Starts one run of `workflow` now (rejected visibly when paused or over the limit).
  public func trigger(workflow name: String) {
    guard let workflow = try? workflow(named: name) else { return }
    startRun(workflow, intendedNs: nowNs)
  }

  /// Starts `count` runs of `workflow` now.
  public func triggerBurst(workflow name: String, count: Int) {
    guard let workflow = try? workflow(named: name) else { return }
    let now = nowNs
    for _ in 0..<max(0, count) { startRun(workflow, intendedNs: now) }
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
    let queue = queues[q]
    if queue.core.withLock({ $0.pauseRequested }) { return }
    let state = queue.pause()
    event(.info, .queuePausing, "\(name): pausing (workers take no new steps)")
    if state == .paused { event(.info, .queuePaused, "\(name): paused (no step running)") }
  }

  /// Workers of `queue` take steps again.
  public func resumeQueue(_ name: String) {
    guard let q = queueIndex[name] else { return }
    let queue = queues[q]
    guard queue.core.withLock({ $0.pauseRequested }) else { return }
    queue.resume()
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

  /// Moves every dead letter of `queue` back onto it (not counted as accepted again); returns how many.
  @discardableResult
  public func redrive(queue name: String) -> Int {
    guard let q = queueIndex[name] else { return 0 }
    let moved = queues[q].redrive(nowNs: nowNs)
    if !moved.isEmpty {
      event(.info, .redriven, "\(name): redrove \(moved.count) dead letter\(moved.count == 1 ? "" : "s")")
    }
    return moved.count
  }

  /// The dead letters of `queue` (workflow, step, run, last error), oldest first.
  public func deadLetters(queue name: String) -> [FailureRecord] {
    guard let q = queueIndex[name] else { return [] }
    let queue = queues[q]
    let letters = queue.core.withLock { $0.deadLetters }
    return letters.map { letter in
      let step = letter.item.run.workflow.steps[Int(letter.item.step)]
      return FailureRecord(
        time: .nanoseconds(letter.timeNs), workflow: letter.item.run.workflow.name, step: step.definition.id,
        queue: name, attempt: Int(letter.item.attempts), dead: true, error: letter.error)
    }
  }

  /// Starts collecting the critical-path latency of runs of `workflow` that start from now on.
  public func startRecording(workflow name: String) -> RecordingID {
    let id = nextRecording.add(1, ordering: .relaxed).newValue
    guard let index = workflowIndex[name] else { return RecordingID(rawValue: id) }
    let after = nextRunID.load(ordering: .relaxed)
    recordings.withLock {
      $0[id] = Recording(workflow: index, afterRunID: after, histogram: LatencyHistogram.make())
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
}
