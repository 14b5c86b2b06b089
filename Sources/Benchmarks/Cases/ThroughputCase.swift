import ExecutionCore
import Synchronization

/// Background throughput: no-op steps per second through the runtime's queues and workers ÷ the
/// bare Mutex+Deque queue with the same number of worker threads, measured alternately.
enum ThroughputCase {
  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let threads = max(2, Nanos.cores)
    let jobs = context.sizes.throughputJobs
    var bareRates: [Double] = []
    var runtimeRates: [Double] = []
    var bareCPU: [Double] = []
    var runtimeCPU: [Double] = []
    for round in 0..<max(1, context.sizes.throughputRepeats) {
      let bareRound = BareQueue.throughputAndCPU(workers: threads, jobs: jobs)
      bareRates.append(bareRound.perSecond)
      bareCPU.append(bareRound.cpuPerJob)
      let runtimeRound = try await runtimeThroughput(
        workers: threads, steps: jobs, seed: context.seed &+ UInt64(round))
      runtimeRates.append(runtimeRound.perSecond)
      runtimeCPU.append(runtimeRound.cpuPerStep)
    }
    let bare = median(bareRates)
    let measured = median(runtimeRates)
    let cpu = median(runtimeCPU)
    let cpuBare = median(bareCPU)
    return BenchCaseResult(
      name: "background throughput",
      figures: [
        BenchFigure("runtime no-op steps/s", measured, .perSecond),
        BenchFigure("runtime CPU per step", cpu, .nanoseconds),
      ]
        + runtimeRates.enumerated().map {
          BenchFigure("runtime round \($0.offset + 1)", $0.element, .perSecond)
        },
      baseline: [
        BenchFigure("bare queue jobs/s", bare, .perSecond),
        BenchFigure("bare CPU per job", cpuBare, .nanoseconds),
      ]
        + bareRates.enumerated().map { BenchFigure("bare round \($0.offset + 1)", $0.element, .perSecond) },
      checks: [
        context.ratioCheck(
          "no-op steps/s", measured: BenchFigure("runtime", measured, .perSecond),
          baseline: BenchFigure("bare", bare, .perSecond), target: "ratio >= 0.25 (aim 0.5)",
          bound: .atLeast(0.25)),
        context.infoCheck(
          "CPU per step", measured: BenchFigure("runtime", cpu, .nanoseconds),
          baseline: BenchFigure("bare", cpuBare, .nanoseconds)),
      ],
      notes: [
        "\(jobs) no-op jobs queued while workers are held, then released; timed from release to the last job's end (CPU: process user+system time over the same span, robust to other load on the machine; the runtime's background threads run with the SCHED_IDLE policy, so on a busy machine its wall-clock rate falls further than its CPU cost says); median of \(runtimeRates.count) alternating rounds; runtime: one queue with \(threads) workers on its \(threads)-thread background executor; bare: \(threads) threads"
      ])
  }

  /// Steps per second through a paused-then-resumed runtime queue of no-op closure steps.
  static func runtimeThroughput(
    workers: Int, steps: Int, seed: UInt64
  ) async throws -> (perSecond: Double, cpuPerStep: Double) {
    let fan = 100
    let runs = max(1, steps / fan)
    let total = runs * fan
    let done = Counter(target: total)
    let workflow = SyntheticWorkflows.backgroundFan(name: "fan", queue: "bulk", count: fan) {
      .closure { _ in done.increment() }
    }
    let runtime = try RuntimeHarness.make(
      [workflow], queues: [QueueDefinition(name: "bulk", workers: workers, capacity: total)], seed: seed)
    runtime.pauseQueue("bulk")
    var started = 0
    while started < runs {
      let burst = min(1000, runs - started)
      runtime.triggerBurst(workflow: "fan", count: burst)
      started += burst
      let expected = started * fan
      _ = await RuntimeHarness.wait(timeout: .seconds(30)) {
        (runtime.snapshot().queue("bulk")?.queued ?? 0) >= expected
      }
    }
    let cpuStart = ProcessCPU.nanoseconds()
    let start = Nanos.now()
    runtime.resumeQueue("bulk")
    _ = await RuntimeHarness.wait(timeout: .seconds(120), interval: .milliseconds(1)) {
      done.finishedAt != nil
    }
    let cpu = ProcessCPU.nanoseconds() - cpuStart
    let end = done.finishedAt ?? Nanos.now()
    await RuntimeHarness.stop(runtime)
    return (Double(total) / (Double(max(1, end - start)) / 1e9), Double(cpu) / Double(total))
  }

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
  }
}

/// Counts completions and notes when the target count was reached.
final class Counter: Sendable {
  private let count = Atomic<Int>(0)
  private let finished = Atomic<Int64>(0)
  let target: Int

  init(target: Int) { self.target = target }

  func increment() {
    if count.add(1, ordering: .relaxed).newValue == target {
      finished.store(Nanos.now(), ordering: .releasing)
    }
  }

  /// When the target was reached (nil before).
  var finishedAt: Int64? {
    let value = finished.load(ordering: .acquiring)
    return value == 0 ? nil : value
  }
}
