#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Random numbers derived from a hash of what they are for, not from a shared generator, so the
/// same seed gives the same latencies and failures per run whatever the scheduling order.
enum SeededRandom {
  /// What a sample decides; part of the hash so different decisions are independent.
  enum Purpose: UInt64 {
    case latency = 1, latencyExtra, failure, backoff, arrival
  }

  /// SplitMix64's finaliser: a good 64-bit mixer.
  @inline(__always)
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A 64-bit hash of the seed and the coordinates of one decision.
  static func bits(
    seed: UInt64, workflow: Int, run: UInt64, step: Int, attempt: Int, purpose: Purpose
  ) -> UInt64 {
    var h = mix(seed)
    h = mix(h ^ UInt64(truncatingIfNeeded: workflow))
    h = mix(h ^ run)
    h = mix(h ^ UInt64(truncatingIfNeeded: step))
    h = mix(h ^ UInt64(truncatingIfNeeded: attempt))
    return mix(h ^ purpose.rawValue)
  }

  /// A uniform value in [0, 1).
  static func unit(
    seed: UInt64, workflow: Int, run: UInt64, step: Int, attempt: Int, purpose: Purpose
  ) -> Double {
    let value = bits(seed: seed, workflow: workflow, run: run, step: step, attempt: attempt, purpose: purpose)
    return Double(value >> 11) * 0x1.0p-53
  }

  /// A sample of `model` for one attempt.
  static func latency(
    _ model: LatencyModel, seed: UInt64, workflow: Int, run: UInt64, step: Int, attempt: Int
  ) -> Duration {
    let u = unit(seed: seed, workflow: workflow, run: run, step: step, attempt: attempt, purpose: .latency)
    switch model {
    case .fixed(let value):
      return value
    case .uniform(let low, let high):
      let lo = low.nanoseconds
      let hi = max(lo, high.nanoseconds)
      return .nanoseconds(Int64(lo + u * (hi - lo)))
    case .logNormal(let p50, let p99):
      let median = max(1, p50.nanoseconds)
      let tail = max(median, p99.nanoseconds)
      let mu = log(median)
      let sigma = (log(tail) - mu) / 2.3263
      let u2 = unit(
        seed: seed, workflow: workflow, run: run, step: step, attempt: attempt, purpose: .latencyExtra)
      // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
      let z = (-2 * log(1 - u)).squareRoot() * cos(2 * Double.pi * u2)
      let nanos = exp(mu + sigma * z)
      return .nanoseconds(Int64(min(nanos, 3.6e12)))
    }
  }

  /// Full-jitter backoff before attempt `failedAttempt + 1`: random(0...min(cap, base * 2^(n-1))).
  static func backoff(
    _ policy: RetryPolicy, failedAttempt: Int, seed: UInt64, workflow: Int, run: UInt64, step: Int
  ) -> Duration {
    let exponent = Double(max(0, min(failedAttempt - 1, 62)))
    let ceiling = min(policy.maxBackoff.nanoseconds, policy.backoff.nanoseconds * pow(2, exponent))
    let u = unit(
      seed: seed, workflow: workflow, run: run, step: step, attempt: failedAttempt, purpose: .backoff)
    return .nanoseconds(Int64(max(0, ceiling) * u))
  }
}
