import ExecutionCore

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a process as a step: exit status 0 succeeds, anything else throws a `ProcessStepError`.
public enum ProcessStep {
  /// Runs `spec` to completion. On task cancellation (a timeout or shutdown) the process group gets
  /// SIGTERM, then SIGKILL after `spec.killGrace`; this returns only once the process is reaped.
  public static func run(_ spec: ExecSpec, context: StepContext) async throws {
    try await run(spec, usePidFD: true)
  }

  /// `run`, optionally without pidfd (to test the fallback that older kernels get).
  static func run(_ spec: ExecSpec, usePidFD: Bool) async throws {
    try Task.checkCancellation()
    let process = try ProcessLauncher.launch(spec)
    let monitor = ProcessMonitor(
      process: process, grace: spec.killGrace, tailLines: spec.tailLines, usePidFD: usePidFD)
    let outcome = await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        monitor.start { continuation.resume(returning: $0) }
      }
    } onCancel: {
      monitor.cancel()
    }
    if outcome.cancelled {
      throw ProcessStepError.cancelled(killedAfterGrace: outcome.killedAfterGrace ? spec.killGrace : nil)
    }
    let tail = outcome.stderrTail.isEmpty ? outcome.stdoutTail : outcome.stderrTail
    switch outcome.termination {
    case .exited(0): return
    case .exited(let status): throw ProcessStepError.exited(status: status, tail: tail)
    case .signaled(let signal): throw ProcessStepError.signaled(signal: signal, tail: tail)
    case .unknown(let code): throw ProcessStepError.systemCall(name: "waitpid", errno: code)
    }
  }
}

/// The processes that step runs have started and that are still running, as a whole.
public enum StepProcesses {
  /// How many step processes are running (started, not yet reaped).
  public static var running: Int { ProcessMonitor.live.withLock { $0.count } }

  /// Ends every step process still running: SIGTERM to each process group now, SIGKILL to those
  /// still there after `grace`; returns once all are reaped (or, should a process survive even
  /// SIGKILL, one second after it) with how many there were.
  ///
  /// A program calls it just before it exits, whatever the reason, so that no process a step
  /// started outlives it (a runtime's shutdown cancels running steps, but a program may exit
  /// before their monitors have finished). Blocks the calling thread.
  @discardableResult
  public static func endAll(grace: Duration = .seconds(2)) -> Int {
    let monitors = ProcessMonitor.live.withLock { Array($0.values) }
    guard !monitors.isEmpty else { return 0 }
    for monitor in monitors { monitor.cancel() }
    let killAt = ContinuousClock.now + grace
    while ContinuousClock.now < killAt, monitors.contains(where: { !$0.isReaped }) { usleep(10_000) }
    for monitor in monitors { monitor.forceKill() }
    let giveUpAt = ContinuousClock.now + .seconds(1)
    while ContinuousClock.now < giveUpAt, monitors.contains(where: { !$0.isReaped }) { usleep(10_000) }
    return monitors.count
  }
}
