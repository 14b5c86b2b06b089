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
        let runs = await RuntimeHarness.criticalPath(
          runtime, workflow: workflow.name, rate: rate, count: perRound, arrivals: .poisson, seed: seed)
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
      baseline: idealBlocking.figures(prefix: "ideal blocking chain ")
        + idealAll.figures(prefix: "ideal all steps ")
        + [BenchFigure("longest blocking chain, sum of medians", medians, .nanoseconds)],
      checks: [
        context.ratioCheck(
          "hybrid p50", measured: BenchFigure("hybrid p50", hybrid.latency.p50, .nanoseconds),
          baseline: BenchFigure("ideal p50", idealBlocking.p50, .nanoseconds), target: "ratio <= 1.05",
          bound: .atMost(1.05)),
        context.ratioCheck(
          "hybrid p99", measured: BenchFigure("hybrid p99", hybrid.latency.p99, .nanoseconds),
          baseline: BenchFigure("ideal p99", idealBlocking.p99, .nanoseconds), target: "ratio <= 1.05",
          bound: .atMost(1.05)),
        context.infoCheck(
          "all-sync p50", measured: BenchFigure("all-sync p50", allSync.latency.p50, .nanoseconds),
          baseline: BenchFigure("hybrid p50", hybrid.latency.p50, .nanoseconds)),
        context.infoCheck(
          "all-sync p99", measured: BenchFigure("all-sync p99", allSync.latency.p99, .nanoseconds),
          baseline: BenchFigure("hybrid p99", hybrid.latency.p99, .nanoseconds)),
      ],
      notes: [
        "workflow '\(workflow.name)' (\(context.options.chat == nil ? "chat-shaped stand-in built in code" : "as passed in")), \(perRound * rounds) runs per mode at \(BenchUnit.count.format(rate))/s Poisson, \(rounds) alternating rounds with the same seed per round; ideal = Monte Carlo (200k draws) of the declared latencies along the longest chain; failed runs (simulated failures) are excluded from latency"
      ])
  }

  static func merge(_ into: inout RuntimeHarness.CriticalPath, _ other: RuntimeHarness.CriticalPath) {
    into.latency.add(other.latency)
    into.reported.add(other.reported)
    into.failures += other.failures
  }

  static func ratio(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }
}
