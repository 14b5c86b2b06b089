import ExecutionCore

/// What carrying data costs: memory per queued background step holding a 1 KiB payload, and the
/// runtime's own cost per step with 1 KiB in and out, each beside the same shape without data,
/// measured in the same run.
enum DataCases {
  /// The payload size the targets are set for.
  static let payloadBytes = 1024

  // MARK: Memory

  /// A queued step whose run responded: one blocking step makes the output (a buffer of its own
  /// per run, as a real step's would be), one background step after it waits on a paused queue
  /// holding its copy of what it may see. One background step per run, so each step carries a
  /// whole run's state too: the worst case for the per-step figure.
  static func memory(_ context: BenchContext) async throws -> BenchCaseResult {
    let runs = max(100, min(100_000, context.sizes.memorySteps / 10))
    let empty = try await heldPerStep(outputBytes: 0, runs: runs, seed: context.seed)
    let carrying = try await heldPerStep(outputBytes: payloadBytes, runs: runs, seed: context.seed)
    let beyond = carrying.perStep - Double(payloadBytes)
    return BenchCaseResult(
      name: "memory per queued step with a 1 KiB payload",
      figures: [
        BenchFigure("per queued step, 1 KiB payload", carrying.perStep, .bytes),
        BenchFigure("per queued step, 1 KiB payload, beyond the payload", beyond, .bytes),
        BenchFigure("steps queued", Double(carrying.queued), .count),
      ],
      baseline: [BenchFigure("per queued step, no payload (same shape)", empty.perStep, .bytes)],
      checks: [
        context.absoluteCheck(
          "bytes per step beyond a 1 KiB payload",
          measured: BenchFigure("beyond the payload", beyond, .bytes),
          baseline: BenchFigure("no payload", empty.perStep, .bytes), target: "<= 1536B",
          bound: .atMost(1536), speed: false)
      ],
      notes: [
        "\(carrying.queued) runs of a blocking step making a fresh \(payloadBytes)-byte JSON output and one background step after it, queued on a paused queue: (heap in use after - before) / steps, from mallinfo2 after malloc_trim; each step carries its run's state (one step per run); RSS grew \(carrying.residentPerStep) B per step (no payload: \(empty.residentPerStep) B), for reference"
      ])
  }

  struct Held {
    var perStep: Double
    var residentPerStep: Int
    var queued: Int
  }

  static func heldPerStep(outputBytes: Int, runs: Int, seed: UInt64) async throws -> Held {
    let make = StepDefinition(
      id: "make", mode: .blocking,
      action: .transform { _ in outputBytes > 0 ? Payload.filler(size: outputBytes) : .null })
    let hold = StepDefinition(
      id: "hold", mode: .background, after: ["make"], queue: "held", action: .transform { _ in .null })
    let workflow = WorkflowDefinition(
      name: "carry", steps: [make, hold], load: LoadDefinition(rate: 0, arrivals: .constant))
    let runtime = try RuntimeHarness.make(
      [workflow], queues: [QueueDefinition(name: "held", workers: 2, capacity: runs)], seed: seed)
    runtime.pauseQueue("held")
    _ = await RuntimeHarness.wait(timeout: .seconds(1)) { runtime.snapshot().queue("held")?.state == .paused }
    // One run first, so lazily made state (histograms, the queue's storage) is not counted.
    runtime.trigger(workflow: "carry")
    _ = await RuntimeHarness.wait(timeout: .seconds(10)) {
      (runtime.snapshot().queue("held")?.queued ?? 0) >= 1
    }
    ProcessMemory.trim()
    let before = ProcessMemory.heapBytesInUse()
    let residentBefore = ProcessMemory.residentBytes()
    var started = 1
    while started < runs {
      let burst = min(500, runs - started)
      runtime.triggerBurst(workflow: "carry", count: burst)
      started += burst
      let expected = started
      _ = await RuntimeHarness.wait(timeout: .seconds(60)) {
        (runtime.snapshot().queue("held")?.queued ?? 0) >= expected
      }
    }
    let queued = runtime.snapshot().queue("held")?.queued ?? 0
    try? await Task.sleep(for: .milliseconds(50))
    ProcessMemory.trim()
    let after = ProcessMemory.heapBytesInUse()
    let residentAfter = ProcessMemory.residentBytes()
    await RuntimeHarness.stop(runtime, deadline: .zero)
    let counted = max(1, queued - 1)
    return Held(
      perStep: Double(after - before) / Double(counted),
      residentPerStep: (residentAfter - residentBefore) / counted, queued: queued)
  }

  // MARK: Own cost

