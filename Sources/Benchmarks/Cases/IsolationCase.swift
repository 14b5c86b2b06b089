import ExecutionCore

/// Isolation: the critical path's p99 with background queues kept saturated ÷ its p99 with idle
/// background, for no-op jobs and for jobs that burn 1 ms of CPU on every core.
enum IsolationCase {
  /// What the background does during the busy phase.
  enum Load: Sendable {
    case noOp
    case cpu
  }

  static func measureNoOp(_ context: BenchContext) async throws -> BenchCaseResult {
    try await measure(context, load: .noOp)
  }

  static func measureCPU(_ context: BenchContext) async throws -> BenchCaseResult {
    try await measure(context, load: .cpu)
  }

  static func measure(_ context: BenchContext, load: Load) async throws -> BenchCaseResult {
    let cores = max(2, Nanos.cores)
    // Background chains: each finished step enqueues the next from its worker, so the queue stays
    // full without a producer competing with the critical path. Enough chains for every worker.
    let workers = load == .noOp ? cores : 2 * cores
    let chains = 4 * workers
    let chainLength = load == .noOp ? 2000 : 100
    let action = load == .noOp ? SyntheticWorkflows.noOp : SyntheticWorkflows.burn(.milliseconds(1))
    let background = SyntheticWorkflows.backgroundChain(
      name: "bg", queue: "bg", count: chainLength, action: action)
    let critical = SyntheticWorkflows.simulatedChain(name: "chain-10x1ms", count: 10, step: .milliseconds(1))
    let runtime = try RuntimeHarness.make(
      [critical, background], queues: [QueueDefinition(name: "bg", workers: workers, capacity: 10 * chains)],
      seed: context.seed)
    let sizes = context.sizes
    // Background threads raised for foreign load while the case ran: on a quiet machine none are,
    // and the busy phase measures SCHED_IDLE isolation; raised ones say another program kept the
    // CPU busy and the background competed at the share's nice part of the time.
    let promotionsBefore = BackgroundDiagnostics.promotions
    let raisedBefore = BackgroundDiagnostics.raisedThreads
    _ = await RuntimeHarness.criticalPath(
      runtime, workflow: critical.name, rate: sizes.chainRate, count: 20, seed: context.seed)
    let idle = await RuntimeHarness.criticalPath(
      runtime, workflow: critical.name, rate: sizes.chainRate, count: sizes.isolationRuns, seed: context.seed)

    let feeder = Task {
      while !Task.isCancelled {
        let inFlight = runtime.snapshot().workflow("bg")?.runsInFlight ?? 0
        if inFlight < chains { runtime.triggerBurst(workflow: "bg", count: chains - inFlight) }
        try? await Task.sleep(for: .milliseconds(5))
      }
    }
    _ = await RuntimeHarness.wait(timeout: .seconds(2)) {
      (runtime.snapshot().queue("bg")?.busyWorkers ?? 0) >= min(workers, cores)
    }
    let before = runtime.snapshot().queue("bg")?.succeeded ?? 0
    let phaseStart = Nanos.now()
    let busy = await RuntimeHarness.criticalPath(
      runtime, workflow: critical.name, rate: sizes.chainRate, count: sizes.isolationRuns, seed: context.seed)
    let phaseSeconds = Double(Nanos.now() - phaseStart) / 1e9
    let after = runtime.snapshot().queue("bg")?.succeeded ?? 0
    feeder.cancel()
    _ = await feeder.value
    await RuntimeHarness.stop(runtime, deadline: .milliseconds(100))
    let raised = BackgroundDiagnostics.promotions - promotionsBefore + raisedBefore

    let backgroundRate = Double(after - before) / max(phaseSeconds, 1e-9)
    let name = load == .noOp ? "isolation, no-op background" : "isolation, CPU-bound background"
    var notes = [
      "critical path: 10x1ms simulated chain at \(BenchUnit.count.format(sizes.chainRate))/s, open loop; background: \(chains) chains of \(chainLength) steps on a queue with \(workers) workers (\(cores) background threads), each step's end enqueues the next"
    ]
    if raised > 0 {
      notes.append(
        "\(raised) background thread raise(s) for foreign load during the case (other programs kept every core busy): part of the time the background ran at the share's nice, not SCHED_IDLE; rerun on a quiet machine to measure isolation"
      )
    }
    if load == .cpu {
      notes.append(
        "CPU used by background during the busy phase: \(NumberText.fixed(backgroundRate / 1000, decimals: 2)) of \(cores) cores (1 ms per step)"
      )
    }
    return BenchCaseResult(
      name: name,
      figures: busy.latency.figures(prefix: "busy ") + [
        BenchFigure("background steps/s during busy phase", backgroundRate, .perSecond),
        BenchFigure("failed runs", Double(idle.failures + busy.failures), .count),
        BenchFigure("background threads raised for foreign load", Double(raised), .count),
      ],
      baseline: idle.latency.figures(prefix: "idle "),
      checks: [
        context.ratioCheck(
          "busy p99", measured: BenchFigure("busy p99", busy.latency.p99, .nanoseconds),
          baseline: BenchFigure("idle p99", idle.latency.p99, .nanoseconds), target: "ratio <= 1.5",
          bound: .atMost(1.5)),
        context.infoCheck(
          "busy p50", measured: BenchFigure("busy p50", busy.latency.p50, .nanoseconds),
          baseline: BenchFigure("idle p50", idle.latency.p50, .nanoseconds)),
      ],
      notes: notes)
  }
}
