import ExecutionCore

#if canImport(Glibc)
  import Glibc
#endif

/// Why a process step failed; `description` is what the runtime records as the failure message.
public enum ProcessStepError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The spec cannot be run at all (empty arguments, a NUL byte in an argument...).
  case invalidSpec(String)
  /// `posix_spawnp` failed: the program is missing, not executable, or the system is out of resources.
  case spawnFailed(program: String, errno: Int32)
  /// A system call needed to run the process failed (`pipe2` out of descriptors, `waitpid` finding
  /// the child already reaped by someone else).
  case systemCall(name: String, errno: Int32)
  /// The working directory does not exist or is not a directory.
  case badWorkingDirectory(String)
  /// The process exited with a non-zero status; `tail` holds its last lines of stderr (or stdout).
  case exited(status: Int32, tail: String)
  /// The process was ended by a signal it did not get from Lanes.
  case signaled(signal: Int32, tail: String)
  /// The step's task was cancelled (timeout or shutdown) and its process group was stopped.
  case cancelled(killedAfterGrace: Duration?)
  /// The process wrote more than the step's output limit on stdout; it was stopped. `bytes` is how
  /// much it had written by then.
  case outputOverLimit(step: String, bytes: Int, limit: Int)

  /// One readable sentence, then the output tail on the following lines.
  public var description: String {
    switch self {
    case .invalidSpec(let reason):
      return "invalid process step: \(reason)"
    case .spawnFailed(let program, let code):
      return "cannot run \"\(program)\": \(Self.spawnReason(code, program: program))"
    case .systemCall(let name, let code):
      return "\(name) failed: \(String(cString: strerror(code)).lowercased())"
    case .badWorkingDirectory(let path):
      return "cannot run in \"\(path)\": no such directory"
    case .exited(let status, let tail):
      return Self.withTail("exit status \(status)", tail)
    case .signaled(let signal, let tail):
      return Self.withTail("killed by signal \(signal) (\(Self.signalName(signal)))", tail)
    case .outputOverLimit(let step, let bytes, let limit):
      return
        "output of step '\(step)' is over its limit of \(limit) bytes: the process wrote \(bytes) bytes on stdout before it was stopped (raise the step's output-limit, or write less)"
    case .cancelled(let grace):
      guard let grace else { return "cancelled: process group stopped with SIGTERM" }
      return
        "cancelled: process group ignored SIGTERM, killed with SIGKILL after \(DurationText.format(grace))"
    }
  }

  private static func withTail(_ head: String, _ tail: String) -> String {
    tail.isEmpty ? head + " (no output)" : head + ": " + tail
  }

  /// posix_spawnp's error in words; PATH is only mentioned when it was searched (no `/` in the
  /// program's name).
  private static func spawnReason(_ code: Int32, program: String) -> String {
    switch code {
    case ENOENT where program.contains("/"): return "no such file"
    case ENOENT: return "not found in any folder of PATH"
    case EACCES: return "permission denied (not executable?)"
    case ENOEXEC: return "not an executable format (missing #! line?)"
    default: return String(cString: strerror(code)).lowercased()
    }
  }

  /// The conventional name of a signal; the set a step is likely to die of.
  static func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGHUP: return "SIGHUP"
    case SIGINT: return "SIGINT"
    case SIGQUIT: return "SIGQUIT"
    case SIGILL: return "SIGILL"
    case SIGABRT: return "SIGABRT"
    case SIGBUS: return "SIGBUS"
    case SIGFPE: return "SIGFPE"
    case SIGKILL: return "SIGKILL"
    case SIGSEGV: return "SIGSEGV"
    case SIGPIPE: return "SIGPIPE"
    case SIGALRM: return "SIGALRM"
    case SIGTERM: return "SIGTERM"
    case SIGUSR1: return "SIGUSR1"
    case SIGUSR2: return "SIGUSR2"
    default: return "signal \(signal)"
    }
  }
}
