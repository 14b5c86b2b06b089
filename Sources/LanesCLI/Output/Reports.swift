import ExecutionCore

/// Latency percentiles in milliseconds, for JSON and CSV.
///
/// With no samples every figure is nil, written as JSON null: an empty histogram has no
/// percentiles, and 0 ms would read as "instant".
struct LatencyReport: Codable, Equatable {
  var count: Int
  @NullIfAbsent var p50_ms: Double?
  @NullIfAbsent var p95_ms: Double?
  @NullIfAbsent var p99_ms: Double?
  @NullIfAbsent var p999_ms: Double?
  @NullIfAbsent var max_ms: Double?
  @NullIfAbsent var mean_ms: Double?

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
  @NullIfAbsent var expected_blocking_chain_ms: Double?
  @NullIfAbsent var expected_all_steps_chain_ms: Double?
  var background_retries: Int
  var background_dead_letters: Int
  var background_rejected: Int
  var background_dropped: Int
  var background_failed_attempts: Int
  /// Why runs failed: the failing step and its error, counted by kind, most frequent first.
  var failure_causes: [FailureCauseReport]

  /// Failed runs as a percentage of the runs that responded or failed (nil when none did).
  var failedPercent: Double? {
    let ended = runs_responded + runs_failed
    return ended > 0 ? Double(runs_failed) / Double(ended) * 100 : nil
  }
}

/// One kind of run failure: the blocking step that failed, its error (the first message of that
/// shape: messages differing only in numbers count together) and how many runs failed so.
struct FailureCauseReport: Codable, Equatable {
  var step: String
  var error: String
  var runs: Int
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
  @NullIfAbsent var ratio_p50: Double?
  @NullIfAbsent var ratio_p95: Double?
  @NullIfAbsent var ratio_p99: Double?
  @NullIfAbsent var ratio_max: Double?

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
    failure_causes = (workflow?.failureCauses ?? []).map {
      FailureCauseReport(step: $0.step, error: $0.error, runs: $0.count)
    }
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

/// An optional report field that is written as JSON `null` when absent instead of being left out
/// (what a synthesized encoder does with an optional), so every key of `--json` output is always
/// there for the scripts that read it.
@propertyWrapper
struct NullIfAbsent<Value: Codable & Equatable>: Codable, Equatable {
  var wrappedValue: Value?

  init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
  }
}
