import Histogram

/// A latency distribution as the counts of its HdrHistogram buckets: a form that travels (as JSON,
/// in `GET /v1/snapshot?histograms=1`) and merges. The buckets of several runtimes (the nodes of a
/// cluster) merged with `merged(_:)` summarise exactly as one histogram holding all their values:
/// the same percentiles, maximum and mean, not an average of averages.
///
/// Every Lanes runtime records latencies the same way: microseconds, 2 significant digits (a bucket
/// spans at most 1% of its values), up to one hour (longer values are recorded as one hour). So the
/// buckets of any two runtimes line up; data with another configuration is refused when merged.
public struct LatencyBuckets: Sendable, Hashable, Codable {
  /// The unit of every value: `us` (microseconds).
  public var unit: String
  /// Significant decimal digits a bucket keeps (2: a bucket is at most 1% wide).
  public var significantDigits: Int
  /// The largest value recorded as itself, in microseconds (larger ones were recorded as it).
  public var highestTrackableValue: UInt64
  /// Values recorded.
  public var count: UInt64
  /// The smallest value recorded, exactly, in microseconds (0 when `count` is 0).
  public var min: UInt64
  /// The largest value recorded, exactly, in microseconds (0 when `count` is 0).
  public var max: UInt64
  /// The non-empty buckets, lowest first, each `[lowest, highest, count]`: `count` values from
  /// `lowest` to `highest` microseconds, both included.
  public var buckets: [[UInt64]]

  /// Buckets as another program sent them (`merged` and `summary` check them).
  public init(
    unit: String, significantDigits: Int, highestTrackableValue: UInt64, count: UInt64, min: UInt64,
    max: UInt64, buckets: [[UInt64]]
  ) {
    self.unit = unit
    self.significantDigits = significantDigits
    self.highestTrackableValue = highestTrackableValue
    self.count = count
    self.min = min
    self.max = max
    self.buckets = buckets
  }

  /// No values.
  public static let empty = LatencyBuckets(nil)

  /// The buckets of `histogram` (one of `LatencyHistogram`'s; nil: no values).
  init(_ histogram: Histogram<UInt64>?) {
    unit = "us"
    significantDigits = 2
    highestTrackableValue = LatencyHistogram.highest
    guard let histogram, histogram.totalCount > 0 else {
      (count, min, max, buckets) = (0, 0, 0, [])
      return
    }
    count = histogram.totalCount
    min = histogram.min
    max = histogram.maxRecorded
    buckets = histogram.recordedValues().map { bucket in
      [
        histogram.lowestEquivalentForValue(bucket.value), histogram.highestEquivalentForValue(bucket.value),
        bucket.count,
      ]
    }
  }

  /// The union of `parts`: every value of every part, as if recorded in one histogram.
  public static func merged(_ parts: [LatencyBuckets]) throws(LatencyBucketsError) -> LatencyBuckets {
    var union: Histogram<UInt64>?
    for part in parts where part.count > 0 {
      let histogram = try part.histogram()
      if union == nil { union = histogram } else { union!.add(histogram) }
    }
    return LatencyBuckets(union)
  }

  /// Percentiles, maximum and mean, computed as the runtime computes its own `LatencySummary`.
  public func summary() throws(LatencyBucketsError) -> LatencySummary {
    count == 0 ? .empty : LatencyHistogram.summary(try histogram())
  }

  /// The histogram these buckets came from: each bucket's count recorded in it, and the exact
  /// minimum and maximum as values of their buckets (percentiles are kept within them).
  func histogram() throws(LatencyBucketsError) -> Histogram<UInt64> {
    guard unit == "us", significantDigits == 2, highestTrackableValue == LatencyHistogram.highest else {
      throw LatencyBucketsError(
        "buckets in \(unit) to \(significantDigits) digits up to \(highestTrackableValue) cannot be merged "
          + "with Lanes' (us to 2 digits up to \(LatencyHistogram.highest)): both sides must run this Lanes")
    }
    var histogram = LatencyHistogram.make()
    var total: UInt64 = 0
    for bucket in buckets {
      guard bucket.count == 3, bucket[2] > 0, bucket[0] <= bucket[1], bucket[1] <= highestTrackableValue,
        histogram.lowestEquivalentForValue(bucket[0]) == bucket[0],
        histogram.highestEquivalentForValue(bucket[0]) == bucket[1]
      else {
        throw LatencyBucketsError(
          "\(bucket) is not a bucket [lowest, highest, count] of a Lanes histogram (2 digits, in us)")
      }
      let (low, high, n) = (bucket[0], bucket[1], bucket[2])
      var left = n
      let holdsMin = low <= min && min <= high
      if holdsMin {
        _ = histogram.record(min)
        left -= 1
      }
      if low <= max, max <= high, left > 0, max != min || !holdsMin {
        _ = histogram.record(max)
        left -= 1
      }
      if left > 0 { _ = histogram.record(holdsMin ? min : low, count: left) }
      let (sum, overflow) = total.addingReportingOverflow(n)
      guard !overflow else { throw LatencyBucketsError("the bucket counts overflow a 64-bit count") }
      total = sum
    }
    guard total == count, count == 0 || (histogram.min == min && histogram.maxRecorded == max) else {
      throw LatencyBucketsError(
        "the buckets hold \(total) values from \(histogram.min) to \(histogram.maxRecorded) us, but count, min "
          + "and max say \(count) from \(min) to \(max): the data was changed on its way")
    }
    return histogram
  }
}

/// Why buckets could not be read or merged.
public struct LatencyBucketsError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong, and the fix.
  public var description: String

  init(_ description: String) { self.description = description }
}

/// The histograms `GET /v1/snapshot?histograms=1` adds to the snapshot (under `histograms`): each
/// workflow's critical-path latency over every window, as buckets that merge across runtimes.
public struct SnapshotHistograms: Sendable, Hashable, Codable {
  /// Workflow name → window → critical-path latency (runs under a comparison left out).
  public var criticalPath: [String: [StatsWindow: LatencyBuckets]]

  /// Creates histograms.
  public init(criticalPath: [String: [StatsWindow: LatencyBuckets]]) {
    self.criticalPath = criticalPath
  }
}
