import ExecutionCore

/// The side-by-side table `lanes compare` prints, and its CSV form.
enum CompareTable {
  /// Rows of (metric, all-sync, hybrid, hybrid ÷ all-sync).
  static func rows(_ report: CompareReport) -> [(String, String, String, String)] {
    let sync = report.all_sync
    let hybrid = report.hybrid
    func latency(_ name: String, _ path: KeyPath<LatencyReport, Double?>, _ ratio: Double?) -> (
      String, String, String, String
    ) {
      (
        name, RunSummary.ms(sync.critical_path[keyPath: path], sync.critical_path.count),
        RunSummary.ms(hybrid.critical_path[keyPath: path], hybrid.critical_path.count),
        FigureText.ratio(ratio)
      )
    }
    func count(_ name: String, _ path: KeyPath<WorkflowReport, Int>) -> (String, String, String, String) {
      (name, "\(sync[keyPath: path])", "\(hybrid[keyPath: path])", "")
    }
    let settleRatio = ratio(hybrid.settle.p99_ms, sync.settle.p99_ms)
    return [
      latency("critical path p50", \.p50_ms, report.ratio_p50),
      latency("critical path p95", \.p95_ms, report.ratio_p95),
      latency("critical path p99", \.p99_ms, report.ratio_p99),
      latency("critical path max", \.max_ms, report.ratio_max),
      (
        "settle p99", RunSummary.ms(sync.settle.p99_ms, sync.settle.count),
        RunSummary.ms(hybrid.settle.p99_ms, hybrid.settle.count),
        FigureText.ratio(settleRatio)
      ),
      (
        "throughput", FigureText.rate(sync.throughput_per_s), FigureText.rate(hybrid.throughput_per_s), ""
      ),
      count("runs", \.runs_started),
      count("runs failed", \.runs_failed),
      count("runs rejected", \.runs_rejected),
      count("background retries", \.background_retries),
      count("dead letters", \.background_dead_letters),
      count("queue rejections", \.background_rejected),
      count("queue drops", \.background_dropped),
    ]
  }

  /// The table with a title and what each mode is expected to wait for.
  static func render(
    _ report: CompareReport, definition: WorkflowDefinition, runs: Int?, duration: Duration?
  ) -> String {
    let load =
      runs.map { "\($0) runs" } ?? "\(DurationText.format(duration ?? .zero)) of load"
    var table = TextTable(columns: [
      .init("", .left), .init("all-sync"), .init("hybrid"), .init("hybrid ÷ all-sync"),
    ])
    for (index, row) in rows(report).enumerated() {
      if index == 5 { table.addRule() }
      table.add([row.0, row.1, row.2, row.3])
    }
    let blocking = definition.longestBlockingChain
    let all = definition.longestChainOfAllSteps
    var lines = [
      "lanes compare \(report.workflow): \(load) per mode at \(FigureText.rate(report.rate_per_s)) (\(definition.load.arrivals.rawValue)), seed \(report.seed)",
      "",
    ]
    lines += table.render()
    lines += [
      "",
      "hybrid waits for the longest blocking chain:  \(blocking.pathText) \(blocking.estimateText)",
      "all-sync waits for the longest chain of all:  \(all.pathText) \(all.estimateText)",
      "(≈ is the sum of the steps' median latencies; ? where exec, http or closure steps have no modelled latency)",
    ]
    return lines.joined(separator: "\n")
  }

  /// `a ÷ b`, nil when either is missing or `b` is not positive.
  static func ratio(_ a: Double?, _ b: Double?) -> Double? {
    guard let a, let b, b > 0 else { return nil }
    return a / b
  }

  /// The figures as CSV for spreadsheets: latencies in milliseconds, counts as numbers.
  static func csv(_ report: CompareReport) -> String {
    let sync = report.all_sync
    let hybrid = report.hybrid
    func number(_ value: Double?) -> String { value.map { NumberText.fixed($0, decimals: 3) } ?? "" }
    func ratio(_ a: Double?, _ b: Double?) -> String {
      CompareTable.ratio(a, b).map { NumberText.fixed($0, decimals: 3) } ?? ""
    }
    var lines = ["metric,all_sync_ms,hybrid_ms,hybrid_over_all_sync"]
    let latencies: [(String, KeyPath<LatencyReport, Double?>)] = [
      ("p50", \.p50_ms), ("p95", \.p95_ms), ("p99", \.p99_ms), ("p999", \.p999_ms), ("max", \.max_ms),
    ]
    for (name, path) in latencies {
      let a = sync.critical_path[keyPath: path]
      let b = hybrid.critical_path[keyPath: path]
      lines.append("critical_path_\(name),\(number(a)),\(number(b)),\(ratio(b, a))")
    }
    lines.append(
      "settle_p99,\(number(sync.settle.p99_ms)),\(number(hybrid.settle.p99_ms)),\(ratio(hybrid.settle.p99_ms, sync.settle.p99_ms))"
    )
    let counts: [(String, KeyPath<WorkflowReport, Int>)] = [
      ("runs", \.runs_started), ("runs_failed", \.runs_failed), ("runs_rejected", \.runs_rejected),
      ("background_retries", \.background_retries), ("dead_letters", \.background_dead_letters),
      ("queue_rejections", \.background_rejected), ("queue_drops", \.background_dropped),
    ]
    lines.append("throughput_per_s,\(number(sync.throughput_per_s)),\(number(hybrid.throughput_per_s)),")
    for (name, path) in counts {
      lines.append("\(name),\(sync[keyPath: path]),\(hybrid[keyPath: path]),")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
