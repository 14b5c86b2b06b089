import Histogram

extension LatencyBuckets {
  /// The buckets as short text, for a store row a node rewrites every second:
  /// `count min max;lowest*count,lowest*count,...`, each bucket's `lowest` as the step from the
  /// previous bucket's (the first from 0) and `*count` left out when it is 1, e.g.
  /// `3 425713 809570;423936,4096,378880`. The unit (us), the digits (2) and the highest value
  /// are Lanes' own (`init(compact:)` assumes them): every Lanes records the same way.
  public var compact: String {
    var out = "\(count) \(min) \(max);"
    var previous: UInt64 = 0
    for (index, bucket) in buckets.enumerated() where bucket.count == 3 {
      if index > 0 { out += "," }
      out += String(bucket[0] &- previous)
      if bucket[2] != 1 { out += "*\(bucket[2])" }
      previous = bucket[0]
    }
    return out
  }

  /// Reads `compact` back; throws naming what is wrong. The buckets are checked when merged or
  /// summarised, as any others are.
  public init(compact text: String) throws(LatencyBucketsError) {
    func bad(_ why: String) -> LatencyBucketsError {
      LatencyBucketsError(
        "'\(text.prefix(60))' is not compact latency buckets (count min max;buckets): \(why)")
    }
    let halves = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
    let head = halves[0].split(separator: " ").map { UInt64($0) }
    guard head.count == 3, let count = head[0], let low = head[1], let high = head[2] else {
      throw bad("it does not start with three whole numbers")
    }
    var buckets: [[UInt64]] = []
    if halves.count == 2, !halves[1].isEmpty {
      let histogram = LatencyHistogram.make()
      var lowest: UInt64 = 0
      for item in halves[1].split(separator: ",", omittingEmptySubsequences: false) {
        let parts = item.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count <= 2, let step = UInt64(parts[0]) else { throw bad("bucket '\(item)'") }
        var n: UInt64 = 1
        if parts.count == 2 {
          guard let given = UInt64(parts[1]) else { throw bad("bucket '\(item)'") }
          n = given
        }
        let (sum, overflow) = lowest.addingReportingOverflow(step)
        guard !overflow, sum <= LatencyHistogram.highest else {
          throw bad("bucket '\(item)' is out of range")
        }
        lowest = sum
        buckets.append([lowest, histogram.highestEquivalentForValue(lowest), n])
      }
    }
    self.init(
      unit: "us", significantDigits: 2, highestTrackableValue: LatencyHistogram.highest, count: count,
      min: low, max: high, buckets: buckets)
  }
}
