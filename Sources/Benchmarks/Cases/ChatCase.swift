import ExecutionCore

/// All-sync vs hybrid: the chat workflow in each mode, same seed, open loop; the hybrid critical
/// path against the ideal longest blocking chain (Monte Carlo of the declared latencies).
enum ChatCase {
  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let (fallbackWorkflow, fallbackQueues) = SyntheticWorkflows.chat()
    let workflow = context.options.chat ?? fallbackWorkflow
    var queues = context.options.chat == nil ? fallbackQueues : context.options.chatQueues
    for name in Set(workflow.steps.compactMap(\.queue)) where !queues.contains(where: { $0.name == name }) {
      queues.append(QueueDefinition(name: name, workers: 4, capacity: 10_000))
    }
    let rate = max(workflow.load.rate, 20)
    let rounds = context.sizes.chatRuns >= 20 ? 2 : 1
    let perRound = max(1, context.sizes.chatRuns / rounds)
    var hybrid = RuntimeHarness.CriticalPath()
    var allSync = RuntimeHarness.CriticalPath()

    // Alternate modes; within a round both modes use the same seed, so run i draws the same latencies.
    for round in 0..<rounds {
      let seed = context.seed &+ UInt64(round)
      for mode in [ExecutionMode.hybrid, .allSync] {
        let runtime = try RuntimeHarness.make([workflow], queues: queues, seed: seed, mode: mode)
        // Each successful run's ideal: its own longest chain in this mode, from the latencies the
        // runtime drew for it (a fresh runtime with one workflow: run ID n is the workflow's run n - 1).
        let runs = await RuntimeHarness.criticalPath(
          runtime, workflow: workflow.name, rate: rate, count: perRound, arrivals: .poisson, seed: seed
        ) { runID in
          workflow.idealResponse(seed: seed, workflowIndex: 0, run: runID - 1, mode: mode).wholeNanoseconds
        }
        await RuntimeHarness.stop(runtime, deadline: .seconds(2))
        if mode == .hybrid { merge(&hybrid, runs) } else { merge(&allSync, runs) }
      }
    }
    let idealBlocking = ChainModel.longestChain(workflow, samples: 200_000, seed: context.seed) {
      $0.mode == .blocking
    }
    let idealAll = ChainModel.longestChain(workflow, samples: 200_000, seed: context.seed) { _ in true }
    let medians = workflow.longestBlockingChain.expected.nanoseconds

    return BenchCaseResult(
      name: "all-sync vs hybrid",
      figures: hybrid.latency.figures(prefix: "hybrid ") + allSync.latency.figures(prefix: "all-sync ") + [
        BenchFigure("all-sync / hybrid p50", ratio(allSync.latency.p50, hybrid.latency.p50), .ratio),
        BenchFigure("all-sync / hybrid p99", ratio(allSync.latency.p99, hybrid.latency.p99), .ratio),
        BenchFigure("hybrid failed runs", Double(hybrid.failures), .count),
        BenchFigure("all-sync failed runs", Double(allSync.failures), .count),
      ],
      baseline: hybrid.ideal.figures(prefix: "same runs' blocking chain ")
        + allSync.ideal.figures(prefix: "same runs' all steps ")
        + idealBlocking.figures(prefix: "ideal blocking chain ")
        + idealAll.figures(prefix: "ideal all steps ")
        + [BenchFigure("longest blocking chain, sum of medians", medians, .nanoseconds)],
      checks: [
        context.ratioCheck(
          "hybrid p50", measured: BenchFigure("hybrid p50", hybrid.latency.p50, .nanoseconds),
          baseline: BenchFigure("same runs' chain p50", hybrid.ideal.p50, .nanoseconds),
          target: "ratio <= 1.05",
          bound: .atMost(1.05)),
        context.ratioCheck(
          "hybrid p99", measured: BenchFigure("hybrid p99", hybrid.latency.p99, .nanoseconds),
          baseline: BenchFigure("same runs' chain p99", hybrid.ideal.p99, .nanoseconds),
          target: "ratio <= 1.05",
          bound: .atMost(1.05)),
        context.infoCheck(
          "hybrid p99 vs model", measured: BenchFigure("hybrid p99", hybrid.latency.p99, .nanoseconds),
          baseline: BenchFigure("Monte Carlo p99", idealBlocking.p99, .nanoseconds)),
        context.infoCheck(
          "all-sync p50", measured: BenchFigure("all-sync p50", allSync.latency.p50, .nanoseconds),
          baseline: BenchFigure("hybrid p50", hybrid.latency.p50, .nanoseconds)),
        context.infoCheck(
          "all-sync p99", measured: BenchFigure("all-sync p99", allSync.latency.p99, .nanoseconds),
          baseline: BenchFigure("hybrid p99", hybrid.latency.p99, .nanoseconds)),
      ],
      notes: [
        "workflow '\(workflow.name)' (\(context.options.chat == nil ? "chat-shaped stand-in built in code" : "as passed in")), \(perRound * rounds) runs per mode at \(BenchUnit.count.format(rate))/s Poisson, \(rounds) alternating rounds with the same seed per round; baseline = the same runs' longest blocking chain, from the latencies the runtime drew for each of them (WorkflowDefinition.idealResponse: same seed, same run numbers, first attempts; successful runs only, like the latencies), so the ratio is the runtime's doing and not the luck of 600 draws from a long-tailed distribution; also shown: a Monte Carlo (200k draws) of the declared latencies; failed runs (simulated failures) are excluded from latency"
      ])
  }

  static func merge(_ into: inout RuntimeHarness.CriticalPath, _ other: RuntimeHarness.CriticalPath) {
    into.latency.add(other.latency)
    into.reported.add(other.reported)
    into.ideal.add(other.ideal)
    into.failures += other.failures
  }

  static func ratio(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }
}
