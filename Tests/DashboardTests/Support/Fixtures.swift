import ExecutionCore

/// A fixed, realistic snapshot: three workflows, three queues, a mode flip in the latency
/// series, a last run with blocking and background steps, events and failures.
enum Fixtures {
  static func ms(_ value: Int) -> Duration { .milliseconds(value) }

  static func summary(p50: Int, p95: Int, p99: Int, count: Int = 100) -> LatencySummary {
    LatencySummary(
      count: count, p50: ms(p50), p95: ms(p95), p99: ms(p99), p999: ms(p99 * 2), max: ms(p99 * 3),
      mean: ms(p50))
  }

  static func step(_ id: String, _ mode: StepMode, queue: String? = nil) -> StepSnapshot {
    StepSnapshot(
      id: id, mode: mode, queue: queue, duration: summary(p50: 10, p95: 20, p99: 30), succeeded: 90,
      failed: 2, timedOut: 0, retried: 1, deadLettered: 0, rejected: 0, dropped: 0)
  }

  static let lastRun = RunTrace(
    runID: 1234, workflow: "checkout", mode: .hybrid, intendedStart: .seconds(100), response: ms(42),
    settled: ms(180), failed: false,
    steps: [
      StepTrace(
        id: "validate", executedAs: .blocking, readyAt: .zero, startedAt: .zero, endedAt: ms(8),
        outcome: .succeeded, attempts: 1, onCriticalPath: true),
      StepTrace(
        id: "charge", executedAs: .blocking, readyAt: ms(8), startedAt: ms(8), endedAt: ms(42),
        outcome: .succeeded, attempts: 1, onCriticalPath: true),
      StepTrace(
        id: "receipt", executedAs: .background, readyAt: ms(42), startedAt: ms(60), endedAt: ms(110),
        outcome: .succeeded, attempts: 1, onCriticalPath: false),
      StepTrace(
        id: "sync-crm", executedAs: .background, readyAt: ms(42), startedAt: ms(50), endedAt: ms(180),
        outcome: .succeeded, attempts: 2, onCriticalPath: false),
      StepTrace(
        id: "analytics", executedAs: .background, readyAt: ms(42), startedAt: nil, endedAt: nil,
        outcome: .rejected, attempts: 0, onCriticalPath: false),
    ], number: 25)

  static func series() -> [LatencyPoint] {
    (0..<60).map { second in
      let sync = second >= 40
      return LatencyPoint(
        second: 40 + second, count: 20, p50: ms(sync ? 120 : 20 + second % 3),
        p99: ms(sync ? 300 : 45 + second % 5), mode: sync ? .allSync : .hybrid)
    }
  }

  static func workflow(
    _ name: String, state: WorkflowState = .running, rate: Double, cp: LatencySummary,
    settle: LatencySummary, failed: Int = 0, lastRun: RunTrace? = nil, series: [LatencyPoint] = []
  ) -> WorkflowSnapshot {
    WorkflowSnapshot(
      name: name, description: "", state: state, rate: rate, arrivals: .poisson, runsStarted: 1000,
      runsResponded: 1000 - failed, runsFailed: failed, runsRejected: 0, runsSettled: 990, runsInFlight: 10,
      criticalPath: cp, settle: settle, criticalPathSeries: series,
      steps: [
        step("validate", .blocking), step("charge", .blocking), step("receipt", .background, queue: "email"),
        step("sync-crm", .background, queue: "crm"), step("analytics", .background, queue: "analytics"),
      ],
      lastRun: lastRun, startedPerSecond: rate,
      windows: Dictionary(
        uniqueKeysWithValues: StatsWindow.allCases.map { window in
          (
            window,
            WindowFigures(
              window: window, covered: window.length ?? .seconds(125), criticalPath: cp, settle: settle,
              startedPerSecond: rate, respondedPerSecond: rate)
          )
        }))
  }

  static func queue(
    _ name: String, state: QueueState = .running, capacity: Int, workers: Int, busy: Int, queued: Int,
    running: Int, retrying: Int, dead: Int, rejected: Int = 0, dropped: Int = 0, oldest: Duration? = nil
  ) -> QueueSnapshot {
    QueueSnapshot(
      name: name, state: state, capacity: capacity, workers: workers, busyWorkers: busy, whenFull: .reject,
      queued: queued, running: running, waitingRetry: retrying, dead: dead, accepted: 500, succeeded: 450,
      retried: 12, failedAttempts: 15, deadLettered: dead, rejected: rejected, dropped: dropped,
      cancelled: 0, blockedProducers: 0, oldestQueuedAge: oldest, wait: summary(p50: 5, p95: 40, p99: 90),
      run: summary(p50: 30, p95: 60, p99: 80), depthSeries: (0..<30).map { ($0 * 7) % 20 },
      recent: OutcomeRates(succeeded: 12.5, retried: 0.5, failed: 0.5, deadLettered: 0, rejected: 0.2),
      windows: Dictionary(
        uniqueKeysWithValues: StatsWindow.allCases.map { window in
          (
            window,
            QueueWindowFigures(
              window: window, covered: window.length ?? .seconds(125),
              wait: summary(p50: 5, p95: 40, p99: 90),
              run: summary(p50: 30, p95: 60, p99: 80))
          )
        }))
  }

