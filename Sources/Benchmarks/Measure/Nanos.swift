#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A monotonic timestamp in nanoseconds, cheaper than `ContinuousClock.now` (one `clock_gettime`).
public enum Nanos {
  /// Now, in nanoseconds on the monotonic clock.
  @inline(__always)
  public static func now() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
  }

  /// Burns CPU on the calling thread for `nanoseconds` (a CPU-bound job that never yields).
  public static func spin(nanoseconds: Int64) {
    let end = now() + nanoseconds
    while now() < end {}
  }

  /// Online CPUs.
  public static var cores: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}

extension Duration {
  /// The duration in whole nanoseconds.
  var wholeNanoseconds: Int64 {
    let (seconds, attoseconds) = components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }
}

/// CPU time used by the whole process (user + system), in nanoseconds.
public enum ProcessCPU {
  /// CPU time so far.
  public static func nanoseconds() -> Int64 {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let user = Int64(usage.ru_utime.tv_sec) * 1_000_000_000 + Int64(usage.ru_utime.tv_usec) * 1000
    let system = Int64(usage.ru_stime.tv_sec) * 1_000_000_000 + Int64(usage.ru_stime.tv_usec) * 1000
    return user + system
  }
}
