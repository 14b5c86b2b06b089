#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The time source of a runtime: real time in production, a manual clock in tests.
///
/// Times are offsets from the clock's own origin, so they fit in a few words and compare cheaply.
public protocol LanesClock: Sendable {
  /// Time since the clock's origin.
  var now: Duration { get }
  /// `now` in whole nanoseconds. Read several times per step, so real clocks make it cheap.
  var nowNanoseconds: Int64 { get }
  /// Suspends until `deadline` (an offset from the origin); throws `CancellationError` if cancelled.
  func sleep(until deadline: Duration) async throws
  /// True when time passes by itself (CPU-burn steps only burn CPU on such a clock).
  var isRealTime: Bool { get }
}

extension LanesClock {
  /// `now` converted; real clocks read it directly.
  public var nowNanoseconds: Int64 { Int64(now.nanoseconds) }
}

/// Real time, from a `ContinuousClock` reading taken at creation.
///
/// Readings come straight from `CLOCK_BOOTTIME`, the clock `ContinuousClock` reads on Linux (its
/// `now` and the arithmetic on its instants cost several times more, and the runtime reads the
/// time several times per step), so sleeps until `origin + deadline` match them.
public struct SystemClock: LanesClock {
  private let origin: ContinuousClock.Instant
  private let originNs: Int64

  /// Creates a clock whose origin is now.
  public init() {
    origin = ContinuousClock.now
    #if os(Linux)
      originNs = Self.bootTimeNs()
    #else
      originNs = 0
    #endif
  }

  /// Time since creation.
  public var now: Duration { .nanoseconds(nowNanoseconds) }

  /// Time since creation in nanoseconds: on Linux one `clock_gettime` (vDSO, no system call).
  public var nowNanoseconds: Int64 {
    #if os(Linux)
      return Self.bootTimeNs() - originNs
    #else
      return Int64((ContinuousClock.now - origin).nanoseconds)
    #endif
  }

  #if os(Linux)
    private static func bootTimeNs() -> Int64 {
      var spec = timespec()
      clock_gettime(CLOCK_BOOTTIME, &spec)
      return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
  #endif

  /// Always true.
  public var isRealTime: Bool { true }

  /// Sleeps until the deadline with zero tolerance, so chained deadlines do not drift.
  public func sleep(until deadline: Duration) async throws {
    try await Task.sleep(until: origin + deadline, tolerance: .zero, clock: .continuous)
  }
}
