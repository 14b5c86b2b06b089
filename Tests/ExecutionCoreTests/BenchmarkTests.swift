import ExecutionCore
import LanesTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Opt-in measurements (`LANES_BENCH=1 swift test -c release --filter Benchmark`): they print
/// numbers for people and assert only that the work completed.
@Suite(.enabled(if: getenv("LANES_BENCH") != nil)) struct BenchmarkTests {
  @Test func pausedQueueDrainThroughputAndMemory() async throws {
    let count = 1_000_000
    let step = StepDefinition(id: "noop", mode: .background, queue: "q", action: .closure { _ in })
    let runtime = try Runtime(
      topology: Topology(
        workflows: [WorkflowDefinition(name: "w", steps: [step], load: LoadDefinition(rate: 0))],
        queues: [QueueDefinition(name: "q", workers: 4, capacity: count)]),
      options: RuntimeOptions(startLoad: false))
    runtime.pauseQueue("q")
    let before = residentBytes()
    let fillStart = ContinuousClock.now
    // In batches, so the measure is the queued steps and their runs, not a million live run tasks.
    for batch in 1...(count / 10_000) {
      runtime.triggerBurst(workflow: "w", count: 10_000)
      while runtime.snapshot().queues[0].queued < batch * 10_000 {
        try await Task.sleep(for: .milliseconds(1))
      }
    }
    let fill = ContinuousClock.now - fillStart
    let after = residentBytes()
    print("bench: \(count) queued in \(fill); \((after - before) / count) bytes per queued step (RSS)")
    let start = ContinuousClock.now
    runtime.resumeQueue("q")
    while runtime.snapshot().queues[0].succeeded < count { try await Task.sleep(for: .milliseconds(1)) }
    let drain = ContinuousClock.now - start
    print("bench: drained \(count) no-op steps in \(drain): \(Int(Double(count) / drain.seconds)) steps/s")
    var samples: [Duration] = []
    for _ in 0..<2000 {
      let t = ContinuousClock.now
      _ = runtime.snapshot()
      samples.append(ContinuousClock.now - t)
    }
    samples.sort()
    print("bench: snapshot p50 \(samples[1000]) p99 \(samples[1980])")
    #expect(runtime.snapshot().queues[0].isBalanced)
  }

  @Test func enqueueToStartOfAnIdleWorker() async throws {
    let step = StepDefinition(id: "noop", mode: .background, queue: "q", action: .closure { _ in })
    let runtime = try Runtime(
      topology: Topology(
        workflows: [WorkflowDefinition(name: "w", steps: [step], load: LoadDefinition(rate: 0))],
        queues: [QueueDefinition(name: "q", workers: 1, capacity: 10)]),
      options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero))
    for i in 1...2000 {
      runtime.trigger(workflow: "w")
      while runtime.snapshot().queues[0].succeeded < i { await Task.yield() }
    }
    print("bench: enqueue->start wait \(runtime.snapshot(fresh: true).queues[0].wait)")
  }

  /// Critical path of 10 x 1 ms blocking steps, alone and next to CPU-bound background steps, with
  /// background work on the dedicated executor and on the shared pool.
  @Test func isolationOfTheCriticalPath() async throws {
    func measure(background: Bool, isolate: Bool) async throws -> LatencySummary {
      let burn = WorkflowDefinition(
        name: "burn",
        steps: [
          StepDefinition(
            id: "spin", mode: .background, queue: "cpu",
            action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(1)), cpu: true)))
        ], load: LoadDefinition(rate: 0))
      let chain = WorkflowDefinition(
        name: "chain",
        steps: (0..<10).map { i in blocking("s\(i)", 1, after: i == 0 ? [] : ["s\(i - 1)"]) },
        load: LoadDefinition(rate: 0))
      let runtime = try Runtime(
        topology: Topology(
          workflows: [burn, chain], queues: [QueueDefinition(name: "cpu", workers: 4, capacity: 100_000)]),
        options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: isolate))
      if background { runtime.triggerBurst(workflow: "burn", count: 5000) }
      await runtime.drive(workflow: "chain", rate: 50, runs: 100)
      _ = await runtime.waitUntilSettled(timeout: .seconds(0))
      while runtime.snapshot().workflows[1].runsSettled < 100 { try await Task.sleep(for: .milliseconds(5)) }
      let summary = runtime.snapshot(fresh: true).workflows[1].criticalPath
      _ = await runtime.shutdown(deadline: .zero)
      return summary
    }
    for round in 1...2 {
      let alone = try await measure(background: false, isolate: true)
      let isolated = try await measure(background: true, isolate: true)
      let shared = try await measure(background: true, isolate: false)
      print("bench: round \(round) chain p50/p99 alone \(alone.p50)/\(alone.p99)")
      print("bench: round \(round) with CPU background, isolated \(isolated.p50)/\(isolated.p99)")
      print("bench: round \(round) with CPU background, shared pool \(shared.p50)/\(shared.p99)")
    }
  }
}
