import Histogram

/// Summaries and series recomputed at most every `snapshotRefreshInterval`.
struct SnapshotCache: Sendable {
  struct Workflow: Sendable {
    var criticalPath = LatencySummary.empty
    var settle = LatencySummary.empty
    var series: [LatencyPoint] = []
    var stepDurations: [LatencySummary] = []
    var lastRun: RunTrace?
    var startedPerSecond = 0.0

    /// Step `i`'s duration summary, if one was made.
    func stepDuration(_ i: Int) -> LatencySummary? { i < stepDurations.count ? stepDurations[i] : nil }
  }

  struct Queue: Sendable {
    var wait = LatencySummary.empty
    var run = LatencySummary.empty
    var depthSeries: [Int] = []
    var rates = OutcomeRates.zero
  }

  var refreshedAt: ContinuousClock.Instant?
  var workflows: [Workflow] = []
  var queues: [Queue] = []
}

extension Runtime {
  /// The current state and metrics. Counters are live; percentiles, series and the last run's
  /// waterfall are at most `options.snapshotRefreshInterval` old.
  public func snapshot() -> RuntimeSnapshot { snapshot(fresh: false) }

  /// A snapshot; `fresh` recomputes the cached summaries first.
  public func snapshot(fresh: Bool) -> RuntimeSnapshot {
    refreshIfStale(force: fresh)
    let cached = cache.withLock { $0 }
    let now = nowNs
    let (mode, shuttingDown) = global.withLock { ($0.mode, $0.shuttingDown) }
    let workflowSnapshots = workflows.map { workflow -> WorkflowSnapshot in
      let control = workflow.control.withLock { ($0.state, $0.rate, $0.arrivals) }
      let c =
        workflow.index < cached.workflows.count ? cached.workflows[workflow.index] : SnapshotCache.Workflow()
      // The step snapshots are built under the lock straight from the counters: one array, and no
      // copy of the step metrics (a copy would share their histograms and make the next record copy
      // them).
      let m = workflow.metrics.withLock { metrics in
        (
          metrics.started, metrics.responded, metrics.failed, metrics.rejected, metrics.settled,
          metrics.inFlight,
          workflow.steps.map { step -> StepSnapshot in
            let i = step.index
            return StepSnapshot(
              id: step.definition.id, mode: step.definition.mode, queue: step.definition.queue,
              duration: c.stepDuration(i) ?? .empty,
              succeeded: metrics.steps[i].succeeded, failed: metrics.steps[i].failed,
              timedOut: metrics.steps[i].timedOut, retried: metrics.steps[i].retried,
              deadLettered: metrics.steps[i].deadLettered, rejected: metrics.steps[i].rejected,
              dropped: metrics.steps[i].dropped)
          }
        )
      }
      let steps = m.6
      return WorkflowSnapshot(
        name: workflow.name, description: workflow.summary, state: control.0, rate: control.1,
        arrivals: control.2, runsStarted: m.0, runsResponded: m.1, runsFailed: m.2, runsRejected: m.3,
        runsSettled: m.4, runsInFlight: m.5, criticalPath: c.criticalPath, settle: c.settle,
        criticalPathSeries: c.series, steps: steps, lastRun: c.lastRun, startedPerSecond: c.startedPerSecond)
    }
    let queueSnapshots = queues.map { queue -> QueueSnapshot in
      let c = queue.index < cached.queues.count ? cached.queues[queue.index] : SnapshotCache.Queue()
      return queue.core.withLock { core in
        QueueSnapshot(
          name: queue.definition.name, state: core.state, capacity: queue.definition.capacity,
          workers: queue.definition.workers, busyWorkers: core.running, whenFull: queue.definition.whenFull,
          queued: core.items.count, running: core.running, waitingRetry: core.waitingRetry,
          dead: core.deadLetters.count, accepted: core.accepted, succeeded: core.succeeded,
          retried: core.retried, failedAttempts: core.failedAttempts, deadLettered: core.deadLettered,
          rejected: core.rejected, dropped: core.dropped, cancelled: core.cancelled,
          blockedProducers: core.producers.count,
          oldestQueuedAge: core.items.first.map { .nanoseconds(max(0, now - $0.enqueuedNs)) },
          wait: c.wait, run: c.run, depthSeries: c.depthSeries, recent: c.rates)
      }
    }
    return RuntimeSnapshot(
      uptime: .nanoseconds(now), mode: mode, workflows: workflowSnapshots, queues: queueSnapshots,
      events: events.events(), recentFailures: Array(failures.withLock { $0 }),
      runsInFlight: inFlight.load(ordering: .relaxed), maxRunsInFlight: options.maxRunsInFlight,
      shuttingDown: shuttingDown)
  }

