import ExecutionCore

/// Overload: 10 × the measured capacity: accepted work lost, peak memory ÷ peak memory at 1 ×,
/// critical-path p99 ÷ unloaded.
enum OverloadCase {
  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let workers = 4
    let workflow = WorkflowDefinition(
      name: "order",
      steps: [
        StepDefinition(
          id: "accept", mode: .blocking, action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(1))))),
        StepDefinition(
          id: "fulfil", mode: .background, after: ["accept"], queue: "work",
          action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(10))))),
      ],
      load: LoadDefinition(rate: 0, arrivals: .constant))
    let runtime = try RuntimeHarness.make(
      [workflow],
      queues: [QueueDefinition(name: "work", workers: workers, capacity: 1000, whenFull: .reject)],
      seed: context.seed)
    let phaseSeconds = context.sizes.overloadPhase.seconds

    // Capacity: drain a backlog through the queue and time it.
    let backlog = max(8, Int(Double(workers) * 100 * min(1, phaseSeconds)))
    runtime.pauseQueue("work")
    runtime.triggerBurst(workflow: "order", count: backlog)
    _ = await RuntimeHarness.wait(timeout: .seconds(10)) {
      (runtime.snapshot().queue("work")?.queued ?? 0) >= backlog
    }
    let drainStart = Nanos.now()
    runtime.resumeQueue("work")
    _ = await RuntimeHarness.wait(timeout: .seconds(60)) {
      (runtime.snapshot().queue("work")?.succeeded ?? 0) >= backlog
    }
    let capacity = Double(backlog) / (Double(Nanos.now() - drainStart) / 1e9)

    let unloaded = await RuntimeHarness.criticalPath(
      runtime, workflow: "order", rate: 50, count: max(10, Int(50 * phaseSeconds / 2)), seed: context.seed)

    func phase(_ multiple: Double) async -> (RuntimeHarness.CriticalPath, Int) {
      ProcessMemory.trim()
      let sampler = MemorySampler()
      let rate = capacity * multiple
      let runs = await RuntimeHarness.criticalPath(
        runtime, workflow: "order", rate: rate, count: max(1, Int(rate * phaseSeconds)), seed: context.seed)
      return (runs, sampler.finish())
    }
    let (normal, normalPeak) = await phase(1)
    _ = await runtime.waitUntilSettled(timeout: .seconds(30))
    let (overload, overloadPeak) = await phase(10)
    let settled = await runtime.waitUntilSettled(timeout: .seconds(60))
    let snapshot = runtime.snapshot(fresh: true)
    await RuntimeHarness.stop(runtime)

    let queue = snapshot.queue("work")
    let runs = snapshot.workflow("order")
    let lostSteps = (queue?.accepted ?? 0) - (queue?.succeeded ?? 0) - (queue?.dead ?? 0)
    let lostRuns = (runs?.runsStarted ?? 0) - (runs?.runsResponded ?? 0) - (runs?.runsFailed ?? 0)
    let lost = Double(lostSteps + lostRuns + (settled ? 0 : 1_000_000_000))
    return BenchCaseResult(
      name: "overload",
      figures: [
        BenchFigure("measured capacity", capacity, .perSecond),
        BenchFigure("accepted steps lost", Double(lostSteps), .count),
        BenchFigure("runs lost", Double(lostRuns), .count),
        BenchFigure("steps accepted", Double(queue?.accepted ?? 0), .count),
        BenchFigure("steps rejected (visible)", Double(queue?.rejected ?? 0), .count),
        BenchFigure("peak RSS at 10x", Double(overloadPeak), .bytes),
      ] + overload.latency.figures(prefix: "10x ") + normal.latency.figures(prefix: "1x "),
      baseline: [BenchFigure("peak RSS at 1x", Double(normalPeak), .bytes)]
        + unloaded.latency.figures(prefix: "unloaded "),
      checks: [
        context.absoluteCheck(
          "accepted work lost", measured: BenchFigure("lost", lost, .count), baseline: nil, target: "0",
          bound: .atMost(0), speed: false),
        context.ratioCheck(
          "peak memory", measured: BenchFigure("peak 10x", Double(overloadPeak), .bytes),
          baseline: BenchFigure("peak 1x", Double(normalPeak), .bytes), target: "ratio <= 2",
          bound: .atMost(2),
          speed: false),
        context.ratioCheck(
          "critical path p99", measured: BenchFigure("10x p99", overload.latency.p99, .nanoseconds),
          baseline: BenchFigure("unloaded p99", unloaded.latency.p99, .nanoseconds), target: "ratio <= 2",
          bound: .atMost(2)),
      ],
      notes: [
        "workflow: 1 ms blocking step, then a 10 ms background step on a queue of \(workers) workers, capacity 1000, reject when full; capacity measured by draining a backlog of \(backlog); each phase \(DurationText.format(context.sizes.overloadPhase)) open loop; peaks sampled from /proc/self/statm every 5 ms within each phase (VmHWM cannot be reset); lost = accepted - succeeded - dead, plus runs never answered, after settling"
      ])
  }
}
