import Histogram

/// Microsecond histograms (1 µs to 1 hour) and their summaries.
///
/// Two significant digits (1% resolution) is plenty for what these show, and keeps each histogram
/// at 26 KB instead of 188 KB with three digits. That matters because the snapshot refresh copies
/// them under their locks and scans them: with three digits, and percentiles and the mean each
/// scanning the whole histogram, the refresh took most of the process's CPU (perf, issue #2).
enum LatencyHistogram {
  /// The largest value kept: one hour in microseconds; larger values are clamped.
  static let highest: UInt64 = 3_600_000_000

  /// The percentiles a summary reports, in the order of `LatencySummary`'s fields.
  static let percentiles: [Double] = [50, 95, 99, 99.9]

  /// An empty histogram.
  static func make() -> Histogram<UInt64> {
    Histogram<UInt64>(highestTrackableValue: highest, numberOfSignificantValueDigits: .two)
  }

  /// Records a duration given in nanoseconds.
  @inline(__always)
  static func record(_ histogram: inout Histogram<UInt64>, nanoseconds: Int64) {
    let micros = UInt64(max(0, nanoseconds) / 1000)
    _ = histogram.record(min(max(micros, 1), highest))
  }

  /// Records a duration given in nanoseconds in a histogram made on first use, so metrics that
  /// never record (a step that never ran, an idle queue) hold none.
  @inline(__always)
  static func record(_ histogram: inout Histogram<UInt64>?, nanoseconds: Int64) {
    if case .none = histogram { histogram = make() }
    record(&histogram!, nanoseconds: nanoseconds)
  }

  /// Percentiles, extremes and mean, from one pass over the recorded values.
  ///
  /// Each percentile is the same value `Histogram.valueAtPercentile` gives (the highest value
  /// equivalent to the bucket where the cumulative count first reaches the percentile's share,
  /// kept within the recorded minimum and maximum),
  /// and the mean uses each bucket's middle value, as `Histogram.mean` does.
  static func summary(_ histogram: Histogram<UInt64>) -> LatencySummary {
    let total = histogram.totalCount
    guard total > 0 else { return .empty }
    let thresholds = percentiles.map { percentile -> UInt64 in
      let share = (percentile.nextDown * Double(total)) / 100
      return Swift.max(1, UInt64(share.rounded(.up)))
    }
    var values = [UInt64](repeating: 0, count: thresholds.count)
    var next = 0
    var cumulative: UInt64 = 0
    var sum = 0.0
    for bucket in histogram.recordedValues() {
      cumulative += bucket.count
      let high = histogram.highestEquivalentForValue(bucket.value)
      let low = histogram.lowestEquivalentForValue(bucket.value)
      while next < thresholds.count, cumulative >= thresholds[next] {
        values[next] = Swift.max(Swift.min(high, histogram.maxRecorded), histogram.min)
        next += 1
      }
      sum += Double(low + (high - low) / 2) * Double(bucket.count)
    }
    func duration(_ micros: UInt64) -> Duration { .microseconds(Int64(micros)) }
    return LatencySummary(
      count: Int(total), p50: duration(values[0]), p95: duration(values[1]), p99: duration(values[2]),
      p999: duration(values[3]), max: duration(histogram.max),
      mean: .nanoseconds(Int64(sum / Double(total) * 1000)))
  }
}
