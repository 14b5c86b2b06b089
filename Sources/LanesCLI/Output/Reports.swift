import ExecutionCore

/// Latency percentiles in milliseconds, for JSON and CSV.
///
/// With no samples every figure is nil, written as JSON null: an empty histogram has no
/// percentiles, and 0 ms would read as "instant".
struct LatencyReport: Codable, Equatable {
  var count: Int
  var p50_ms: Double?
  var p95_ms: Double?
  var p99_ms: Double?
  var p999_ms: Double?
  var max_ms: Double?
  var mean_ms: Double?

  init(_ summary: LatencySummary) {
    count = summary.count
    guard count > 0 else { return }
    p50_ms = Self.ms(summary.p50)
    p95_ms = Self.ms(summary.p95)
    p99_ms = Self.ms(summary.p99)
    p999_ms = Self.ms(summary.p999)
    max_ms = Self.ms(summary.max)
    mean_ms = Self.ms(summary.mean)
  }

  /// Every key always present, nil as null (the synthesized encoder leaves nil keys out).
  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(count, forKey: .count)
    try container.encode(p50_ms, forKey: .p50_ms)
    try container.encode(p95_ms, forKey: .p95_ms)
    try container.encode(p99_ms, forKey: .p99_ms)
    try container.encode(p999_ms, forKey: .p999_ms)
    try container.encode(max_ms, forKey: .max_ms)
    try container.encode(mean_ms, forKey: .mean_ms)
  }

  static func ms(_ duration: Duration) -> Double { (duration.milliseconds * 1000).rounded() / 1000 }
}

/// One workflow's results in a headless run.
struct WorkflowReport: Codable, Equatable {
  var name: String
  var mode: String
  var runs_started: Int
  var runs_responded: Int
  var runs_failed: Int
  var runs_rejected: Int
  var runs_settled: Int
  var throughput_per_s: Double
  var critical_path: LatencyReport
  var settle: LatencyReport
  /// nil (JSON null) when a step on the chain has no modelled latency.
  var expected_blocking_chain_ms: Double?
  var expected_all_steps_chain_ms: Double?
  var background_retries: Int
  var background_dead_letters: Int
  var background_rejected: Int
  var background_dropped: Int
  var background_failed_attempts: Int

  /// Every key always present, nil as null (the synthesized encoder leaves nil keys out).
  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(mode, forKey: .mode)
    try container.encode(runs_started, forKey: .runs_started)
    try container.encode(runs_responded, forKey: .runs_responded)
    try container.encode(runs_failed, forKey: .runs_failed)
    try container.encode(runs_rejected, forKey: .runs_rejected)
    try container.encode(runs_settled, forKey: .runs_settled)
    try container.encode(throughput_per_s, forKey: .throughput_per_s)
    try container.encode(critical_path, forKey: .critical_path)
    try container.encode(settle, forKey: .settle)
    try container.encode(expected_blocking_chain_ms, forKey: .expected_blocking_chain_ms)
    try container.encode(expected_all_steps_chain_ms, forKey: .expected_all_steps_chain_ms)
    try container.encode(background_retries, forKey: .background_retries)
    try container.encode(background_dead_letters, forKey: .background_dead_letters)
    try container.encode(background_rejected, forKey: .background_rejected)
    try container.encode(background_dropped, forKey: .background_dropped)
    try container.encode(background_failed_attempts, forKey: .background_failed_attempts)
  }
}

/// One queue's results in a headless run.
struct QueueReport: Codable, Equatable {
  var name: String
  var accepted: Int
  var succeeded: Int
  var retried: Int
  var failed_attempts: Int
  var dead: Int
  var rejected: Int
  var dropped: Int
  var cancelled: Int
  var still_queued: Int
  var unaccounted: Int
  var wait: LatencyReport
  var run: LatencyReport
}

/// The result of `lanes run`.
struct RunReport: Codable, Equatable {
  var mode: String
  var seed: UInt64
  var elapsed_s: Double
  var settled: Bool
  var workflows: [WorkflowReport]
  var queues: [QueueReport]
}

/// The result of `lanes compare`.
struct CompareReport: Codable, Equatable {
  var workflow: String
  var seed: UInt64
  var rate_per_s: Double
  var all_sync: WorkflowReport
  var hybrid: WorkflowReport
  /// hybrid ÷ all-sync for p50, p95, p99, max of the critical path (null without samples).
  var ratio_p50: Double?
  var ratio_p95: Double?
  var ratio_p99: Double?
  var ratio_max: Double?

  /// Every key always present, nil as null.
  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(workflow, forKey: .workflow)
    try container.encode(seed, forKey: .seed)
    try container.encode(rate_per_s, forKey: .rate_per_s)
    try container.encode(all_sync, forKey: .all_sync)
    try container.encode(hybrid, forKey: .hybrid)
    try container.encode(ratio_p50, forKey: .ratio_p50)
    try container.encode(ratio_p95, forKey: .ratio_p95)
    try container.encode(ratio_p99, forKey: .ratio_p99)
    try container.encode(ratio_max, forKey: .ratio_max)
  }
}

extension WorkflowReport {
  /// Builds the report for `definition` from a snapshot taken after the run settled.
  init(
    definition: WorkflowDefinition, snapshot: RuntimeSnapshot, mode: ExecutionMode, elapsed: Duration
  ) {
    let workflow = snapshot.workflows.first { $0.name == definition.name }
    let steps = workflow?.steps.filter { $0.mode == .background } ?? []
    name = definition.name
    self.mode = mode.rawValue
    runs_started = workflow?.runsStarted ?? 0
    runs_responded = workflow?.runsResponded ?? 0
    runs_failed = workflow?.runsFailed ?? 0
    runs_rejected = workflow?.runsRejected ?? 0
    runs_settled = workflow?.runsSettled ?? 0
    throughput_per_s =
      elapsed > .zero ? (Double(runs_responded) / elapsed.seconds * 100).rounded() / 100 : 0
    critical_path = LatencyReport(workflow?.criticalPath ?? .empty)
    settle = LatencyReport(workflow?.settle ?? .empty)
    expected_blocking_chain_ms = definition.longestBlockingChain.estimate.map(LatencyReport.ms)
    expected_all_steps_chain_ms = definition.longestChainOfAllSteps.estimate.map(LatencyReport.ms)
    background_retries = steps.reduce(0) { $0 + $1.retried }
    background_dead_letters = steps.reduce(0) { $0 + $1.deadLettered }
    background_rejected = steps.reduce(0) { $0 + $1.rejected }
    background_dropped = steps.reduce(0) { $0 + $1.dropped }
    background_failed_attempts = steps.reduce(0) { $0 + $1.failed }
  }
}

extension QueueReport {
  /// Builds the report from a queue's snapshot; `unaccounted` is what the invariant cannot place.
  init(_ queue: QueueSnapshot) {
    name = queue.name
    accepted = queue.accepted
    succeeded = queue.succeeded
    retried = queue.retried
    failed_attempts = queue.failedAttempts
    dead = queue.dead
    rejected = queue.rejected
    dropped = queue.dropped
    cancelled = queue.cancelled
    still_queued = queue.depth
    unaccounted =
      queue.accepted
      - (queue.succeeded + queue.dead + queue.cancelled + queue.dropped + still_queued)
    wait = LatencyReport(queue.wait)
    run = LatencyReport(queue.run)
  }
}
