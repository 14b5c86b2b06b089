import ExecutionCore

/// Foreign load: the background lane must keep moving while other programs keep every core busy
/// (issue 10). A 2 ms blocking step and a 4 ms CPU-bound background step on a queue of 2 workers,
/// 50 runs/s, open loop: once on a quiet machine and once with two ordinary-priority CPU hogs that
/// the case starts itself and keeps running until the background has settled.
enum ForeignLoadCase {
  /// What one phase measured.
  struct Phase {
    var critical: RuntimeHarness.CriticalPath
    /// Background steps that succeeded, and how many there were (one per run).
    var succeeded: Int
    var expected: Int
    /// Enqueue to start, p99, in nanoseconds.
    var waitP99: Double
    /// From the last response to the last run settled, in nanoseconds (the limit if never).
    var settle: Double
    var settled: Bool
    /// Background threads raised by the watchdog during the phase.
    var promotions: Int
  }

  static let workflowName = "foreign-load"
  static let rate = 50.0

  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let seconds = context.options.quick ? 3 : 10
    let count = Int(rate) * seconds
    let settleLimit: Duration = .seconds(context.options.quick ? 10 : 30)
    let quiet = try await phase(context, runs: count, hogs: 0, settleLimit: settleLimit)
    // The old behaviour for comparison: background never raised (pure SCHED_IDLE). Not waited
    // for: it would not settle while the hogs run.
    let idleOnly = try await phase(context, runs: count, hogs: 2, share: 0, settleLimit: nil)
    let loaded = try await phase(context, runs: count, hogs: 2, settleLimit: settleLimit)

