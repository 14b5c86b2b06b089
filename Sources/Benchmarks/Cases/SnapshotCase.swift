import ExecutionCore

/// Snapshot cost: one snapshot of a runtime with 20 workflows and 20 queues, idle and then busy.
enum SnapshotCase {
  static let count = 20

  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    var workflows: [WorkflowDefinition] = []
    var queues: [QueueDefinition] = []
    for index in 0..<count {
      queues.append(QueueDefinition(name: "q\(index)", workers: 2, capacity: 200))
      workflows.append(
        WorkflowDefinition(
          name: "w\(index)",
          steps: [
            StepDefinition(
              id: "front", mode: .blocking,
              action: .simulate(SimulateSpec(latency: .uniform(min: .milliseconds(1), max: .milliseconds(3))))
            ),
            StepDefinition(
              id: "later", mode: .background, after: ["front"], queue: "q\(index)",
              action: .simulate(
                SimulateSpec(latency: .logNormal(p50: .milliseconds(5), p99: .milliseconds(30))))),
            StepDefinition(
              id: "audit", mode: .background, after: ["front"], queue: "q\((index + 1) % count)",
              action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(2))))),
          ],
          load: LoadDefinition(rate: 20, arrivals: .poisson)))
    }
    let runtime = try Runtime(
      topology: Topology(workflows: workflows, queues: queues),
      options: RuntimeOptions(seed: context.seed, startLoad: true))
    let samples = context.sizes.snapshotSamples
    let (idleFresh, idleCached) = await time(runtime, samples: samples, warmup: context.sizes.busyWarmup)
    runtime.start()
    try? await Task.sleep(for: context.sizes.busyWarmup)
    let (busyFresh, busyCached) = await time(runtime, samples: samples, warmup: context.sizes.busyWarmup)
    let busyQueues = runtime.snapshot().queues.filter { $0.accepted > 0 }.count
    let busyWorkflows = runtime.snapshot().workflows.filter { $0.runsStarted > 0 }.count
    await RuntimeHarness.stop(runtime, deadline: .milliseconds(500))

    return BenchCaseResult(
      name: "snapshot cost",
      figures: busyFresh.figures(prefix: "busy fresh ") + busyCached.figures(prefix: "busy cached ") + [
        BenchFigure("workflows with runs", Double(busyWorkflows), .count),
        BenchFigure("queues with steps", Double(busyQueues), .count),
      ],
      baseline: idleFresh.figures(prefix: "idle fresh ") + idleCached.figures(prefix: "idle cached "),
      checks: [
        context.absoluteCheck(
          "fresh p50 (busy)", measured: BenchFigure("p50", busyFresh.p50, .nanoseconds),
          baseline: BenchFigure("idle p50", idleFresh.p50, .nanoseconds), target: "p50 <= 50us",
          bound: .atMost(50_000)),
        context.absoluteCheck(
          "snapshot() p50 (busy)", measured: BenchFigure("p50", busyCached.p50, .nanoseconds),
          baseline: BenchFigure("idle p50", idleCached.p50, .nanoseconds), target: "p50 <= 50us",
          bound: .atMost(50_000)),
        context.infoCheck(
          "snapshot() p99 (busy)", measured: BenchFigure("p99", busyCached.p99, .nanoseconds),
          baseline: BenchFigure("idle p99", idleCached.p99, .nanoseconds)),
      ],
      notes: [
        "\(count) workflows at 20 runs/s each (1-3 ms blocking step, two background steps spread over \(count) queues); fresh = snapshot(fresh: true), recomputing every percentile and series; snapshot() reuses summaries up to 200 ms old (what the dashboard gets when it polls faster than that); snapshot() sampled 1 ms apart, then up to 30 fresh ones, each series at most \(DurationText.format(context.sizes.busyWarmup * 5))"
      ])
  }

  /// Times `samples` ordinary snapshots 1 ms apart (most reuse the cached summaries, one in about
  /// 200 recomputes them), then a few fresh ones (every summary recomputed).
  static func time(_ runtime: Runtime, samples: Int, warmup: Duration) async -> (
    fresh: BenchHistogram, cached: BenchHistogram
  ) {
    var fresh = BenchHistogram()
    var cached = BenchHistogram()
    var workflows = 0
    // Bounded in time as well: when one refresh takes longer than the refresh interval, every
    // call refreshes.
    let budget = max(500_000_000, 5 * warmup.wholeNanoseconds)
    var phaseStart = Nanos.now()
    for _ in 0..<samples where Nanos.now() - phaseStart < budget {
      let start = Nanos.now()
      workflows += runtime.snapshot().workflows.count
      cached.record(nanoseconds: Nanos.now() - start)
      try? await Task.sleep(for: .milliseconds(1))
    }
    phaseStart = Nanos.now()
    for index in 0..<max(1, min(samples, 30)) where index < 1 || Nanos.now() - phaseStart < budget {
      let start = Nanos.now()
      workflows += runtime.snapshot(fresh: true).workflows.count
      fresh.record(nanoseconds: Nanos.now() - start)
      try? await Task.sleep(for: .milliseconds(1))
    }
    precondition(workflows > 0)
    return (fresh, cached)
  }
}