  static func snapshot(mode: ExecutionMode = .hybrid) -> RuntimeSnapshot {
    RuntimeSnapshot(
      uptime: .seconds(125), mode: mode,
      workflows: [
        workflow(
          "checkout", rate: 20, cp: summary(p50: 21, p95: 38, p99: 45),
          settle: summary(p50: 150, p95: 170, p99: 180),
          failed: 5, lastRun: lastRun, series: series()),
        workflow(
          "chat", rate: 5, cp: summary(p50: 12, p95: 20, p99: 25), settle: summary(p50: 40, p95: 60, p99: 70)),
        workflow(
          "signup", state: .paused, rate: 2, cp: summary(p50: 30, p95: 50, p99: 60),
          settle: summary(p50: 90, p95: 100, p99: 110)),
      ],
      queues: [
        queue(
          "email", capacity: 100, workers: 4, busy: 4, queued: 12, running: 4, retrying: 2, dead: 1,
          oldest: ms(350)),
        queue(
          "crm", capacity: 20, workers: 2, busy: 2, queued: 20, running: 2, retrying: 0, dead: 3, rejected: 7,
          oldest: .seconds(2)),
        queue(
          "analytics", state: .paused, capacity: 50, workers: 2, busy: 0, queued: 5, running: 0, retrying: 0,
          dead: 0),
      ],
      events: [
        RuntimeEvent(
          sequence: 1, time: .seconds(61), severity: .info, kind: .modeChanged,
          message: "mode: hybrid -> all-sync"),
        RuntimeEvent(
          sequence: 2, time: .seconds(70), severity: .warning, kind: .stepRetried,
          message: "sync-crm: attempt 1/4 failed: HTTP 503 (simulated); retry in 180ms"),
        RuntimeEvent(
          sequence: 3, time: .seconds(90), severity: .error, kind: .stepDeadLettered,
          message: "sync-crm: dead-lettered after 4 attempts: HTTP 503 (simulated)"),
        RuntimeEvent(
          sequence: 4, time: .seconds(120), severity: .info, kind: .workflowPaused, message: "signup paused"),
      ],
      recentFailures: [
        FailureRecord(
          time: .seconds(70), workflow: "checkout", step: "sync-crm", queue: "crm", attempt: 1, dead: false,
          error: "HTTP 503 (simulated)"),
        FailureRecord(
          time: .seconds(90), workflow: "checkout", step: "sync-crm", queue: "crm", attempt: 4, dead: true,
          error: "HTTP 503 (simulated)"),
      ],
      runsInFlight: 12, maxRunsInFlight: 256, shuttingDown: false)
  }
}

extension Fixtures {
  /// Three nodes: this one, a second alive, a third lost (no heartbeat for 40 s) and running other
  /// workflows; checkout's critical path merged across the live two.
  static func cluster() -> ClusterSnapshot {
    ClusterSnapshot(
      nodeID: "a1",
      nodes: [
        ClusterNodeSnapshot(
          id: "a1", address: "10.0.0.1:7700", isSelf: true, uptime: .seconds(3_725), heartbeatAge: ms(300),
          alive: true, sameWorkflows: true, reported: true, runsPerSecond: 42, busyWorkers: 3, workers: 8,
          criticalPathP99: ms(45)),
        ClusterNodeSnapshot(
          id: "b2", address: "10.0.0.2:7700", isSelf: false, uptime: .seconds(125), heartbeatAge: ms(900),
          alive: true, sameWorkflows: true, reported: true, runsPerSecond: 17.5, busyWorkers: 8, workers: 8,
          criticalPathP99: ms(120)),
        ClusterNodeSnapshot(
          id: "c3d4e5f6a7", address: nil, isSelf: false, uptime: .seconds(600), heartbeatAge: .seconds(40),
          alive: false, sameWorkflows: false, reported: true, runsPerSecond: 3, busyWorkers: 1, workers: 8,
          criticalPathP99: ms(999)),
      ],
      lostAfter: .seconds(15),
      criticalPath: ["checkout": [.last1m: summary(p50: 33, p95: 90, p99: 118)]],
      criticalPathAll: [.last1m: summary(p50: 30, p95: 88, p99: 117)])
  }

  /// `snapshot()` as a node of `cluster()` sees it.
  static func clusterSnapshot() -> RuntimeSnapshot {
    var snapshot = snapshot()
    snapshot.cluster = cluster()
    return snapshot
  }
}
