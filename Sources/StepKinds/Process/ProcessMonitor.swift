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
  /// Everything the process wrote on stdout, when that fits the output limit; otherwise empty.
  var stdout: [UInt8]
  /// How many bytes the process wrote on stdout in all (kept or not).
  var stdoutBytes: Int
  /// Whether stdout went over the output limit (the group was then stopped: the attempt fails).
  var stdoutOverLimit: Bool
}

/// The whole of a stream up to a limit: a step's stdout is its output, and an output over the
/// step's limit fails the attempt, so nothing past the limit is worth keeping.
struct OutputCapture {
  /// The most bytes kept.
  let limit: Int
  /// The bytes kept, at most `limit`.
  private(set) var bytes: [UInt8] = []
  /// Whether more than `limit` bytes arrived.
  private(set) var overLimit = false

  /// Keeps `chunk` if it still fits; the first byte over the limit marks the capture as over.
  mutating func append(_ chunk: UnsafeRawBufferPointer) {
    guard !overLimit else { return }
    guard bytes.count + chunk.count <= limit else {
      overLimit = true
      // The attempt fails with the size and the limit; the bytes would only cost memory.
      bytes.removeAll(keepingCapacity: false)
      return
    }
    bytes.append(contentsOf: chunk)
  }
}

/// Watches one launched process on a dedicated thread: writes its stdin document and reads both
/// output pipes as the pipes allow (so a chatty child never blocks on a full pipe, and a child that
/// never reads stdin never blocks the writer), notices the exit, escalates SIGTERM to SIGKILL, and
/// reaps.
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
  /// What is written to the process's stdin (when it has a stdin pipe), then stdin is closed.
  private let input: [UInt8]
  /// The most stdout bytes kept as the output; more stops the process (see `OutputCapture`).
  private let outputLimit: Int

  /// Takes ownership of `process`'s descriptors; `run` closes them.
  init(
    process: LaunchedProcess, grace: Duration, tailLines: Int, usePidFD: Bool = true, input: [UInt8] = [],
    outputLimit: Int = 1 << 20
  ) {
    self.process = process
    self.grace = grace
    self.tailLines = tailLines
    self.usePidFD = usePidFD
    self.input = input
    self.outputLimit = max(0, outputLimit)
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
    // A child that exits (or closes stdin) before reading its document makes the write fail with
    // EPIPE and raise SIGPIPE, whose default action ends the whole program. Blocked on this thread
    // (and only here: it is a thread-directed signal), the write just returns EPIPE; the pending
    // signal is discarded with the thread, or taken below.
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
    var stdout = OutputTail()
    var stderr = OutputTail()
    var capture = OutputCapture(limit: outputLimit)
    var stdoutOpen = true
    var stderrOpen = true
    var stdinOpen = process.stdinFD >= 0
    var written = 0
    if stdinOpen && input.isEmpty {
      close(process.stdinFD)
      stdinOpen = false
    }
    let pidFD = usePidFD ? GlibcExtensions.pidfdOpen?(process.pid, 0) ?? -1 : -1
    var killDeadline: ContinuousClock.Instant?
    var sentKill = false
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    while true {
      var fds: [pollfd] = []
      if stdoutOpen { fds.append(pollfd(fd: process.stdoutFD, events: Int16(POLLIN), revents: 0)) }
      if stderrOpen { fds.append(pollfd(fd: process.stderrFD, events: Int16(POLLIN), revents: 0)) }
      if stdinOpen { fds.append(pollfd(fd: process.stdinFD, events: Int16(POLLOUT), revents: 0)) }
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
        case process.stdoutFD:
          stdoutOpen = drain(process.stdoutFD, buffer: &buffer) { chunk in
            stdout.append(chunk)
            capture.append(chunk)
          }
        case process.stderrFD: stderrOpen = drain(process.stderrFD, buffer: &buffer) { stderr.append($0) }
        case process.stdinFD where stdinOpen:
          // POLLOUT, or POLLERR when the child has closed its end: the write says which.
          if feed(&written, pipeSignal: &pipeSignal) {
            close(process.stdinFD)
            stdinOpen = false
          }
        case pidFD: pidReady = true
        case wakeFD:
          var value: UInt64 = 0
          _ = read(wakeFD, &value, 8)
        default: break
        }
      }

      if killDeadline == nil, capture.overLimit {
        // The attempt has failed already: a process that keeps writing would only run on.
        kill(-process.pid, SIGTERM)  // Not reaped yet: only this thread reaps.
        killDeadline = .now + grace
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
    if stdinOpen { close(process.stdinFD) }
    if stdoutOpen {
      _ = drain(process.stdoutFD, buffer: &buffer) { chunk in
        stdout.append(chunk)
        capture.append(chunk)
      }
    }
    if stderrOpen { _ = drain(process.stderrFD, buffer: &buffer) { stderr.append($0) } }
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
      cancelled: cancelled, killedAfterGrace: sentKill, stdout: capture.bytes, stdoutBytes: stdout.totalBytes,
      stdoutOverLimit: capture.overLimit)
  }

  /// Writes as much of the input as the pipe takes now, from `written` on; returns true when stdin
  /// is done with (all written, or the child closed its end: it need not read its input).
  private func feed(_ written: inout Int, pipeSignal: inout sigset_t) -> Bool {
    while written < input.count {
      let count = input.withUnsafeBytes { bytes in
        write(process.stdinFD, bytes.baseAddress! + written, bytes.count - written)
      }
      if count > 0 {
        written += count
        continue
      }
      if count < 0 && errno == EINTR { continue }
      if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return false }
      if count < 0 && errno == EPIPE {
        // Take the SIGPIPE the write raised (blocked on this thread), so nothing is left pending.
        var none = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&pipeSignal, nil, &none)
      }
      return true
    }
    return true
  }

  /// Reads what is available now into `consume`; returns false at end of file (or on error), true
  /// if still open. Bounded per call so one endless writer cannot starve the other pipe or the exit
  /// check.
  private func drain(
    _ fd: Int32, buffer: inout [UInt8], _ consume: (UnsafeRawBufferPointer) -> Void
  ) -> Bool {
    for _ in 0..<64 {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count > 0 {
        buffer.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
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