  /// Recomputes summaries if the cache is older than the refresh interval (or `force`).
  /// Histograms that changed are copied under their locks and summarised outside them, so workers
  /// never wait on percentile arithmetic; unchanged ones keep their summaries.
  func refreshIfStale(force: Bool) {
    let wallNow = ContinuousClock.now
    let stale = cache.withLock { cache -> Bool in
      if !force, let at = cache.refreshedAt, wallNow - at < options.snapshotRefreshInterval { return false }
      cache.refreshedAt = wallNow
      return true
    }
    guard stale else { return }
    let now = nowNs
    let second = second(now)
    let history = options.historySeconds
    let previous = cache.withLock { $0 }
    // These histograms only grow, so an unchanged count means an unchanged histogram: it is neither
    // copied (a copy makes the next record under the lock copy 26 KB) nor summarised again.
    func changed(_ histogram: Histogram<UInt64>, _ summary: LatencySummary?) -> Histogram<UInt64>? {
      Int(histogram.totalCount) == (summary?.count ?? 0) ? nil : histogram
    }
    func summary(_ copy: Histogram<UInt64>?, _ old: LatencySummary?) -> LatencySummary {
      copy.map(LatencyHistogram.summary) ?? old ?? .empty
    }
    let workflowCaches = workflows.map { workflow -> SnapshotCache.Workflow in
      let old = workflow.index < previous.workflows.count ? previous.workflows[workflow.index] : nil
      let copied = workflow.metrics.withLock { metrics in
        metrics.roll(to: second, history: history)
        return (
          changed(metrics.criticalPath, old?.criticalPath), changed(metrics.settle, old?.settle),
          Array(metrics.series),
          metrics.steps.indices.map { i in
            changed(
              metrics.steps[i].duration, old?.stepDuration(i))
          },
          metrics.lastRun, metrics.startedPerSecond
        )
      }
      return SnapshotCache.Workflow(
        criticalPath: summary(copied.0, old?.criticalPath), settle: summary(copied.1, old?.settle),
        series: copied.2,
        stepDurations: copied.3.indices.map { i in
          summary(copied.3[i], old?.stepDuration(i))
        },
        lastRun: copied.4?.trace(name: workflow.name), startedPerSecond: copied.5)
    }
    let queueCaches = queues.map { queue -> SnapshotCache.Queue in
      let old = queue.index < previous.queues.count ? previous.queues[queue.index] : nil
      let copied = queue.core.withLock { core in
        core.rollTally(to: second)
        if core.depthSecond < 0 { core.depthSecond = second - 1 }
        if second > core.depthSecond {
          for _ in 0..<min(second - core.depthSecond, history) { core.depthSeries.append(core.depth) }
          while core.depthSeries.count > history { core.depthSeries.removeFirst() }
          core.depthSecond = second
        }
        return (
          changed(core.wait, old?.wait), changed(core.run, old?.run), Array(core.depthSeries), core.rates
        )
      }
      return SnapshotCache.Queue(
        wait: summary(copied.0, old?.wait), run: summary(copied.1, old?.run),
        depthSeries: copied.2, rates: copied.3)
    }
    cache.withLock { cache in
      cache.workflows = workflowCaches
      cache.queues = queueCaches
    }
  }
}
