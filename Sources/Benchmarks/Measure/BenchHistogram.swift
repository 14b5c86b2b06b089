import Histogram

/// Latencies in nanoseconds, recorded into an HdrHistogram (3 significant digits).
public struct BenchHistogram: Sendable {
  private var histogram = Histogram<UInt64>(
    highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)

  /// An empty histogram.
  public init() {}

  /// Records one latency; negative values count as zero, values above an hour are clamped.
  public mutating func record(nanoseconds: Int64) {
    let value = UInt64(Swift.max(1, Swift.min(nanoseconds, 3_600_000_000_000)))
    _ = histogram.record(value)
  }

  /// Adds every value of `other`.
  public mutating func add(_ other: BenchHistogram) { histogram.add(other.histogram) }

  /// Values recorded.
  public var count: Int { Int(histogram.totalCount) }

  /// The value at `percentile` (0...100), in nanoseconds; 0 when empty.
  public func percentile(_ percentile: Double) -> Double {
    count == 0 ? 0 : Double(histogram.valueAtPercentile(percentile))
  }

  /// The median, in nanoseconds.
  public var p50: Double { percentile(50) }
  /// The 99th percentile, in nanoseconds.
  public var p99: Double { percentile(99) }
  /// The 99.9th percentile, in nanoseconds.
  public var p999: Double { percentile(99.9) }
  /// The largest value, in nanoseconds.
  public var max: Double { count == 0 ? 0 : Double(histogram.max) }
  /// The mean, in nanoseconds.
  public var mean: Double { count == 0 ? 0 : histogram.mean }

  /// p50, p99, p99.9, max (ns) and the count, prefixed with `prefix` (e.g. `10x1ms `).
  public func figures(prefix: String = "") -> [BenchFigure] {
    [
      BenchFigure(prefix + "p50", p50, .nanoseconds),
      BenchFigure(prefix + "p99", p99, .nanoseconds),
      BenchFigure(prefix + "p99.9", p999, .nanoseconds),
      BenchFigure(prefix + "max", max, .nanoseconds),
      BenchFigure(prefix + "count", Double(count), .count),
    ]
  }
}
