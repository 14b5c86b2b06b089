import Histogram

/// Microsecond histograms (1 µs to 1 hour, three significant digits) and their summaries.
enum LatencyHistogram {
  /// The largest value kept: one hour in microseconds; larger values are clamped.
  static let highest: UInt64 = 3_600_000_000

  /// An empty histogram.
  static func make() -> Histogram<UInt64> {
    Histogram<UInt64>(highestTrackableValue: highest, numberOfSignificantValueDigits: .three)
  }

  /// Records a duration given in nanoseconds.
  static func record(_ histogram: inout Histogram<UInt64>, nanoseconds: Int64) {
    let micros = UInt64(max(0, nanoseconds) / 1000)
    _ = histogram.record(min(max(micros, 1), highest))
  }

  /// Percentiles, extremes and mean.
  static func summary(_ histogram: Histogram<UInt64>) -> LatencySummary {
    guard histogram.totalCount > 0 else { return .empty }
    func duration(_ micros: UInt64) -> Duration { .microseconds(Int64(micros)) }
    return LatencySummary(
      count: Int(histogram.totalCount), p50: duration(histogram.valueAtPercentile(50)),
      p95: duration(histogram.valueAtPercentile(95)), p99: duration(histogram.valueAtPercentile(99)),
      p999: duration(histogram.valueAtPercentile(99.9)), max: duration(histogram.max),
      mean: .nanoseconds(Int64(histogram.mean * 1000)))
  }
}
