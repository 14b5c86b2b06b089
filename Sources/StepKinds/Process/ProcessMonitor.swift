import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// How a monitored process ended, with the ends of its output.
struct ProcessOutcome: Sendable {
  /// How the group leader ended.
  enum Termination: Sendable, Equatable {
    /// Exited with a status.
    case exited(Int32)
    /// Ended by a signal.
    case signaled(Int32)
    /// `waitpid` failed (someone else reaped the child): the status is unknown, never "success".
    case unknown(errno: Int32)
  }

  /// How the group leader ended.
  var termination: Termination
  /// The last lines of stdout.
  var stdoutTail: String
  /// The last lines of stderr.
  var stderrTail: String
  /// Whether `cancel()` was called before the process was reaped.
  var cancelled: Bool
  /// Whether the group had to be sent SIGKILL after the grace period.
  var killedAfterGrace: Bool
}

/// Watches one launched process on a dedicated thread: reads both pipes as data arrives (so a chatty
/// child never blocks on a full pipe), notices the exit, escalates SIGTERM to SIGKILL, and reaps.
/// Swift's cooperative threads never block here; the awaiting task gets the outcome via a continuation.
final class ProcessMonitor: Sendable {
  private struct State {
    var cancelRequested = false
    /// Once true the pid (and pgid) may be reused by the system: never signal it again.
    var reaped = false
  }

  private let process: LaunchedProcess
  private let grace: Duration
  private let tailLines: Int
  /// An eventfd that wakes the poll loop when `cancel()` is called; -1 if none (then the loop ticks).
  private let wakeFD: Int32
  private let state = Mutex(State())
  /// False forces the fallback (ticking `waitid`) that kernels without pidfd use; for tests.
  private let usePidFD: Bool

  /// Takes ownership of `process`'s descriptors; `run` closes them.
  init(process: LaunchedProcess, grace: Duration, tailLines: Int, usePidFD: Bool = true) {
    self.process = process
    self.grace = grace
    self.tailLines = tailLines
    self.usePidFD = usePidFD
    self.wakeFD = GlibcExtensions.eventFD?(0, GlibcExtensions.eventFDFlags) ?? -1
    Self.live.withLock { $0[ObjectIdentifier(self)] = self }
  }

  /// Every monitor whose process has not been reaped yet (see `StepProcesses.endAll`).
  static let live = Mutex<[ObjectIdentifier: ProcessMonitor]>([:])

  /// Whether the process has been reaped.
  var isReaped: Bool { state.withLock { $0.reaped } }

  /// Sends SIGKILL to the whole group at once, unless it has already been reaped.
  func forceKill() {
    state.withLock { state in
      // Under the lock, and only before the reap: the group id cannot belong to anyone else yet.
      guard !state.reaped else { return }
      _ = kill(-process.pid, SIGKILL)
    }
  }

  /// Starts the monitor thread; `completion` is called on it once, after the process is reaped.
  func start(_ completion: @escaping @Sendable (ProcessOutcome) -> Void) {
    let thread = Thread { [self] in completion(run()) }
    thread.name = "lanes-process-\(process.pid)"
    thread.stackSize = 256 * 1024
    thread.start()
  }

  /// Sends SIGTERM to the whole group now; SIGKILL follows after the grace period. Idempotent.
  func cancel() {
    state.withLock { state in
      guard !state.reaped, !state.cancelRequested else { return }
      state.cancelRequested = true
      // Under the lock, and only before the reap: the group id cannot belong to anyone else yet.
      kill(-process.pid, SIGTERM)
      if wakeFD >= 0 {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
      }
    }
  }

