import ExecutionCore

/// Critical-path overhead: chains of 10 × 1 ms and 5 × 10 ms blocking steps (the runtime's own
/// simulation), open loop; latency from the intended start ÷ the ideal sum of step durations.
enum OverheadCase {
  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let short = SyntheticWorkflows.simulatedChain(name: "chain-10x1ms", count: 10, step: .milliseconds(1))
    let long = SyntheticWorkflows.simulatedChain(name: "chain-5x10ms", count: 5, step: .milliseconds(10))
    let runtime = try RuntimeHarness.make([short, long], seed: context.seed)
    let sizes = context.sizes
    // Warm-up: first runs pay for lazy allocation and the pool's thread start.
    _ = await RuntimeHarness.criticalPath(
      runtime, workflow: short.name, rate: sizes.chainRate, count: 20, seed: context.seed)
    let shortRuns = await RuntimeHarness.criticalPath(
      runtime, workflow: short.name, rate: sizes.chainRate, count: sizes.chainRuns, seed: context.seed)
    let longRuns = await RuntimeHarness.criticalPath(
      runtime, workflow: long.name, rate: sizes.chainRate / 4, count: max(2, sizes.chainRuns / 2),
      seed: context.seed)
    await RuntimeHarness.stop(runtime)

    let idealShort = BenchFigure("ideal 10x1ms", 10_000_000, .nanoseconds)
    let idealLong = BenchFigure("ideal 5x10ms", 50_000_000, .nanoseconds)
    var checks: [BenchCheck] = []
    for (label, runs, ideal) in [("10x1ms", shortRuns, idealShort), ("5x10ms", longRuns, idealLong)] {
      checks.append(
        context.ratioCheck(
          "\(label) p50", measured: BenchFigure("p50", runs.latency.p50, .nanoseconds), baseline: ideal,
          target: "ratio <= 1.01", bound: .atMost(1.01)))
      checks.append(
        context.ratioCheck(
          "\(label) p99", measured: BenchFigure("p99", runs.latency.p99, .nanoseconds), baseline: ideal,
          target: "ratio <= 1.25", bound: .atMost(1.25)))
    }
    return BenchCaseResult(
      name: "critical-path overhead",
      figures: shortRuns.latency.figures(prefix: "10x1ms ") + longRuns.latency.figures(prefix: "5x10ms ")
        + shortRuns.reported.figures(prefix: "10x1ms runtime-reported ")
        + longRuns.reported.figures(prefix: "5x10ms runtime-reported ")
        + [BenchFigure("failed runs", Double(shortRuns.failures + longRuns.failures), .count)],
      baseline: [idealShort, idealLong],
      checks: checks,
      notes: [
        "open loop, constant arrivals: 10x1ms at \(BenchUnit.count.format(context.sizes.chainRate))/s, 5x10ms at \(BenchUnit.count.format(context.sizes.chainRate / 4))/s; latency from each run's intended start to run(workflow:) returning"
      ])
  }
}
