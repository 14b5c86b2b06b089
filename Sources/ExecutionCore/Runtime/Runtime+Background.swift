extension Runtime {
  /// Puts a ready background step on its queue. With `mayBlock` (the run's own task, before its
  /// response) a full `block` queue makes the run wait; otherwise a helper task waits instead.
  nonisolated(nonsending) func enqueue(_ run: RunState, _ i: Int, readyNs: Int64, mayBlock: Bool) async {
    let step = run.workflow.steps[i]
    guard let q = step.queue else { return }
    let queue = queues[q]
    let data = run.queueing(i, readyNs: readyNs)
    let item = QueueItem(run: run, step: Int32(i), attempts: 0, enqueuedNs: nowNs, data: data)
    switch queue.offer(item) {
    case .accepted:
      return
    case .acceptedDropping(let old):
      let oldRun = old.run
      let oldStep = Int(old.step)
      oldRun.workflow.metrics.withLock { $0.steps[oldStep].dropped += 1 }
      event(
        .warning, .stepDropped,
        "\(queue.definition.name): full; dropped \(oldRun.workflow.name)/\(oldRun.workflow.steps[oldStep].definition.id) of run \(oldRun.id)"
      )
      settleIfDone(oldRun, oldRun.finish(oldStep, outcome: .dropped, endNs: nowNs))
    case .rejected:
      run.workflow.metrics.withLock { $0.steps[i].rejected += 1 }
      event(
        .warning, .stepRejected,
        "\(queue.definition.name): full; rejected \(run.workflow.name)/\(step.definition.id) of run \(run.id)"
      )
      settleIfDone(run, run.finish(i, outcome: .rejected, endNs: nowNs))
    case .closed:
      settleIfDone(run, run.finish(i, outcome: .cancelled, endNs: nowNs))
    case .full:
      if mayBlock {
        await waitForRoom(queue, item)
      } else {
        Task { [self] in await self.waitForRoom(queue, item) }
      }
    }
  }

  private func waitForRoom(_ queue: StepQueue, _ item: QueueItem) async {
    if !(await queue.waitForRoom(item)) {
      settleIfDone(item.run, item.run.finish(Int(item.step), outcome: .cancelled, endNs: nowNs))
    }
  }

  /// A worker: runs `first`, then takes steps until its queue closes.
  nonisolated(nonsending) func workerLoop(_ queue: StepQueue, first: QueueItem) async {
    var next: QueueItem? = first
    while let item = next {
      // A step that succeeded with others waiting hands over the next one itself.
      next = await runBackground(item, on: queue)
      if next == nil { next = await queue.take() }
    }
  }

  /// Runs one attempt of a background step and moves it to its next state. After a success,
  /// returns the queue's next step if it took one for this worker in the same critical section.
  nonisolated(nonsending) private func runBackground(_ taken: QueueItem, on queue: StepQueue) async
    -> QueueItem?
  {
    var item = taken
    item.attempts += 1
    let run = item.run
    let i = Int(item.step)
    let step = run.workflow.steps[i]
    let attempt = Int(item.attempts)
    let startNs = nowNs
    let waitNs = startNs - item.enqueuedNs
    run.update(i, outcome: .running, attemptStartNs: startNs)
    let result = await attemptStep(
      run, step, attempt: attempt, startNs: startNs, executedAs: .background, data: item.data)
    switch result {
    case .success(let endNs, let output):
      // The step's end is "now": no second clock read on the path every step takes.
      run.workflow.metrics.withLock { $0.recordSuccess(step: i, nanoseconds: endNs - startNs) }
      let (paused, next) = queue.succeededTakingNext(
        item, waitNs: waitNs, runNs: endNs - startNs, nowSecond: second(endNs))
      announcePaused(queue, paused)
      let effect = run.finish(i, outcome: .succeeded, endNs: endNs, output: output)
      for d in effect.ready {
        await enqueue(run, d, readyNs: max(run.readyNs(d), endNs), mayBlock: false)
      }
      settleIfDone(run, effect)
      return next
    case .cancelled:
      let now = nowNs
      let second = second(now)
      announcePaused(
        queue, queue.ended(item, outcome: .cancelled, waitNs: waitNs, runNs: now - startNs, nowSecond: second)
      )
      settleIfDone(run, run.finish(i, outcome: .cancelled, endNs: now))
    case .failure(let message, let timedOut):
      let now = nowNs
      let second = second(now)
      if let delay = attemptFailed(
        run, i, queue: queue, attempt: attempt, message: message, timedOut: timedOut)
      {
        run.update(i, outcome: .waitingRetry)
        let wake = Duration.nanoseconds(now + delay)
        let clock = self.clock
        let item = item
        let paused = queue.retryLater(item, waitNs: waitNs, nowSecond: second) { timer in
          Task(executorPreference: executor) { [self] in
            try? await clock.sleep(until: wake)
            run.update(i, outcome: .queued)
            var next = item
            next.enqueuedNs = self.nowNs
            if !queue.requeue(next, timer: timer) {
              self.settleIfDone(run, run.finish(i, outcome: .cancelled, endNs: self.nowNs))
            }
          }
        }
        announcePaused(queue, paused)
      } else {
        announcePaused(
          queue,
          queue.ended(
            item, outcome: .dead, waitNs: waitNs, runNs: now - startNs, nowSecond: second, error: message,
            nowNs: now))
        settleIfDone(run, run.finish(i, outcome: .dead, endNs: now))
      }
    }
    return nil
  }

  /// A background attempt failed (either store): counts it, says so in the events and keeps it
  /// among the recent failures. Returns the retry's backoff in nanoseconds, or nil when the step
  /// is dead (both said in the events here, before the caller moves the step).
  func attemptFailed(
    _ run: RunState, _ i: Int, queue: StepQueue, attempt: Int, message: String, timedOut: Bool
  ) -> Int64? {
    let step = run.workflow.steps[i]
    let name = "\(run.workflow.name)/\(step.definition.id)"
    let willRetry = attempt < step.definition.retry.attempts && !Task.isCancelled
    run.workflow.metrics.withLock { metrics in
      metrics.steps[i].failed += 1
      if timedOut { metrics.steps[i].timedOut += 1 }
      if willRetry { metrics.steps[i].retried += 1 } else { metrics.steps[i].deadLettered += 1 }
    }
    if timedOut { event(.warning, .stepTimedOut, "\(name): attempt \(attempt) \(message)") }
    recordFailure(run, step, queue: queue, attempt: attempt, dead: !willRetry, error: message)
    guard willRetry else {
      event(
        .error, .stepDeadLettered,
        "\(name): dead-lettered on \(queue.definition.name) after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(message)"
      )
      return nil
    }
    let delay = backoff(run, step, failedAttempt: attempt)
    event(
      .warning, .stepRetried,
      "\(name): attempt \(attempt)/\(step.definition.retry.attempts) failed: \(message); retry in \(DurationText.format(.nanoseconds(delay)))"
    )
    return delay
  }

  private func announcePaused(_ queue: StepQueue, _ paused: Bool) {
    if paused { event(.info, .queuePaused, "\(queue.definition.name): paused (no step running)") }
  }

  func recordFailure(
    _ run: RunState, _ step: CompiledStep, queue: StepQueue, attempt: Int, dead: Bool, error: String
  ) {
    let record = FailureRecord(
      time: clock.now, workflow: run.workflow.name, step: step.definition.id, queue: queue.definition.name,
      attempt: attempt, dead: dead, error: error)
    failures.withLock { failures in
      failures.append(record)
      while failures.count > max(1, options.failureCapacity) { failures.removeFirst() }
    }
  }
}
