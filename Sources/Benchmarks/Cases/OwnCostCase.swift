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
    let probes = max(10, min(100, sizes.chainRuns / 6))
    let touchWarm = await touchAfterSleep(nil, samples: probes)
    let touch1ms = await touchAfterSleep(.milliseconds(1), samples: probes)
    let touch10ms = await touchAfterSleep(.milliseconds(10), samples: probes)
    var combined = shortRuns.ownCostPerStep
    combined.add(longRuns.ownCostPerStep)
    return BenchCaseResult(
      name: "runtime's own cost per step",
      figures: combined.figures(prefix: "per step ")
        + shortRuns.ownCostPerStep.figures(prefix: "10x1ms per step ")
        + longRuns.ownCostPerStep.figures(prefix: "5x10ms per step "),
      baseline: bareShort.figures(prefix: "plain loop 10x1ms per step ")
        + bareLong.figures(prefix: "plain loop 5x10ms per step ") + [
          BenchFigure("touch 100 cache lines, warm, p50", touchWarm.touch.p50, .nanoseconds),
          BenchFigure("touch 100 cache lines after a 1 ms sleep, p50", touch1ms.touch.p50, .nanoseconds),
          BenchFigure("touch 100 cache lines after a 10 ms sleep, p50", touch10ms.touch.p50, .nanoseconds),
          BenchFigure("1 ms Task.sleep wakes late by, p50", touch1ms.overshoot.p50, .nanoseconds),
          BenchFigure("10 ms Task.sleep wakes late by, p50", touch10ms.overshoot.p50, .nanoseconds),
        ],
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

  /// Reading 100 cache lines of a warmed buffer right after a sleep of `sleep` (none: warm): what
  /// memory the runtime touches between steps costs on this machine after each step length.
  static func touchAfterSleep(_ sleep: Duration?, samples: Int) async -> (
    touch: BenchHistogram, overshoot: BenchHistogram
  ) {
    let count = 1 << 20
    let buffer = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 1, count: count)
    var histogram = BenchHistogram()
    var overshoot = BenchHistogram()
    var sum: UInt64 = 0
    for _ in 0..<samples {
      if let sleep {
        let due = Nanos.now() + sleep.wholeNanoseconds
        try? await Task.sleep(until: ContinuousClock.now + sleep, tolerance: .zero)
        overshoot.record(nanoseconds: Nanos.now() - due)
      }
      let start = Nanos.now()
      for line in 0..<100 { sum &+= buffer[(line * 8 * 97) % count] }
      histogram.record(nanoseconds: Nanos.now() - start)
    }
    if sum == 42 { histogram.record(nanoseconds: 0) }  // keeps the reads from being optimised away
    return (histogram, overshoot)
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
