import ExecutionCore
import Synchronization

/// Enqueue to start: a background step's wait from enqueue to start with idle workers, against
/// the bare queue's parked threads.
///
/// Measured from outside the runtime: a blocking closure stamps its end, and the background step
/// that waits on it stamps its start; the gap is the runtime handing the ready step to its queue
/// plus the queue waking a parked worker. The runtime's own queue-wait histogram is shown too.
enum EnqueueToStartCase {
  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let threads = max(2, Nanos.cores)
    let samples = context.sizes.enqueueSamples
    let rate = 1000.0
    let (measured, reported, reportedCount) = try await runtimeGaps(
      threads: threads, samples: samples, rate: rate, seed: context.seed, isolate: true)
    // The same with background workers on the shared pool at normal priority, to show what the
    // low-priority executor costs in wake-up time.
    let (shared, _, _) = try await runtimeGaps(
      threads: threads, samples: samples, rate: rate, seed: context.seed, isolate: false)
    let bare = await BareQueue.enqueueToStart(
      workers: threads, samples: samples, rate: rate, seed: context.seed)

    return BenchCaseResult(
      name: "enqueue to start",
      figures: measured.figures() + [
        BenchFigure("runtime-reported wait p50", reported.p50.nanoseconds, .nanoseconds),
        BenchFigure("runtime-reported wait p99", reported.p99.nanoseconds, .nanoseconds),
        BenchFigure("runtime-reported wait count", Double(reportedCount), .count),
      ] + shared.figures(prefix: "workers on shared pool (isolateBackground: false) "),
      baseline: bare.figures(prefix: "bare "),
      checks: [
        context.absoluteCheck(
          "p50", measured: BenchFigure("p50", measured.p50, .nanoseconds),
          baseline: BenchFigure("bare p50", bare.p50, .nanoseconds), target: "p50 <= 10us",
          bound: .atMost(10_000)),
        context.absoluteCheck(
          "p99", measured: BenchFigure("p99", measured.p99, .nanoseconds),
          baseline: BenchFigure("bare p99", bare.p99, .nanoseconds), target: "p99 <= 100us",
          bound: .atMost(100_000)),
        context.infoCheck(
          "p50, shared-pool workers", measured: BenchFigure("p50", shared.p50, .nanoseconds),
          baseline: BenchFigure("bare p50", bare.p50, .nanoseconds)),
        context.infoCheck(
          "p99, shared-pool workers", measured: BenchFigure("p99", shared.p99, .nanoseconds),
          baseline: BenchFigure("bare p99", bare.p99, .nanoseconds)),
      ],
      notes: [
        "runs triggered open loop at \(Int(rate))/s so workers are parked when each step arrives; measured from the end of the blocking step the background step waits on to the background step's first instruction; bare: enqueue to job start on \(threads) parked threads, same rate; 'runtime-reported wait' is the runtime's own queue-wait histogram (microsecond resolution); 'shared-pool workers' repeats the runtime measurement with isolateBackground: false (normal-priority workers on the cooperative pool)"
      ])
  }

  /// Gaps from a blocking step's end to the start of the background step waiting on it.
  static func runtimeGaps(
    threads: Int, samples: Int, rate: Double, seed: UInt64, isolate: Bool
  ) async throws -> (BenchHistogram, LatencySummary, Int) {
    let probe = GapProbe()
    let (gaps, workflow) = (probe.gaps, probe.workflow)
    let runtime = try RuntimeHarness.make(
      [workflow], queues: [QueueDefinition(name: "ping", workers: threads, capacity: 1000)],
      seed: seed)
    // Warm-up, then forget what it measured.
    await OpenLoop.run(rate: rate, count: 20, seed: seed) { _ in runtime.trigger(workflow: "ping") }
    _ = await runtime.waitUntilSettled(timeout: .seconds(10))
    gaps.withLock { $0 = BenchHistogram() }
    let waitBefore = runtime.snapshot(fresh: true).queue("ping")?.wait.count ?? 0
    await OpenLoop.run(rate: rate, count: samples, seed: seed) { _ in
      runtime.trigger(workflow: "ping")
    }
    _ = await runtime.waitUntilSettled(timeout: .seconds(10))
    let reported = runtime.snapshot(fresh: true).queue("ping")?.wait ?? .empty
    await RuntimeHarness.stop(runtime)
    let measured = gaps.withLock { $0 }
    return (measured, reported, reported.count - waitBefore)
  }
}

/// The probe every enqueue-to-start case runs: workflow `ping`, whose blocking step `mark` stamps
/// its end and whose background step `ping` (queue `ping`) records the gap to its own first
/// instruction in `gaps`. One definition, so the in-memory, SQLite and PostgreSQL figures measure
/// the same span.
struct GapProbe: Sendable {
  let gaps = MutexBox(BenchHistogram())
  let workflow: WorkflowDefinition

  init() {
    let marks = MutexBox([UInt64: Int64]())
    let gaps = self.gaps
    workflow = WorkflowDefinition(
      name: "ping",
      steps: [
        StepDefinition(
          id: "mark", mode: .blocking,
          action: .closure { context in
            let now = Nanos.now()
            marks.withLock { $0[context.runID] = now }
          }),
        StepDefinition(
          id: "ping", mode: .background, after: ["mark"], queue: "ping",
          action: .closure { context in
            let now = Nanos.now()
            if let mark = marks.withLock({ $0.removeValue(forKey: context.runID) }) {
              gaps.withLock { $0.record(nanoseconds: now - mark) }
            }
          }),
      ],
      load: LoadDefinition(rate: 0, arrivals: .constant))
  }
}
