import ExecutionCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A child just spawned into its own process group, with the parent's ends of its output pipes.
struct LaunchedProcess: Sendable {
  /// The child's pid, which is also its process group id.
  let pid: pid_t
  /// Nonblocking, close-on-exec read ends of the child's stdout and stderr.
  let stdoutFD: Int32
  /// See `stdoutFD`.
  let stderrFD: Int32
  /// Nonblocking, close-on-exec write end of the child's stdin; -1 when stdin is /dev/null.
  let stdinFD: Int32
}

/// Starts processes with `posix_spawnp`: no fork of a big multi-threaded parent, no shell unless asked.
enum ProcessLauncher {
  /// Spawns `spec` in a new process group, stdout and stderr into pipes; stdin from a pipe when
  /// `stdinPipe` (the caller writes the step's document into it), else from /dev/null. `lanesEnv`
  /// is added last, so the step's own `env` cannot hide the variables Lanes documents.
  static func launch(
    _ spec: ExecSpec, lanesEnv: [String: String] = [:], stdinPipe: Bool = false
  ) throws(ProcessStepError) -> LaunchedProcess {
    let argv = spec.argv
    guard let program = argv.first, !program.isEmpty else {
      throw .invalidSpec("no program given (empty arguments)")
    }
    let environment = ProcessInfo.processInfo.environment.merging(spec.env) { _, added in added }
      .merging(lanesEnv) { _, added in added }
    let envp = environment.map { "\($0.key)=\($0.value)" }.sorted()
    if let bad = (argv + envp).first(where: { $0.utf8.contains(0) }) {
      throw .invalidSpec("a NUL byte in \"\(bad.replacingOccurrences(of: "\0", with: "\\0"))\"")
    }
    if let cwd = spec.cwd {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: cwd, isDirectory: &isDirectory), isDirectory.boolValue
      else { throw .badWorkingDirectory(cwd) }
      guard GlibcExtensions.addChdir != nil else {
        throw .invalidSpec("this C library cannot set a working directory for posix_spawn (glibc < 2.29)")
      }
    }

    let stdout = try makePipe()
    let stderr: (read: Int32, write: Int32)
    do { stderr = try makePipe() } catch {
      close(stdout.read)
      close(stdout.write)
      throw error
    }
    var stdin: (read: Int32, write: Int32) = (-1, -1)
    if stdinPipe {
      do { stdin = try makePipe(nonblocking: .write) } catch {
        for fd in [stdout.read, stdout.write, stderr.read, stderr.write] { close(fd) }
        throw error
      }
    }
    // The child's ends go once the child has its copies: the parent only reads its output pipes and
    // writes its stdin, so the child sees EOF on stdin when the parent closes its end, and the parent
    // sees EOF on stdout and stderr when the child's group has closed theirs.
    defer {
      close(stdout.write)
      close(stderr.write)
      if stdin.read >= 0 { close(stdin.read) }
    }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if stdin.read >= 0 {
      posix_spawn_file_actions_adddup2(&actions, stdin.read, 0)
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    // dup2 clears close-on-exec on the copies, so only fds 0, 1 and 2 survive the exec.
    posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
    posix_spawn_file_actions_adddup2(&actions, stderr.write, 2)
    // Also close anything another part of the program opened without O_CLOEXEC.
    _ = GlibcExtensions.addCloseFrom?(&actions, 3)
    if let cwd = spec.cwd { _ = GlibcExtensions.addChdir?(&actions, cwd) }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // pgid 0: the child leads a new group, so one kill(-pid) reaches everything it starts.
    posix_spawnattr_setpgroup(&attributes, 0)
    // Signals the parent blocks or ignores (Swift ignores SIGPIPE) must not leak into the child.
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaults = sigset_t()
    sigfillset(&defaults)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    // A background step's process would inherit its thread's SCHED_IDLE and starve under foreign
    // load, out of reach of the watchdog that raises starved background threads: it runs
    // SCHED_OTHER at the thread's nice instead (the share's, BackgroundShare). A blocking step's
    // process inherits the pool thread's ordinary priority.
    let leaveIdle = BackgroundShare.childProcessLeavesIdle
    if leaveIdle {
      var parameters = sched_param(sched_priority: 0)
      posix_spawnattr_setschedparam(&attributes, &parameters)
      posix_spawnattr_setschedpolicy(&attributes, 0)  // SCHED_OTHER
      flags |= POSIX_SPAWN_SETSCHEDULER
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))

    var pid: pid_t = 0
    var result = withCStrings(argv) { cArgv in
      withCStrings(envp) { cEnvp in
        posix_spawnp(&pid, program, &actions, &attributes, cArgv, cEnvp)
      }
    }
    if result == EPERM && leaveIdle {
      // Leaving SCHED_IDLE needs CAP_SYS_NICE or RLIMIT_NICE: the process keeps the thread's policy.
      posix_spawnattr_setflags(&attributes, Int16(flags & ~POSIX_SPAWN_SETSCHEDULER))
      result = withCStrings(argv) { cArgv in
        withCStrings(envp) { cEnvp in
          posix_spawnp(&pid, program, &actions, &attributes, cArgv, cEnvp)
        }
      }
    }
    guard result == 0 else {
      close(stdout.read)
      close(stderr.read)
      if stdin.write >= 0 { close(stdin.write) }
      throw .spawnFailed(program: program, errno: result)
    }
    return LaunchedProcess(pid: pid, stdoutFD: stdout.read, stderrFD: stderr.read, stdinFD: stdin.write)
  }

  /// Which end of a pipe the parent keeps, and so makes nonblocking (the child's end stays
  /// blocking, as programs expect of their standard streams).
  enum ParentEnd { case read, write }

  /// A close-on-exec pipe whose parent end is nonblocking.
  private static func makePipe(nonblocking end: ParentEnd = .read) throws(ProcessStepError) -> (
    read: Int32, write: Int32
  ) {
    var fds: [Int32] = [-1, -1]
    if let pipe2 = GlibcExtensions.pipe2 {
      guard pipe2(&fds, O_CLOEXEC) == 0 else { throw .systemCall(name: "pipe2", errno: errno) }
    } else {
      // Not atomic, but our own spawns close fds >= 3 in the child anyway.
      guard pipe(&fds) == 0 else { throw .systemCall(name: "pipe", errno: errno) }
      _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
      _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
    }
    let parent = end == .read ? fds[0] : fds[1]
    _ = fcntl(parent, F_SETFL, fcntl(parent, F_GETFL) | O_NONBLOCK)
    return (fds[0], fds[1])
  }

  /// Calls `body` with a NULL-terminated array of C strings that lives for the call.
  private static func withCStrings<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
  ) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