    func done(_ phase: Phase) -> BenchFigure {
      BenchFigure("background steps succeeded", Double(phase.succeeded), .count)
    }
    let settleNote = loaded.settled ? "" : " (not settled within \(DurationText.format(settleLimit)))"
    return BenchCaseResult(
      name: "foreign load",
      figures: loaded.critical.latency.figures(prefix: "hogs ") + [
        BenchFigure("hogs background steps succeeded", Double(loaded.succeeded), .count),
        BenchFigure("hogs background wait p99", loaded.waitP99, .nanoseconds),
        BenchFigure("hogs settle after load end", loaded.settle, .nanoseconds),
        BenchFigure("hogs threads raised", Double(loaded.promotions), .count),
        BenchFigure(
          "hogs, share 0: background steps succeeded by load end", Double(idleOnly.succeeded), .count),
        BenchFigure("hogs, share 0: background wait p99", idleOnly.waitP99, .nanoseconds),
        BenchFigure("hogs, share 0: critical p99", idleOnly.critical.latency.p99, .nanoseconds),
        BenchFigure(
          "failed runs",
          Double(quiet.critical.failures + idleOnly.critical.failures + loaded.critical.failures),
          .count),
      ],
      baseline: quiet.critical.latency.figures(prefix: "quiet ") + [
        BenchFigure("quiet background steps succeeded", Double(quiet.succeeded), .count),
        BenchFigure("quiet background wait p99", quiet.waitP99, .nanoseconds),
        BenchFigure("quiet settle after load end", quiet.settle, .nanoseconds),
        BenchFigure("quiet threads raised", Double(quiet.promotions), .count),
      ],
      checks: [
        context.absoluteCheck(
          "background done, hogs", measured: done(loaded), baseline: done(quiet),
          target: "all \(loaded.expected)", bound: .atLeast(Double(loaded.expected)), speed: false),
        context.absoluteCheck(
          "background wait p99, hogs", measured: BenchFigure("hogs wait p99", loaded.waitP99, .nanoseconds),
          baseline: BenchFigure("quiet wait p99", quiet.waitP99, .nanoseconds), target: "p99 < 1s",
          bound: .atMost(1e9)),
        context.absoluteCheck(
          "settle after load end, hogs",
          measured: BenchFigure("hogs settle", loaded.settle, .nanoseconds),
          baseline: BenchFigure("quiet settle", quiet.settle, .nanoseconds), target: "<= 2s",
          bound: .atMost(2e9)),
        context.ratioCheck(
          "critical p99, hogs: share vs none",
          measured: BenchFigure("hogs p99", loaded.critical.latency.p99, .nanoseconds),
          baseline: BenchFigure("hogs, share 0 p99", idleOnly.critical.latency.p99, .nanoseconds),
          target: "ratio <= 1.5", bound: .atMost(1.5)),
        context.infoCheck(
          "critical p99, hogs vs quiet",
          measured: BenchFigure("hogs p99", loaded.critical.latency.p99, .nanoseconds),
          baseline: BenchFigure("quiet p99", quiet.critical.latency.p99, .nanoseconds)),
        context.absoluteCheck(
          "background done, quiet", measured: done(quiet), baseline: nil,
          target: "all \(quiet.expected)", bound: .atLeast(Double(quiet.expected)), speed: false),
      ],
      notes: [
        "critical path: one 2 ms simulated blocking step at \(Int(rate))/s for \(seconds) s, open loop; background: one 4 ms CPU-bound step per run on a queue with 2 workers (\(NumberText.fixed(rate * 0.004, decimals: 2)) cores of demand)",
        "hogs: 2 child processes of this bench spinning at ordinary priority from before the first arrival until every run settled\(settleNote); settle is measured from the last response",
        "critical p99 'share vs none': with the hogs, the default share against share 0 (background never raised, the old SCHED_IDLE), i.e. what raising starved threads costs the critical path; 'hogs vs quiet' is what the hogs themselves cost it (info: two ordinary-priority hogs compete with the critical path's own threads)",
        "share 0 under the hogs: \(idleOnly.succeeded) of \(idleOnly.expected) background steps had succeeded when the load ended",
        "threads raised: promotions of starved background threads from SCHED_IDLE to the share's nice (RuntimeOptions.backgroundShare, default \(BackgroundShare.defaultShare))",
      ])
  }

  /// Runs the scenario once on a fresh runtime with `hogs` hogs and background `share`; waits up to
  /// `settleLimit` for every run to settle (nil: not at all).
  static func phase(
    _ context: BenchContext, runs: Int, hogs: Int, share: Double = BackgroundShare.defaultShare,
    settleLimit: Duration?
  ) async throws -> Phase {
    let steps = [
      StepDefinition(
        id: "respond", mode: .blocking, action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(2))))),
      StepDefinition(
        id: "work", mode: .background, after: ["respond"], queue: "bg",
        action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(4)), cpu: true))),
    ]
    let workflow = WorkflowDefinition(
      name: workflowName, steps: steps, load: LoadDefinition(rate: 0, arrivals: .constant))
    let runtime = try Runtime(
      topology: Topology(
        workflows: [workflow], queues: [QueueDefinition(name: "bg", workers: 2, capacity: 10 * runs)]),
      options: RuntimeOptions(
        mode: .hybrid, seed: context.seed, startLoad: false, snapshotRefreshInterval: .milliseconds(10),
        backgroundShare: share))
    let promotionsBefore = BackgroundDiagnostics.promotions
    let hogProcesses = try CPUHogs(count: hogs)
    defer { hogProcesses.stop() }
    let critical = await RuntimeHarness.criticalPath(
      runtime, workflow: workflowName, rate: rate, count: runs, seed: context.seed)
    let loadEnd = Nanos.now()
    var settled = false
    if let settleLimit {
      settled = await RuntimeHarness.wait(timeout: settleLimit, interval: .milliseconds(5)) {
        (runtime.snapshot().workflow(workflowName)?.runsInFlight ?? 0) == 0
      }
    }
    let settle = Double(Nanos.now() - loadEnd)
    hogProcesses.stop()
    let promotions = BackgroundDiagnostics.promotions - promotionsBefore
    // Past the refresh interval, so the wait summary includes the last steps.
    try? await Task.sleep(for: .milliseconds(20))
    let queue = runtime.snapshot().queue("bg")
    await RuntimeHarness.stop(runtime, deadline: .milliseconds(100))
    return Phase(
      critical: critical, succeeded: queue?.succeeded ?? 0, expected: runs,
      waitP99: Double(queue?.wait.p99.components.attoseconds ?? 0) / 1e9
        + Double(queue?.wait.p99.components.seconds ?? 0) * 1e9,
      settle: settle, settled: settled, promotions: promotions)
  }
}
