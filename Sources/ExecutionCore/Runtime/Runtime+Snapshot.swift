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
    var respondedPerSecond = 0.0
    var windows: [StatsWindow: WindowFigures] = [:]

    /// Step `i`'s duration summary, if one was made.
    func stepDuration(_ i: Int) -> LatencySummary? { i < stepDurations.count ? stepDurations[i] : nil }
  }

  struct Queue: Sendable {
    var wait = LatencySummary.empty
    var run = LatencySummary.empty
    var depthSeries: [Int] = []
    var rates = OutcomeRates.zero
    var windows: [StatsWindow: QueueWindowFigures] = [:]
  }

  var refreshedAt: ContinuousClock.Instant?
  /// The runtime second the sliding windows' percentiles were computed in (-1: never).
  var windowsSecond = -1
  var workflows: [Workflow] = []
  var queues: [Queue] = []
}

/// What the refresh copies out of a workflow's metrics under its lock, to summarise outside it.
/// A histogram is nil when it has not changed since the last refresh (its summary is kept).
private struct WorkflowCopy {
  var series: [LatencyPoint]
  var stepDurations: [Histogram<UInt64>?]
  var lastRun: RunState?
  var recent: RunRates
  var windowRates: [StatsWindow: RunRates]
  var criticalPathSlots: [StatsWindow: WindowSlots]
  var settleSlots: [StatsWindow: WindowSlots]
  var totals: RunCounts
}

/// A workflow's live counters, read under its metrics lock for a snapshot.
private struct WorkflowCounters {
  var started: Int
  var responded: Int
  var failed: Int
  var rejected: Int
  var settled: Int
  var inFlight: Int
  var comparisonRuns: Int
  var steps: [StepSnapshot]
  var failureCauses: [FailureCause]
}

/// A workflow's control state, read under its control lock for a snapshot.
private struct WorkflowControlState {
  var state: WorkflowState
  var rate: Double
  var arrivals: ArrivalProcess
  var modeOverride: ExecutionMode?
  var comparison: Bool
}

extension Runtime {

  /// The current state and metrics. Counters are live; percentiles, series and the last run's
  /// waterfall are at most `options.snapshotRefreshInterval` old.
  public func snapshot() -> RuntimeSnapshot { snapshot(fresh: false) }

  /// A snapshot; `fresh` recomputes the cached summaries first.
  public func snapshot(fresh: Bool) -> RuntimeSnapshot {
    refreshIfStale(force: fresh, exact: fresh)
    let cached = cache.withLock { $0 }
    let now = nowNs
    let (mode, shuttingDown) = global.withLock { ($0.mode, $0.shuttingDown) }
    let workflowSnapshots = workflows.map { workflow -> WorkflowSnapshot in
      let control = workflow.control.withLock {
        WorkflowControlState(
          state: $0.state, rate: $0.rate, arrivals: $0.arrivals, modeOverride: $0.modeOverride,
          comparison: $0.comparison)
      }
      let c =
        workflow.index < cached.workflows.count ? cached.workflows[workflow.index] : SnapshotCache.Workflow()
      // The step snapshots are built under the lock straight from the counters: one array, and no
      // copy of the step metrics (a copy would share their histograms and make the next record copy
      // them).
      let m = workflow.metrics.withLock { metrics in
        WorkflowCounters(
          started: metrics.started, responded: metrics.responded, failed: metrics.failed,
          rejected: metrics.rejected, settled: metrics.settled, inFlight: metrics.inFlight,
          comparisonRuns: metrics.comparisonRuns,
          steps: workflow.steps.map { step -> StepSnapshot in
            let i = step.index
            return StepSnapshot(
              id: step.definition.id, mode: step.definition.mode, queue: step.definition.queue,
              duration: c.stepDuration(i) ?? .empty,
              succeeded: metrics.steps[i].succeeded, failed: metrics.steps[i].failed,
              timedOut: metrics.steps[i].timedOut, retried: metrics.steps[i].retried,
              deadLettered: metrics.steps[i].deadLettered, rejected: metrics.steps[i].rejected,
              dropped: metrics.steps[i].dropped)
          },
          failureCauses: metrics.failureCauses.isEmpty
            ? [] : metrics.failureCauses.causes { workflow.steps[$0].definition.id })
      }
      return WorkflowSnapshot(
        name: workflow.name, description: workflow.summary, state: control.state, rate: control.rate,
        arrivals: control.arrivals, runsStarted: m.started, runsResponded: m.responded, runsFailed: m.failed,
        runsRejected: m.rejected, runsSettled: m.settled, runsInFlight: m.inFlight,
        criticalPath: c.criticalPath, settle: c.settle, criticalPathSeries: c.series, steps: m.steps,
        lastRun: c.lastRun, startedPerSecond: c.startedPerSecond, respondedPerSecond: c.respondedPerSecond,
        windows: c.windows, modeOverride: control.modeOverride, underComparison: control.comparison,
        comparisonRuns: m.comparisonRuns, failureCauses: m.failureCauses)
    }
    let queueSnapshots = queues.map { queue -> QueueSnapshot in
      let c = queue.index < cached.queues.count ? cached.queues[queue.index] : SnapshotCache.Queue()
      return queue.snapshot(nowNs: now, cached: c)
    }
    return RuntimeSnapshot(
      uptime: .nanoseconds(now), mode: mode, workflows: workflowSnapshots, queues: queueSnapshots,
      events: events.events(), recentFailures: Array(failures.withLock { $0 }),
      runsInFlight: inFlight.load(ordering: .relaxed), maxRunsInFlight: options.maxRunsInFlight,
      shuttingDown: shuttingDown, startedAt: startedAt, cluster: clusterLink.withLock { $0.view })
  }

