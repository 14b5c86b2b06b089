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
    // The same through the runtime's own open-loop generator (`drive`), which anchors each run at
    // its intended time, so the generator's wake-up lateness is absorbed like any sleep overshoot.
    let shortDriven = await driven(
      runtime, workflow: short.name, rate: sizes.chainRate, runs: sizes.chainRuns)
    let longDriven = await driven(
      runtime, workflow: long.name, rate: sizes.chainRate / 4, runs: max(2, sizes.chainRuns / 2))
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
    for (label, summary, ideal) in [("10x1ms", shortDriven, idealShort), ("5x10ms", longDriven, idealLong)] {
      checks.append(
        context.infoCheck(
          "\(label) p50 via drive", measured: BenchFigure("p50", summary.p50.nanoseconds, .nanoseconds),
          baseline: ideal))
      checks.append(
        context.infoCheck(
          "\(label) p99 via drive", measured: BenchFigure("p99", summary.p99.nanoseconds, .nanoseconds),
          baseline: ideal))
    }
    return BenchCaseResult(
      name: "critical-path overhead",
      figures: shortRuns.latency.figures(prefix: "10x1ms ") + longRuns.latency.figures(prefix: "5x10ms ")
        + shortRuns.reported.figures(prefix: "10x1ms runtime-reported ")
        + longRuns.reported.figures(prefix: "5x10ms runtime-reported ")
        + summaryFigures(shortDriven, prefix: "10x1ms via drive ")
        + summaryFigures(longDriven, prefix: "5x10ms via drive ")
        + [BenchFigure("failed runs", Double(shortRuns.failures + longRuns.failures), .count)],
      baseline: [idealShort, idealLong],
      checks: checks,
      notes: [
        "open loop, constant arrivals: 10x1ms at \(BenchUnit.count.format(context.sizes.chainRate))/s, 5x10ms at \(BenchUnit.count.format(context.sizes.chainRate / 4))/s; latency from each run's intended start (passed to run(workflow:intendedStart:)) to its return; 'via drive': the runtime's own generator and recording (latency from the intended start it schedules, microsecond histogram)"
      ])
  }

  /// Runs `runs` arrivals through `drive` and returns the recorded critical path.
  static func driven(_ runtime: Runtime, workflow: String, rate: Double, runs: Int) async -> LatencySummary {
    let recording = runtime.startRecording(workflow: workflow)
    await runtime.drive(workflow: workflow, rate: rate, arrivals: .constant, runs: runs)
    _ = await runtime.waitUntilSettled(timeout: .seconds(30))
    return runtime.finishRecording(recording) ?? .empty
  }

  /// p50, p99, p99.9, max and count of a runtime summary.
  static func summaryFigures(_ summary: LatencySummary, prefix: String) -> [BenchFigure] {
    [
      BenchFigure(prefix + "p50", summary.p50.nanoseconds, .nanoseconds),
      BenchFigure(prefix + "p99", summary.p99.nanoseconds, .nanoseconds),
      BenchFigure(prefix + "p99.9", summary.p999.nanoseconds, .nanoseconds),
      BenchFigure(prefix + "max", summary.max.nanoseconds, .nanoseconds),
      BenchFigure(prefix + "count", Double(summary.count), .count),
    ]
  }
}
