import ExecutionCore

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
