extension Runtime {
  /// True once every run started so far has settled; false after `timeout` (real time).
  public func waitUntilSettled(timeout: Duration) async -> Bool {
    let target = nextRunID.load(ordering: .relaxed)
    let limit = ContinuousClock.now + timeout
    while true {
      let done = global.withLock { global in !global.unsettled.keys.contains { $0 <= target } }
      if done { return true }
      if ContinuousClock.now >= limit { return false }
      try? await Task.sleep(for: .milliseconds(1))
    }
  }

  /// Stops generators and new runs, lets work in flight finish until `deadline` (real time), then
  /// cancels the rest: queued and retry-waiting steps become cancelled, running steps are
  /// cancelled, blocked producers are released. The per-queue counts still add up.
  public func shutdown(deadline: Duration) async -> ShutdownReport {
    let first = global.withLock { global -> Bool in
      defer { global.shuttingDown = true }
      global.ticker?.cancel()
      return !global.shuttingDown
    }
    if first { event(.info, .shutdown, "shutting down (deadline \(DurationText.format(deadline)))") }
    for workflow in workflows {
      let generator = workflow.control.withLock { control -> Task<Void, Never>? in
        defer { control.generator = nil }
        return control.generator
      }
      generator?.cancel()
    }
    let cancelledBefore = queues.reduce(0) { $0 + $1.cancelled }
    let settledInTime = await waitUntilSettled(timeout: deadline)
    let runsCancelled = global.withLock { $0.unsettled.count }
    // Order matters: runs first (their producers may be waiting), then queues (releases parked
    // workers, cancels waiting steps and retry timers), then workers (cancels running attempts).
    let runs = global.withLock { Array($0.unsettled.values) }
    for run in runs {
      run.progress.withLock { progress in
        progress.task?.cancel()
        // Under the lock: the caller removes itself under it before it returns (see CallerTask).
        progress.caller?.task.cancel()
      }
    }
    for queue in queues {
      let (cancelled, refused) = queue.close()
      _ = refused  // their producers are released and cancel their own steps
      for item in cancelled {
        settleIfDone(item.run, item.run.finish(Int(item.step), outcome: .cancelled, endNs: nowNs))
      }
    }
    // A worker started from now on (by a step handed over as the queues closed) is cancelled as
    // it registers.
    let workers = global.withLock { global -> [Task<Void, Never>] in
      global.workersCancelled = true
      return global.workers
    }
    for worker in workers { worker.cancel() }
    if store != nil {
      // Running attempts hand their steps back; what is left stays in the store for the next
      // process (kept, not lost).
      let kept = await closeStore()
      var report = ShutdownReport(
        settledInTime: settledInTime, runsCancelled: runsCancelled, stepsCancelled: 0,
        snapshot: snapshot(fresh: true))
      report.stepsKept = kept
      return report
    }
    let limit = ContinuousClock.now + .seconds(5)
    _ = await waitUntilSettled(timeout: .seconds(5))
    // Redriven steps belong to runs that settled already: wait for the queues too.
    while !queues.allSatisfy(\.isIdle), ContinuousClock.now < limit {
      try? await Task.sleep(for: .milliseconds(1))
    }
    let cancelledAfter = queues.reduce(0) { $0 + $1.cancelled }
    return ShutdownReport(
      settledInTime: settledInTime, runsCancelled: runsCancelled,
      stepsCancelled: cancelledAfter - cancelledBefore, snapshot: snapshot(fresh: true))
  }
}
