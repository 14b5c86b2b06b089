import ExecutionCore

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a process as a step: exit status 0 succeeds, anything else throws a `ProcessStepError`.
///
/// The data contract (documented in the README's workflow-file section):
/// - stdin: one JSON document, `{"input": <run input>, "steps": {"<dependency id>": <its output>, …}}`
///   (`StepInput.document`: the dependencies the step may see, direct and transitive), then EOF.
///   A process need not read it.
/// - environment: `LANES_RUN_ID`, `LANES_WORKFLOW`, `LANES_STEP`, `LANES_ATTEMPT`, `LANES_IDEMPOTENCY_KEY`, over the
///   step's own `env`.
/// - stdout is the step's output: the JSON value when it parses as one, otherwise a JSON string of
///   the text with one trailing newline trimmed; `null` when the process prints nothing. Stdout over
///   `outputLimit` bytes stops the process and fails the attempt.
public enum ProcessStep {
  /// Runs `spec` to completion and returns its output. On task cancellation (a timeout or
  /// shutdown) the process group gets SIGTERM, then SIGKILL after `spec.killGrace`; this returns
  /// only once the process is reaped. `workflow` is what `LANES_WORKFLOW` says.
  @discardableResult
  public static func run(
    _ spec: ExecSpec, context: StepContext, workflow: String = "",
    outputLimit: Int = StepDefinition.defaultOutputLimit
  ) async throws -> Payload {
    try await run(spec, context: context, workflow: workflow, outputLimit: outputLimit, usePidFD: true)
  }

  /// The variables a step's process gets from Lanes.
  static func lanesEnvironment(_ context: StepContext, workflow: String) -> [String: String] {
    [
      "LANES_RUN_ID": String(context.runID), "LANES_WORKFLOW": workflow, "LANES_STEP": context.stepID,
      "LANES_ATTEMPT": String(context.attempt), "LANES_IDEMPOTENCY_KEY": context.idempotencyKey,
    ]
  }

  /// `run`, optionally without pidfd (to test the fallback that older kernels get).
  @discardableResult
  static func run(
    _ spec: ExecSpec,
    context: StepContext = StepContext(
      runID: 0, stepID: "test", attempt: 1, executedAs: .blocking),
    workflow: String = "", outputLimit: Int = StepDefinition.defaultOutputLimit, usePidFD: Bool
  ) async throws -> Payload {
    try Task.checkCancellation()
    let process = try ProcessLauncher.launch(
      spec, lanesEnv: lanesEnvironment(context, workflow: workflow), stdinPipe: true)
    let monitor = ProcessMonitor(
      process: process, grace: spec.killGrace, tailLines: spec.tailLines, usePidFD: usePidFD,
      input: context.stepInput.document.bytes, outputLimit: outputLimit)
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
    if outcome.stdoutOverLimit {
      throw ProcessStepError.outputOverLimit(
        step: context.stepID, bytes: outcome.stdoutBytes, limit: outputLimit)
    }
    let tail = outcome.stderrTail.isEmpty ? outcome.stdoutTail : outcome.stderrTail
    switch outcome.termination {
    case .exited(0): return output(fromStdout: outcome.stdout)
    case .exited(let status): throw ProcessStepError.exited(status: status, tail: tail)
    case .signaled(let signal): throw ProcessStepError.signaled(signal: signal, tail: tail)
    case .unknown(let code): throw ProcessStepError.systemCall(name: "waitpid", errno: code)
    }
  }

  /// A step's output from its stdout: JSON when it is one JSON value, otherwise the text as a JSON
  /// string without one trailing newline (`echo` adds one); `null` for no output at all.
  public static func output(fromStdout bytes: [UInt8]) -> Payload {
    if bytes.isEmpty { return .null }
    if let json = try? Payload(validating: bytes) { return json }
    var text = bytes[...]
    if text.last == UInt8(ascii: "\n") { text = text.dropLast() }
    return .string(String(decoding: text, as: UTF8.self))
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
