/// Percentiles of a latency distribution (from an HdrHistogram).
public struct LatencySummary: Sendable, Hashable, Codable {
  /// Values recorded.
  public var count: Int
  /// Percentiles and extremes; `.zero` when `count` is 0.
  public var p50: Duration
  /// The 95th percentile.
  public var p95: Duration
  /// The 99th percentile.
  public var p99: Duration
  /// The 99.9th percentile.
  public var p999: Duration
  /// The largest value.
  public var max: Duration
  /// The mean.
  public var mean: Duration

  /// Creates a summary.
  public init(
    count: Int, p50: Duration, p95: Duration, p99: Duration, p999: Duration, max: Duration,
    mean: Duration
  ) {
    self.count = count
    self.p50 = p50
    self.p95 = p95
    self.p99 = p99
    self.p999 = p999
    self.max = max
    self.mean = mean
  }

  /// No values.
  public static let empty = LatencySummary(
    count: 0, p50: .zero, p95: .zero, p99: .zero, p999: .zero, max: .zero, mean: .zero)
}

/// One second of critical-path latency for a workflow.
public struct LatencyPoint: Sendable, Hashable, Codable {
  /// Whole seconds since the runtime started (the second this point covers).
  public var second: Int
  /// Runs that responded in that second.
  public var count: Int
  /// Median critical-path latency of those runs (.zero when count is 0).
  public var p50: Duration
  /// 99th percentile of those runs.
  public var p99: Duration
  /// The mode most of those runs ran in.
  public var mode: ExecutionMode

  /// Creates a point.
  public init(second: Int, count: Int, p50: Duration, p99: Duration, mode: ExecutionMode) {
    self.second = second
    self.count = count
    self.p50 = p50
    self.p99 = p99
    self.mode = mode
  }
}
