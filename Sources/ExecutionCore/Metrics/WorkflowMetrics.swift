import DequeModule
import Histogram

/// Counters and histograms of one step within its workflow.
struct StepMetrics: Sendable {
  var duration = LatencyHistogram.make()
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
  var criticalPath = LatencyHistogram.make()
  var settle = LatencyHistogram.make()
  var steps: [StepMetrics]
  /// The run with the highest id that has responded or failed, for the waterfall.
  var lastRun: RunState?

  // Per-second critical-path series: the open second, and closed seconds.
  var second = 0
  var secondHistogram = LatencyHistogram.make()
  var secondHybrid = 0
  var secondAllSync = 0
  var series = Deque<LatencyPoint>()
  // Runs started per second: the open second's count, and the last few closed seconds.
  var startedThisSecond = 0
  var startedRecent = Deque<Int>()

  init(stepCount: Int) { steps = Array(repeating: StepMetrics(), count: stepCount) }

  /// Closes every second before `now` into the series (gaps become empty points).
  mutating func roll(to now: Int, history: Int) {
    guard now > second else { return }
    let count = Int(secondHistogram.totalCount)
    series.append(
      LatencyPoint(
        second: second, count: count,
        p50: count > 0 ? .microseconds(Int64(secondHistogram.valueAtPercentile(50))) : .zero,
        p99: count > 0 ? .microseconds(Int64(secondHistogram.valueAtPercentile(99))) : .zero,
        mode: secondAllSync > secondHybrid ? .allSync : .hybrid))
    startedRecent.append(startedThisSecond)
    let lastMode = series.last?.mode ?? .hybrid
    let gap = min(now - second - 1, history)
    if gap > 0 {
      for s in (now - gap)..<now {
        series.append(LatencyPoint(second: s, count: 0, p50: .zero, p99: .zero, mode: lastMode))
        startedRecent.append(0)
      }
    }
    while series.count > history { series.removeFirst() }
    while startedRecent.count > 5 { startedRecent.removeFirst() }
    if count > 0 { secondHistogram.reset() }
    secondHybrid = 0
    secondAllSync = 0
    startedThisSecond = 0
    second = now
  }

  /// Runs started per second over the last closed seconds.
  var startedPerSecond: Double {
    guard !startedRecent.isEmpty else { return Double(startedThisSecond) }
    let window = startedRecent.suffix(3)
    return Double(window.reduce(0, +)) / Double(window.count)
  }
}
