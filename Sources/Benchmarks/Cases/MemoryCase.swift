import ExecutionCore

/// Memory per queued step: heap bytes in use with N steps waiting on a paused queue, per step,
/// against the heap in use before queuing. Heap accounting (mallinfo2), not RSS: RSS moves with
/// pages the allocator keeps or returns and with thread stacks, and at a few thousand steps that
/// noise is larger than the figure (a quick run once read -4 bytes per step).
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
    let before = ProcessMemory.heapBytesInUse()
    let residentBefore = ProcessMemory.residentBytes()
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
    let after = ProcessMemory.heapBytesInUse()
    let residentAfter = ProcessMemory.residentBytes()
    await RuntimeHarness.stop(runtime, deadline: .zero)

    let perStep = Double(after - before) / Double(max(1, queued))
    let residentPerStep = (residentAfter - residentBefore) / max(1, queued)
    return BenchCaseResult(
      name: "memory per queued step",
      figures: [
        BenchFigure("per queued step", perStep, .bytes),
        BenchFigure("heap in use with steps queued", Double(after), .bytes),
        BenchFigure("steps queued", Double(queued), .count),
      ],
      baseline: [BenchFigure("heap in use before queuing", Double(before), .bytes)],
      checks: [
        context.absoluteCheck(
          "bytes per step", measured: BenchFigure("per step", perStep, .bytes),
          baseline: nil, target: "<= 500B", bound: .atMost(500), speed: false)
      ],
      notes: [
        "\(queued) no-op steps from \(runs) runs of \(stepsPerRun) background steps each, on a paused queue; (heap in use after - before) / steps, from glibc's mallinfo2 after malloc_trim; RSS grew \(residentPerStep) B per step, for reference; includes each run's state shared by its \(stepsPerRun) steps"
      ])
  }
}