  /// Recomputes summaries if the cache is older than the refresh interval (or `force`).
  /// Histograms that changed are copied under their locks and summarised outside them, so workers
  /// never wait on percentile arithmetic; unchanged ones keep their summaries. It only reads the
  /// metrics (series, depth samples and tallies are closed as runs and steps change them), so
  /// what a snapshot shows does not depend on when snapshots are taken.
  ///
  /// The sliding windows' percentiles (merging up to 31 histograms each) are recomputed once per
  /// runtime second, or on every `exact` refresh (`snapshot(fresh: true)`); their rates and the
  /// since-start figures on every refresh.
  func refreshIfStale(force: Bool, exact: Bool = false) {
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
    let windows = StatsWindow.allCases.filter { $0 != .sinceStart }
    let recompute = exact || second != previous.windowsSecond
    /// The windows whose histograms are copied this time.
    let copiedWindows = recompute ? StatsWindow.allCases : [.sinceStart]
    // Since-start figures only grow, so an unchanged count means an unchanged distribution: it is
    // not summarised again. A step's duration histogram that did not change is not even copied
    // (a copy makes the next record under the lock copy 26 KB).
    func summary(_ slots: WindowSlots, _ old: LatencySummary?) -> LatencySummary {
      if let old, old.count == slots.count { return old }
      return slots.summary
    }
    // A window holding as many values as there are since start holds them all: the same
    // percentiles, without merging its slots and scanning them again (every window, at first).
    func summary(_ slots: WindowSlots?, sinceStart: LatencySummary) -> LatencySummary {
      guard let slots else { return .empty }
      return slots.count == sinceStart.count ? sinceStart : slots.summary
    }
    // These histograms only grow, so an unchanged count means an unchanged histogram: it is neither
    // copied (a copy makes the next record under the lock copy 26 KB) nor summarised again.
    func changed(_ histogram: Histogram<UInt64>?, _ summary: LatencySummary?) -> Histogram<UInt64>? {
      guard let histogram, Int(histogram.totalCount) != (summary?.count ?? 0) else { return nil }
      return histogram
    }
    let workflowCaches = workflows.map { workflow -> SnapshotCache.Workflow in
      let old = workflow.index < previous.workflows.count ? previous.workflows[workflow.index] : nil
      let copied = workflow.metrics.withLock { metrics in
        var windowRates: [StatsWindow: RunRates] = [:]
        var criticalPathSlots: [StatsWindow: WindowSlots] = [:]
        var settleSlots: [StatsWindow: WindowSlots] = [:]
        for window in windows {
          let seconds = Int(window.length!.components.seconds)
          windowRates[window] = metrics.counts.rates(endedBefore: second, seconds: seconds)
        }
        for window in copiedWindows {
          criticalPathSlots[window] = metrics.criticalPathWindows.slots(window, second: second, nowNs: now)
          settleSlots[window] = metrics.settleWindows.slots(window, second: second, nowNs: now)
        }
        return WorkflowCopy(
          series: metrics.series(at: second, history: history),
          stepDurations: metrics.steps.indices.map {
            changed(metrics.steps[$0].duration, old?.stepDuration($0))
          },
          lastRun: metrics.lastRun,
          recent: metrics.counts.rates(endedBefore: second, seconds: StatsWindow.rateSeconds),
          windowRates: windowRates, criticalPathSlots: criticalPathSlots, settleSlots: settleSlots,
          totals: RunCounts(
            started: metrics.started, responded: metrics.responded, failed: metrics.failed,
            rejected: metrics.rejected))
      }
      let totals = copied.totals
      let none = WindowSlots(histograms: [], coveredNs: 0)
      let criticalPath = summary(copied.criticalPathSlots[.sinceStart] ?? none, old?.criticalPath)
      let settle = summary(copied.settleSlots[.sinceStart] ?? none, old?.settle)
      var figures: [StatsWindow: WindowFigures] = [:]
      for window in windows {
        let rates = copied.windowRates[window] ?? RunRates()
        var figure = old?.windows[window] ?? .empty(window)
        if let cp = copied.criticalPathSlots[window] {
          figure.covered = cp.covered
          figure.criticalPath = summary(cp, sinceStart: criticalPath)
          figure.settle = summary(copied.settleSlots[window], sinceStart: settle)
        }
        figure.startedPerSecond = rates.started
        figure.respondedPerSecond = rates.responded
        figure.failedPerSecond = rates.failed
        figure.rejectedPerSecond = rates.rejected
        figures[window] = figure
      }
      let uptime = Double(now) / 1e9
      func perSecond(_ count: Int) -> Double { uptime > 0 ? Double(count) / uptime : 0 }
      figures[.sinceStart] = WindowFigures(
        window: .sinceStart, covered: .nanoseconds(now), criticalPath: criticalPath, settle: settle,
        startedPerSecond: perSecond(totals.started), respondedPerSecond: perSecond(totals.responded),
        failedPerSecond: perSecond(totals.failed), rejectedPerSecond: perSecond(totals.rejected))
      return SnapshotCache.Workflow(
        criticalPath: criticalPath, settle: settle, series: copied.series,
        stepDurations: copied.stepDurations.indices.map {
          copied.stepDurations[$0].map(LatencyHistogram.summary) ?? old?.stepDuration($0) ?? .empty
        },
        lastRun: copied.lastRun?.trace(name: workflow.name), startedPerSecond: copied.recent.started,
        respondedPerSecond: copied.recent.responded, windows: figures)
    }
    let queueCaches = queues.map { queue -> SnapshotCache.Queue in
      let old = queue.index < previous.queues.count ? previous.queues[queue.index] : nil
      let copied = queue.sample(second: second, nowNs: now, windows: copiedWindows)
      var figures: [StatsWindow: QueueWindowFigures] = [:]
      let none = WindowSlots(histograms: [], coveredNs: 0)
      let wait = summary(copied.waitSlots[.sinceStart] ?? none, old?.wait)
      let run = summary(copied.runSlots[.sinceStart] ?? none, old?.run)
      for window in windows {
        if let slots = copied.waitSlots[window] {
          figures[window] = QueueWindowFigures(
            window: window, covered: slots.covered, wait: summary(slots, sinceStart: wait),
            run: summary(copied.runSlots[window], sinceStart: run))
        } else {
          figures[window] = old?.windows[window] ?? .empty(window)
        }
      }
      figures[.sinceStart] = QueueWindowFigures(
        window: .sinceStart, covered: .nanoseconds(now), wait: wait, run: run)
      return SnapshotCache.Queue(
        wait: wait, run: run, depthSeries: copied.depthSeries, rates: copied.rates, windows: figures)
    }
    cache.withLock { cache in
      if recompute { cache.windowsSecond = second }
      cache.workflows = workflowCaches
      cache.queues = queueCaches
    }
  }
}
