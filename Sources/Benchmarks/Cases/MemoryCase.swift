import ExecutionCore

/// Memory per queued step: resident memory with N steps waiting on a paused queue, per step,
/// against the resident memory before queuing.
enum MemoryCase {
  /// Steps per run: a queued step also carries its share of its run's state.
  static let stepsPerRun = 100

  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let runs = max(1, context.sizes.memorySteps / stepsPerRun)
    let total = runs * stepsPerRun
    let workflow = SyntheticWorkflows.backgroundFan(
      name: "hold", queue: "held", count: stepsPerRun, action: SyntheticWorkflows.noOp)
    let runtime = try RuntimeHarness.make(
      [workflow], queues: [QueueDefinition(name: "held", workers: 2, capacity: total)], seed: context.seed)
    runtime.pauseQueue("held")
    _ = await RuntimeHarness.wait(timeout: .seconds(1)) { runtime.snapshot().queue("held")?.state == .paused }
    ProcessMemory.trim()
    let before = ProcessMemory.residentBytes()
    var started = 0
    while started < runs {
      let burst = min(500, runs - started)
      runtime.triggerBurst(workflow: "hold", count: burst)
      started += burst
      let expected = started * stepsPerRun
      _ = await RuntimeHarness.wait(timeout: .seconds(60)) {
        (runtime.snapshot().queue("held")?.queued ?? 0) >= expected
      }
    }
    let queued = runtime.snapshot().queue("held")?.queued ?? 0
    // The runs' tasks have ended (each returned after queuing); give their memory back first.
    try? await Task.sleep(for: .milliseconds(50))
    ProcessMemory.trim()
    let after = ProcessMemory.residentBytes()
    await RuntimeHarness.stop(runtime, deadline: .zero)

    let perStep = Double(after - before) / Double(max(1, queued))
    return BenchCaseResult(
      name: "memory per queued step",
      figures: [
        BenchFigure("per queued step", perStep, .bytes),
        BenchFigure("resident with steps queued", Double(after), .bytes),
        BenchFigure("steps queued", Double(queued), .count),
      ],
      baseline: [BenchFigure("resident before queuing", Double(before), .bytes)],
      checks: [
        context.absoluteCheck(
          "bytes per step", measured: BenchFigure("per step", perStep, .bytes),
          baseline: nil, target: "<= 500B", bound: .atMost(500), speed: false)
      ],
      notes: [
        "\(queued) no-op steps from \(runs) runs of \(stepsPerRun) background steps each, on a paused queue; (RSS after - RSS before) / steps, both read from /proc/self/statm after malloc_trim; includes each run's state shared by its \(stepsPerRun) steps"
      ])
  }
}
