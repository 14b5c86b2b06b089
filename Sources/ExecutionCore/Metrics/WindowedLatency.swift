import Histogram

/// Latencies over sliding windows and since start, bounded in memory: one histogram per second
/// for the last 10 seconds, one per 10 seconds for the last 5 minutes, and one for everything.
///
/// A value is recorded once, in the current second's histogram (the same cost as one cumulative
/// histogram); when a later second begins, the ended one is folded (added, a vectorised sum) into
/// its 10-second slot and into the total. So at most 41 histograms of 26 KB each exist per metric,
/// each made when its first value comes (an idle workflow or queue holds none). Reading a window
/// copies its slots (no arithmetic under the owner's lock); the merge and the percentiles happen in
/// the snapshot refresh, outside it (`WindowSlots.summary`).
struct WindowedLatency: Sendable {
  static let fineCount = 10
  static let coarseCount = 30
  static let coarseSeconds = 10

  // Parallel arrays (period, histogram) rather than an array of slot structs: a record then
  // mutates the histogram in place, with no copy of the slot (a retain and release per record,
  // inside the owner's lock).
  /// Per fine slot: the second its histogram holds (-1: none yet).
  var finePeriods = [Int](repeating: -1, count: fineCount)
  var fine = [Histogram<UInt64>?](repeating: nil, count: fineCount)
  /// Per coarse slot: the 10-second interval its histogram holds (-1: none yet).
  var coarsePeriods = [Int](repeating: -1, count: coarseCount)
  var coarse = [Histogram<UInt64>?](repeating: nil, count: coarseCount)
  /// Every second folded so far (all but the open one).
  var folded: Histogram<UInt64>?
  /// The second values are recorded in now, not yet folded (-1: none yet).
  var openSecond = -1

  /// Records a value that came at `second` (whole seconds since start). A value computed just
  /// before its second ended but recorded after a later one began joins the later one.
  @inline(__always)
  mutating func record(nanoseconds: Int64, second: Int) {
    if second > openSecond { open(second) }
    LatencyHistogram.record(&fine[openSecond % Self.fineCount], nanoseconds: nanoseconds)
  }

  /// Folds the open second into its 10-second slot and the total, and opens `second`.
  @inline(never)
  private mutating func open(_ second: Int) {
    if openSecond >= 0, let ended = fine[openSecond % Self.fineCount] {
      let interval = openSecond / Self.coarseSeconds
      let c = interval % Self.coarseCount
      if interval > coarsePeriods[c] || coarse[c] == nil {
        // Shares the ended second's storage until either changes (no copy now).
        coarsePeriods[c] = interval
        coarse[c] = ended
      } else {
        coarse[c]!.add(ended)
      }
      if folded == nil { folded = ended } else { folded!.add(ended) }
    }
    let f = second % Self.fineCount
    finePeriods[f] = second
    // Dropped rather than reset (a reset walks every bucket); the next record makes a new one.
    fine[f] = nil
    openSecond = second
  }

  /// The fine slot for `second`, if it holds that second.
  func second(_ second: Int) -> Histogram<UInt64>? {
    let f = second % Self.fineCount
    return finePeriods[f] == second ? fine[f] : nil
  }

  /// The histograms `window` covers at `second`, and the time they cover (from the start of the
  /// oldest slot, or the start, to `nowNs`).
  func slots(_ window: StatsWindow, second: Int, nowNs: Int64) -> WindowSlots {
    let interval = second / Self.coarseSeconds
    switch window {
    case .last10s:
      return slots(fine, finePeriods, count: Self.fineCount, seconds: 1, current: second, nowNs: nowNs)
    case .last1m:
      return slots(
        coarse, coarsePeriods, count: 6, seconds: Self.coarseSeconds, current: interval, nowNs: nowNs)
    case .last5m:
      return slots(
        coarse, coarsePeriods, count: Self.coarseCount, seconds: Self.coarseSeconds, current: interval,
        nowNs: nowNs)
    case .sinceStart:
      return WindowSlots(histograms: [folded, open].compactMap { $0 }, coveredNs: max(0, nowNs))
    }
  }

  /// The open second's histogram (not yet in `coarse` or `folded`).
  private var open: Histogram<UInt64>? {
    openSecond >= 0 ? fine[openSecond % Self.fineCount] : nil
  }

  private func slots(
    _ histograms: [Histogram<UInt64>?], _ periods: [Int], count: Int, seconds: Int, current: Int, nowNs: Int64
  ) -> WindowSlots {
    let oldest = max(0, current - count + 1)
    var covered = periods.indices.compactMap { i in
      periods[i] >= oldest && periods[i] <= current ? histograms[i] : nil
    }
    // The coarse slots lack the open second: add it when it falls in the window.
    let openPeriod = openSecond / seconds
    if seconds > 1, openSecond >= 0, openPeriod >= oldest, openPeriod <= current, let open {
      covered.append(open)
    }
    let startNs = Int64(oldest * seconds) * 1_000_000_000
    return WindowSlots(histograms: covered, coveredNs: max(0, nowNs - startNs))
  }
}

/// The slots of one window, copied under their owner's lock and merged outside it.
struct WindowSlots: Sendable {
  var histograms: [Histogram<UInt64>]
  var coveredNs: Int64

  /// Values recorded in the window.
  var count: Int { histograms.reduce(0) { $0 + Int($1.totalCount) } }

  /// The merged percentiles.
  var summary: LatencySummary {
    let recorded = histograms.filter { $0.totalCount > 0 }
    guard var merged = recorded.first else { return .empty }
    for other in recorded.dropFirst() { merged.add(other) }
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