  /// The poll loop. Runs on the monitor thread until the group leader has exited and been reaped.
  private func run() -> ProcessOutcome {
    var stdout = OutputTail()
    var stderr = OutputTail()
    var stdoutOpen = true
    var stderrOpen = true
    let pidFD = usePidFD ? GlibcExtensions.pidfdOpen?(process.pid, 0) ?? -1 : -1
    var killDeadline: ContinuousClock.Instant?
    var sentKill = false
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    while true {
      var fds: [pollfd] = []
      if stdoutOpen { fds.append(pollfd(fd: process.stdoutFD, events: Int16(POLLIN), revents: 0)) }
      if stderrOpen { fds.append(pollfd(fd: process.stderrFD, events: Int16(POLLIN), revents: 0)) }
      if pidFD >= 0 { fds.append(pollfd(fd: pidFD, events: Int16(POLLIN), revents: 0)) }
      if wakeFD >= 0 { fds.append(pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)) }
      // Without a pidfd or eventfd, exit and cancellation are noticed by ticking.
      var timeout: Int32 = pidFD >= 0 && wakeFD >= 0 ? -1 : 20
      if let deadline = killDeadline, !sentKill {
        let left = ContinuousClock.now.duration(to: deadline).milliseconds.rounded(.up)
        let leftMs = Int32(clamping: max(0, Int(left)))
        timeout = timeout < 0 ? leftMs : min(timeout, leftMs)
      }
      let ready = poll(&fds, nfds_t(fds.count), timeout)
      // ENOMEM and the like: watching is impossible, so the process is killed and reaped below rather
      // than left running unwatched.
      if ready < 0 && errno != EINTR { break }

      var pidReady = false
      for entry in fds where entry.revents != 0 {
        switch entry.fd {
        case process.stdoutFD: stdoutOpen = drain(process.stdoutFD, into: &stdout, buffer: &buffer)
        case process.stderrFD: stderrOpen = drain(process.stderrFD, into: &stderr, buffer: &buffer)
        case pidFD: pidReady = true
        case wakeFD:
          var value: UInt64 = 0
          _ = read(wakeFD, &value, 8)
        default: break
        }
      }

      if killDeadline == nil, state.withLock({ $0.cancelRequested }) {
        killDeadline = .now + grace
      }
      if let deadline = killDeadline, !sentKill, ContinuousClock.now >= deadline {
        kill(-process.pid, SIGKILL)  // Not reaped yet: only this thread reaps.
        sentKill = true
      }
      if pidFD >= 0 ? pidReady : hasExited() { break }
    }

    // The leader is a zombie (or about to be): its pgid is still ours. Anything left in the group
    // (`sleep 30 &`) would outlive the step, so it goes now.
    kill(-process.pid, SIGKILL)
    if stdoutOpen { _ = drain(process.stdoutFD, into: &stdout, buffer: &buffer) }
    if stderrOpen { _ = drain(process.stderrFD, into: &stderr, buffer: &buffer) }
    var status: Int32 = 0
    var waitError: Int32 = 0
    while waitpid(process.pid, &status, 0) < 0 {
      if errno == EINTR { continue }
      waitError = errno
      break
    }
    let cancelled = state.withLock { state in
      state.reaped = true
      return state.cancelRequested
    }
    _ = Self.live.withLock { $0.removeValue(forKey: ObjectIdentifier(self)) }
    close(process.stdoutFD)
    close(process.stderrFD)
    if pidFD >= 0 { close(pidFD) }
    if wakeFD >= 0 { close(wakeFD) }

    // Decoding by hand: WIFEXITED and friends are macros Swift cannot import.
    let signal = status & 0x7f
    let termination: ProcessOutcome.Termination =
      waitError != 0
      ? .unknown(errno: waitError) : signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    return ProcessOutcome(
      termination: termination,
      stdoutTail: stdout.lastLines(tailLines), stderrTail: stderr.lastLines(tailLines),
      cancelled: cancelled, killedAfterGrace: sentKill)
  }

  /// Reads what is available now; returns false at end of file (or on error), true if still open.
  /// Bounded per call so one endless writer cannot starve the other pipe or the exit check.
  private func drain(_ fd: Int32, into tail: inout OutputTail, buffer: inout [UInt8]) -> Bool {
    for _ in 0..<64 {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count > 0 {
        buffer.withUnsafeBytes { tail.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        continue
      }
      if count == 0 { return false }
      if errno == EINTR { continue }
      return errno == EAGAIN || errno == EWOULDBLOCK
    }
    return true
  }

  /// Whether the leader has exited, without reaping it (the fallback when there is no pidfd).
  private func hasExited() -> Bool {
    var info = siginfo_t()
    guard waitid(P_PID, id_t(process.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
      return errno == ECHILD
    }
    return info.si_signo == SIGCHLD
  }
}
