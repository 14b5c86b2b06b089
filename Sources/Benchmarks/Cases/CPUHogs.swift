import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ordinary-priority CPU hogs: child processes that spin until stopped, standing in for the other
/// programs on a shared machine (a build, a model server).
///
/// Each hog is `/bin/sh` running a busy loop that also checks, every ~50,000 iterations (well under
/// a second of CPU), that the process that started it still exists, so a hog outlives neither a
/// `stop()` nor the bench being killed by a signal that skips every cleanup (SIGKILL included).
public final class CPUHogs: Sendable {
  /// The hogs' pids.
  public let pids: [pid_t]
  private let stopped = Atomic<Bool>(false)

  private static let script =
    "p=$1; i=0; while :; do i=$((i+1)); if [ $i -ge 50000 ]; then kill -0 $p 2>/dev/null || exit 0; i=0; fi; done"

  /// Starts `count` hogs; throws (having stopped the ones already started) if one cannot start.
  public init(count: Int) throws(CPUHogError) {
    var started: [pid_t] = []
    for _ in 0..<count {
      var pid: pid_t = 0
      let arguments = ["/bin/sh", "-c", Self.script, "lanes-hog", String(getpid())]
      var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
      pointers.append(nil)
      defer { for pointer in pointers { free(pointer) } }
      var actions = posix_spawn_file_actions_t()
      posix_spawn_file_actions_init(&actions)
      defer { posix_spawn_file_actions_destroy(&actions) }
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
      let status = posix_spawn(&pid, "/bin/sh", &actions, nil, pointers, environ)
      guard status == 0 else {
        Self.stop(started)
        throw CPUHogError(errno: status)
      }
      started.append(pid)
    }
    pids = started
  }

  /// Kills and reaps every hog. Idempotent: once reaped, a pid may belong to another process.
  public func stop() {
    if !stopped.exchange(true, ordering: .relaxed) { Self.stop(pids) }
  }

  private static func stop(_ pids: [pid_t]) {
    for pid in pids {
      var status: Int32 = 0
      kill(pid, SIGKILL)
      _ = waitpid(pid, &status, 0)
    }
  }

  deinit { stop() }
}

/// A hog could not be started.
public struct CPUHogError: Error, CustomStringConvertible {
  /// What posix_spawn returned.
  public var errno: Int32
  /// A message naming the program and the reason.
  public var description: String {
    "could not start a CPU hog (/bin/sh): \(String(cString: strerror(errno))); the foreign-load case needs /bin/sh"
  }
}
