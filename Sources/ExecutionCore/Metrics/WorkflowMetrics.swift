import DequeModule
import Histogram

/// Counters and histograms of one step within its workflow.
struct StepMetrics: Sendable {
  /// Made with the first success: a workflow of many steps that never run holds no histograms.
  var duration: Histogram<UInt64>?
  var succeeded = 0
  var failed = 0
  var timedOut = 0
  var retried = 0
  var deadLettered = 0
  var rejected = 0
  var dropped = 0
}

/// Everything counted about one workflow; guarded by the workflow's metrics lock.
struct WorkflowMetrics: Sendable {
  var started = 0
  var responded = 0
  var failed = 0
  var rejected = 0
  var settled = 0
  var inFlight = 0
  var steps: [StepMetrics]
  /// The run with the highest id that has responded or failed, for the waterfall.
  var lastRun: RunState?

  /// Critical-path and settle latency, over sliding windows and since start (runs under a
  /// comparison left out). Histograms here are made on first use.
  var criticalPathWindows = WindowedLatency()
  var settleWindows = WindowedLatency()
  /// Runs started, responded, failed and rejected per second.
  var counts = RunCountRing()
  /// Runs started under a comparison.
  var comparisonRuns = 0
  /// Why runs failed (failing step and error kind), for `lanes run`'s report.
  var failureCauses = FailureCauses()

  // Per-second critical-path series: the open second, and closed seconds.
  var second = 0
  var secondHybrid = 0
  var secondAllSync = 0
  var series = Deque<LatencyPoint>()

  init(stepCount: Int) { steps = Array(repeating: StepMetrics(), count: stepCount) }

  /// Records a successful attempt of step `i`.
  mutating func recordSuccess(step i: Int, nanoseconds: Int64) {
    steps[i].succeeded += 1
    LatencyHistogram.record(&steps[i].duration, nanoseconds: nanoseconds)
  }

  /// Closes every second before `now` into the series (gaps become empty points). Called as runs
  /// start and respond, so the series does not depend on when snapshots are read.
  mutating func roll(to now: Int, history: Int) {
    guard now > second else { return }
    series.append(contentsOf: pendingPoints(upTo: now, history: history))
    while series.count > history { series.removeFirst() }
    secondHybrid = 0
    secondAllSync = 0
    second = now
  }

  /// The series as of `now`, without changing anything: the seconds ended since the last roll are
  /// added to a copy.
  func series(at now: Int, history: Int) -> [LatencyPoint] {
    guard now > second else { return Array(series) }
    return Array((series + pendingPoints(upTo: now, history: history)).suffix(history))
  }

  /// The open second's point, then empty points for the seconds after it before `now`.
  private func pendingPoints(upTo now: Int, history: Int) -> [LatencyPoint] {
    let histogram = criticalPathWindows.second(second)
    let count = Int(histogram?.totalCount ?? 0)
    func percentile(_ p: Double) -> Duration {
      guard let histogram, count > 0 else { return .zero }
      return .microseconds(Int64(histogram.valueAtPercentile(p)))
    }
    let mode: ExecutionMode = secondAllSync > secondHybrid ? .allSync : .hybrid
    var points = [
      LatencyPoint(second: second, count: count, p50: percentile(50), p99: percentile(99), mode: mode)
    ]
    let gap = min(now - second - 1, history)
    if gap > 0 {
      for s in (now - gap)..<now {
        points.append(LatencyPoint(second: s, count: 0, p50: .zero, p99: .zero, mode: mode))
      }
    }
    return points
  }
}
