import DashboardHost

/// What happens when Lanes could not write its output: it says so and exits non-zero.
enum WriteFailures {
  /// The exit status when the command's own work succeeded but its output could not be written
  /// (EX_IOERR from sysexits.h).
  static let exitCode: Int32 = 74

  /// The status to exit with: `status` itself, or 74 when it was 0 and a write failed. Reports each
  /// failed write to standard output on standard error (which may itself be gone: then the status
  /// is all there is).
  static func finalStatus(_ status: Int32) -> Int32 {
    Console.flushStandardIO()
    let failures = Console.failuresSoFar
    for failure in failures where failure.stream == .output {
      Console.error("lanes: \(failure); the output is incomplete.")
    }
    return failures.isEmpty || status != 0 ? status : exitCode
  }
}
