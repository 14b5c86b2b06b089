import Histogram

/// Latencies over sliding windows, bounded in memory: one histogram per second for the last 10
/// seconds, and one per 10 seconds for the last 5 minutes.
///
/// Recording costs two histogram records. A slot's histogram is made when its first value comes
/// (an idle workflow or queue holds none) and reset in place when its slot comes round again, so
/// at most 40 histograms of 26 KB each exist per metric. Reading a window copies its slots (no
/// arithmetic under the owner's lock); the merge and the percentiles happen in the snapshot
/// refresh, outside it (`WindowedLatency.summary`).
struct WindowedLatency: Sendable {
  static let fineCount = 10
  static let coarseCount = 30
  static let coarseSeconds = 10

  // Parallel arrays (period, histogram) rather than an array of slot structs: a record then
  // mutates the histogram in place, with no copy of the slot (a retain and release per record).
  /// Per fine slot: the second its histogram holds (-1: none yet).
  var finePeriods = [Int](repeating: -1, count: fineCount)
  var fine = [Histogram<UInt64>?](repeating: nil, count: fineCount)
  /// Per coarse slot: the 10-second interval its histogram holds (-1: none yet).
  var coarsePeriods = [Int](repeating: -1, count: coarseCount)
  var coarse = [Histogram<UInt64>?](repeating: nil, count: coarseCount)

  /// Records a value that came at `second` (whole seconds since start).
  @inline(__always)
  mutating func record(nanoseconds: Int64, second: Int) {
    let f = second % Self.fineCount
    // A value computed just before its period ended but recorded after the slot moved on lands in
    // the newer period rather than wiping it.
    if second > finePeriods[f] {
      finePeriods[f] = second
      fine[f]?.reset()
    }
    LatencyHistogram.record(&fine[f], nanoseconds: nanoseconds)
    let interval = second / Self.coarseSeconds
    let c = interval % Self.coarseCount
    if interval > coarsePeriods[c] {
      coarsePeriods[c] = interval
      coarse[c]?.reset()
    }
    LatencyHistogram.record(&coarse[c], nanoseconds: nanoseconds)
  }

  /// The fine slot for `second`, if it holds that second.
  func second(_ second: Int) -> Histogram<UInt64>? {
    let f = second % Self.fineCount
    return finePeriods[f] == second ? fine[f] : nil
  }

  /// The histograms of the slots `window` covers at `second`, and the time they cover (from the
  /// start of the oldest slot to `nowNs`). Nil for `sinceStart`, which is kept elsewhere.
  func slots(_ window: StatsWindow, second: Int, nowNs: Int64) -> WindowSlots? {
    let interval = second / Self.coarseSeconds
    switch window {
    case .last10s:
      return Self.slots(fine, finePeriods, count: Self.fineCount, seconds: 1, current: second, nowNs: nowNs)
    case .last1m:
      return Self.slots(
        coarse, coarsePeriods, count: 6, seconds: Self.coarseSeconds, current: interval, nowNs: nowNs)
    case .last5m:
      return Self.slots(
        coarse, coarsePeriods, count: Self.coarseCount, seconds: Self.coarseSeconds, current: interval,
        nowNs: nowNs)
    case .sinceStart:
      return nil
    }
  }

  private static func slots(
    _ histograms: [Histogram<UInt64>?], _ periods: [Int], count: Int, seconds: Int, current: Int, nowNs: Int64
  ) -> WindowSlots {
    let oldest = max(0, current - count + 1)
    let covered = periods.indices.compactMap { i in
      periods[i] >= oldest && periods[i] <= current ? histograms[i] : nil
    }
    let startNs = Int64(oldest * seconds) * 1_000_000_000
    return WindowSlots(histograms: covered, coveredNs: max(0, nowNs - startNs))
  }
}

/// The slots of one window, copied under their owner's lock and merged outside it.
struct WindowSlots: Sendable {
  var histograms: [Histogram<UInt64>]
  var coveredNs: Int64

  /// The merged percentiles.
  var summary: LatencySummary {
    guard var merged = histograms.first else { return .empty }
    for other in histograms.dropFirst() { merged.add(other) }
    return LatencyHistogram.summary(merged)
  }

  var covered: Duration { .nanoseconds(coveredNs) }
}

/// Run counts of one second.
struct RunCounts: Sendable {
  var second = -1
  var started = 0
  var responded = 0
  var failed = 0
  var rejected = 0
}

/// Run counts per second for the last 5 minutes (a ring of 301 seconds: the current one and the
/// 300 ended ones before it), for rates over any window.
struct RunCountRing: Sendable {
  static let size = 301
  var slots = [RunCounts](repeating: RunCounts(), count: size)

  /// The slot for `second`, cleared if it held an older second.
  mutating func at(_ second: Int) -> Int {
    let i = second % Self.size
    if slots[i].second < second { slots[i] = RunCounts(second: second) }
    return i
  }

  mutating func started(_ second: Int) { slots[at(second)].started += 1 }
  mutating func responded(_ second: Int) { slots[at(second)].responded += 1 }
  mutating func failed(_ second: Int) { slots[at(second)].failed += 1 }
  mutating func rejected(_ second: Int) { slots[at(second)].rejected += 1 }

  /// Per-second rates over the `seconds` ended seconds before `second` (fewer near the start;
  /// zero when none has ended yet).
  func rates(endedBefore second: Int, seconds: Int) -> RunRates {
    let span = min(seconds, second, Self.size - 1)
    guard span > 0 else { return RunRates() }
    var total = RunCounts()
    for s in (second - span)..<second {
      let slot = slots[s % Self.size]
      guard slot.second == s else { continue }
      total.started += slot.started
      total.responded += slot.responded
      total.failed += slot.failed
      total.rejected += slot.rejected
    }
    let n = Double(span)
    return RunRates(
      started: Double(total.started) / n, responded: Double(total.responded) / n,
      failed: Double(total.failed) / n, rejected: Double(total.rejected) / n)
  }
}

/// Runs per second.
struct RunRates: Sendable {
  var started = 0.0
  var responded = 0.0
  var failed = 0.0
  var rejected = 0.0
}
