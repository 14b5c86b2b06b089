import ExecutionCore

/// The runtime's own cost per step: (call to response − the time the steps measured themselves)
/// ÷ steps, against the same closures awaited one after another by a plain loop.
enum OwnCostCase {
  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let timer = StepTimer()
    let short = SyntheticWorkflows.timedChain(
      name: "timed-10x1ms", count: 10, step: .milliseconds(1), timer: timer)
    let long = SyntheticWorkflows.timedChain(
      name: "timed-5x10ms", count: 5, step: .milliseconds(10), timer: timer)
    let runtime = try RuntimeHarness.make([short, long], seed: context.seed)
    let sizes = context.sizes
    _ = await RuntimeHarness.criticalPath(
      runtime, workflow: short.name, rate: sizes.chainRate, count: 20, seed: context.seed, timer: timer,
      steps: 10)
    let shortRuns = await RuntimeHarness.criticalPath(
      runtime, workflow: short.name, rate: sizes.chainRate, count: sizes.chainRuns, seed: context.seed,
      timer: timer, steps: 10)
    let longRuns = await RuntimeHarness.criticalPath(
      runtime, workflow: long.name, rate: sizes.chainRate / 4, count: max(2, sizes.chainRuns / 2),
      seed: context.seed, timer: timer, steps: 5)
    await RuntimeHarness.stop(runtime)

    let bareShort = await bareLoop(
      steps: 10, step: .milliseconds(1), rate: sizes.chainRate, count: sizes.chainRuns, seed: context.seed)
    let bareLong = await bareLoop(
      steps: 5, step: .milliseconds(10), rate: sizes.chainRate / 4, count: max(2, sizes.chainRuns / 2),
      seed: context.seed)
    var combined = shortRuns.ownCostPerStep
    combined.add(longRuns.ownCostPerStep)
    return BenchCaseResult(
      name: "runtime's own cost per step",
      figures: combined.figures(prefix: "per step ")
        + shortRuns.ownCostPerStep.figures(prefix: "10x1ms per step ")
        + longRuns.ownCostPerStep.figures(prefix: "5x10ms per step "),
      baseline: bareShort.figures(prefix: "plain loop 10x1ms per step ")
        + bareLong.figures(prefix: "plain loop 5x10ms per step "),
      checks: [
        context.absoluteCheck(
          "10x1ms p50", measured: BenchFigure("p50", shortRuns.ownCostPerStep.p50, .nanoseconds),
          baseline: BenchFigure("plain loop p50", bareShort.p50, .nanoseconds), target: "p50 <= 10us",
          bound: .atMost(10_000)),
        context.absoluteCheck(
          "5x10ms p50", measured: BenchFigure("p50", longRuns.ownCostPerStep.p50, .nanoseconds),
          baseline: BenchFigure("plain loop p50", bareLong.p50, .nanoseconds), target: "p50 <= 10us",
          bound: .atMost(10_000)),
      ],
      notes: [
        "steps are closures that sleep their duration and time themselves; per run: (run(workflow:) call to return - sum of the steps' own times) / steps; baseline: the same closures awaited in sequence by a plain loop, at each step length (after a 10 ms sleep this VM's caches are cold: the plain loop's own per-step cost grows with the sleep)"
      ])
  }

  /// The same step closures awaited one after another without the runtime, open loop.
  static func bareLoop(steps: Int, step: Duration, rate: Double, count: Int, seed: UInt64) async
    -> BenchHistogram
  {
    let timer = StepTimer()
    let body: @Sendable (UInt64) async -> Void = { runID in
      let start = Nanos.now()
      try? await Task.sleep(until: ContinuousClock.now + step, tolerance: .zero)
      timer.add(run: runID, nanoseconds: Nanos.now() - start)
    }
    let histogram = MutexBox(BenchHistogram())
    await OpenLoop.run(rate: rate, count: count, seed: seed) { arrival in
      let runID = UInt64(arrival.index + 1)
      let called = Nanos.now()
      for _ in 0..<steps { await body(runID) }
      let cost = (Nanos.now() - called - timer.take(run: runID)) / Int64(max(1, steps))
      histogram.withLock { $0.record(nanoseconds: cost) }
    }
    return histogram.withLock { $0 }
  }
}
