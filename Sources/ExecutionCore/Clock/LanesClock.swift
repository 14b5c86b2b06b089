/// The time source of a runtime: real time in production, a manual clock in tests.
///
/// Times are offsets from the clock's own origin, so they fit in a few words and compare cheaply.
public protocol LanesClock: Sendable {
  /// Time since the clock's origin.
  var now: Duration { get }
  /// Suspends until `deadline` (an offset from the origin); throws `CancellationError` if cancelled.
  func sleep(until deadline: Duration) async throws
  /// True when time passes by itself (CPU-burn steps only burn CPU on such a clock).
  var isRealTime: Bool { get }
}

/// Real time, from a `ContinuousClock` reading taken at creation.
public struct SystemClock: LanesClock {
  private let origin: ContinuousClock.Instant

  /// Creates a clock whose origin is now.
  public init() { origin = ContinuousClock.now }

  /// Time since creation.
  public var now: Duration { ContinuousClock.now - origin }

  /// Always true.
  public var isRealTime: Bool { true }

  /// Sleeps until the deadline with zero tolerance, so chained deadlines do not drift.
  public func sleep(until deadline: Duration) async throws {
    try await Task.sleep(until: origin + deadline, tolerance: .zero, clock: .continuous)
  }
}
