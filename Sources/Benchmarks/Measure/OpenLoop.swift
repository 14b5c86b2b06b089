import ExecutionCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An open-loop load generator: arrivals at fixed or Poisson intervals, each started at its
/// intended time whatever happened to earlier ones.
///
/// Latency must be measured from `Arrival.intended`, not from when the body actually began, so a
/// late generator or a saturated pool shows up as latency (coordinated omission, as wrk2 does it).
public enum OpenLoop {
  /// One arrival.
  public struct Arrival: Sendable {
    /// Its position, from 0.
    public var index: Int
    /// When it was meant to start (`Nanos.now()` scale).
    public var intended: Int64
  }

  /// The intended offsets from the start, in nanoseconds, of `count` arrivals at `rate` per second.
  public static func schedule(
    rate: Double, count: Int, arrivals: ArrivalProcess, seed: UInt64
  ) -> [Int64] {
    precondition(rate > 0, "rate must be positive")
    var random = BenchRandom(seed: seed)
    var offsets: [Int64] = []
    offsets.reserveCapacity(count)
    var time = 0.0
    for _ in 0..<count {
      offsets.append(Int64(time.rounded()))
      switch arrivals {
      case .constant:
        time += 1e9 / rate
      case .poisson:
        let uniform = Double.random(in: Double.ulpOfOne..<1, using: &random)
        time += -(1e9 / rate) * _log(uniform)
      }
    }
    return offsets
  }

  /// Starts `body` for each of `count` arrivals at its intended time and returns when all bodies
  /// have returned. Bodies run concurrently; the generator never waits for them.
  public static func run(
    rate: Double, count: Int, arrivals: ArrivalProcess = .constant, seed: UInt64,
    body: @escaping @Sendable (Arrival) async -> Void
  ) async {
    let offsets = schedule(rate: rate, count: count, arrivals: arrivals, seed: seed)
    // Start a little in the future so the first arrival is not already late.
    let clockStart = ContinuousClock.now + .milliseconds(2)
    let nanoStart = Nanos.now() + 2_000_000
    // Discarding: a plain task group keeps every finished child until it is awaited, so a
    // 40,000-arrival phase would hold 40,000 finished tasks (and their frames) and count them in
    // the overload case's peak memory as if the runtime held them.
    await withDiscardingTaskGroup { group in
      for (index, offset) in offsets.enumerated() {
        try? await Task.sleep(until: clockStart + .nanoseconds(offset), tolerance: .zero)
        let arrival = Arrival(index: index, intended: nanoStart + offset)
        group.addTask { await body(arrival) }
      }
    }
  }
}

/// The natural logarithm, without Foundation.
func _log(_ value: Double) -> Double {
  #if canImport(Glibc)
    return Glibc.log(value)
  #else
    return Darwin.log(value)
  #endif
}