  /// Mean wall time per step of `runs` runs, one after another, of 10 steps that return at once:
  /// (without data, with `input` in and `output` out of every step), in alternating blocks.
  static func instantCost(runs: Int, input: Payload, output: Payload, seed: UInt64) async throws
    -> (plain: Double, data: Double)
  {
    let plain = SyntheticWorkflows.instantChain(name: "instant", count: 10, output: nil)
    let carrying = SyntheticWorkflows.instantChain(name: "instant-1KiB", count: 10, output: output)
    let runtime = try RuntimeHarness.make([plain, carrying], seed: seed)
    var totals = (plain: Int64(0), data: Int64(0))
    let block = max(10, runs / 4)
    for round in 0..<5 {
      for data in [false, true] {
        let start = Nanos.now()
        for _ in 0..<block {
          _ = try await runtime.run(workflow: data ? carrying.name : plain.name, input: data ? input : .null)
        }
        // Round 0 warms both up and is not counted.
        if round > 0 {
          if data { totals.data += Nanos.now() - start } else { totals.plain += Nanos.now() - start }
        }
      }
    }
    await RuntimeHarness.stop(runtime)
    let steps = Double(block * 4 * 10)
    return (Double(totals.plain) / steps, Double(totals.data) / steps)
  }

  /// `OwnCostCase`'s 10x1ms chain, with the run's input 1 KiB and every step returning 1 KiB
  /// (each step sees the input and its predecessors' outputs), beside the same chain without data.
  static func ownCost(_ context: BenchContext) async throws -> BenchCaseResult {
    let timer = StepTimer()
    let plain = SyntheticWorkflows.timedChain(
      name: "timed-10x1ms", count: 10, step: .milliseconds(1), timer: timer)
    let output = Payload.filler(size: payloadBytes)
    let carrying = SyntheticWorkflows.timedDataChain(
      name: "timed-10x1ms-1KiB", count: 10, step: .milliseconds(1), output: output, timer: timer)
    let runtime = try RuntimeHarness.make([plain, carrying], seed: context.seed)
    let sizes = context.sizes
    let input = Payload.filler(size: payloadBytes)
    for workflow in [plain.name, carrying.name] {
      _ = await RuntimeHarness.criticalPath(
        runtime, workflow: workflow, rate: sizes.chainRate, count: 20, seed: context.seed, timer: timer,
        steps: 10, input: input)
    }
    // Alternated halves, so drift in the machine's load falls on both alike.
    var plainRuns = BenchHistogram()
    var dataRuns = BenchHistogram()
    for _ in 0..<2 {
      plainRuns.add(
        await RuntimeHarness.criticalPath(
          runtime, workflow: plain.name, rate: sizes.chainRate, count: max(1, sizes.chainRuns / 2),
          seed: context.seed, timer: timer, steps: 10
        ).ownCostPerStep)
      dataRuns.add(
        await RuntimeHarness.criticalPath(
          runtime, workflow: carrying.name, rate: sizes.chainRate, count: max(1, sizes.chainRuns / 2),
          seed: context.seed, timer: timer, steps: 10, input: input
        ).ownCostPerStep)
    }
    await RuntimeHarness.stop(runtime)
    let (instantPlain, instantData) = try await instantCost(
      runs: max(100, sizes.chainRuns * 10), input: input, output: output, seed: context.seed)
    return BenchCaseResult(
      name: "runtime's own cost per step with 1 KiB in and out",
      figures: dataRuns.figures(prefix: "10x1ms 1 KiB per step ") + [
        BenchFigure("10 instant steps, 1 KiB, per step (mean)", instantData, .nanoseconds)
      ],
      baseline: plainRuns.figures(prefix: "10x1ms no data per step ") + [
        BenchFigure("10 instant steps, no data, per step (mean)", instantPlain, .nanoseconds)
      ],
      checks: [
        context.absoluteCheck(
          "10x1ms 1 KiB p50", measured: BenchFigure("p50", dataRuns.p50, .nanoseconds),
          baseline: BenchFigure("no data p50", plainRuns.p50, .nanoseconds), target: "p50 <= 10us",
          bound: .atMost(10_000))
      ],
      notes: [
        "instant steps: \(max(100, sizes.chainRuns * 10)) runs one after another of 10 steps that return at once, wall time / steps (the runtime's own CPU cost with warm caches, nothing else); 10x1ms: as own-cost's 10x1ms chain, with a \(payloadBytes)-byte run input and each step returning \(payloadBytes) bytes (a .transform step: the runtime checks the output's size, keeps it for the steps after and builds the response); baseline: the same chain of .closure steps without data, in the same runtime, alternated with it"
      ])
  }
}
