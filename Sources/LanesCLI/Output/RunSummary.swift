import ExecutionCore

/// The table `lanes run` prints.
enum RunSummary {
  static func render(_ report: RunReport) -> String {
    var lines = [
      "lanes run: \(report.mode) mode, load for \(NumberText.fixed(report.elapsed_s, decimals: 1))s, seed \(report.seed)\(report.settled ? "" : " (not settled)")",
      "",
    ]
    var workflows = TextTable(columns: [
      .init("workflow", .left), .init("runs"), .init("failed"), .init("rejected"), .init("runs/s"),
      .init("crit p50"), .init("p95"), .init("p99"), .init("max"), .init("settle p99"),
      .init("blocking chain"),
    ])
    for workflow in report.workflows {
      let critical = workflow.critical_path
      workflows.add([
        workflow.name, "\(workflow.runs_started)", "\(workflow.runs_failed)",
        "\(workflow.runs_rejected)", NumberText.fixed(workflow.throughput_per_s, decimals: 1),
        ms(critical.p50_ms, critical.count), ms(critical.p95_ms, critical.count),
        ms(critical.p99_ms, critical.count), ms(critical.max_ms, critical.count),
        ms(workflow.settle.p99_ms, workflow.settle.count),
        workflow.expected_blocking_chain_ms.map { "≈" + ms($0, 1) } ?? "?",
      ])
    }
    lines += workflows.render()
    lines.append("")
    let failing = report.workflows.filter { !$0.failure_causes.isEmpty }
    if !failing.isEmpty {
      lines += failureLines(failing)
      lines.append("")
    }
    var queues = TextTable(columns: [
      .init("queue", .left), .init("accepted"), .init("succeeded"), .init("retried"),
      .init("dead"), .init("rejected"), .init("dropped"), .init("cancelled"), .init("left"),
      .init("lost"), .init("wait p99"), .init("run p99"),
    ])
    for queue in report.queues {
      queues.add([
        queue.name, "\(queue.accepted)", "\(queue.succeeded)", "\(queue.retried)", "\(queue.dead)",
        "\(queue.rejected)", "\(queue.dropped)", "\(queue.cancelled)", "\(queue.still_queued)",
        "\(queue.unaccounted)", ms(queue.wait.p99_ms, queue.wait.count),
        ms(queue.run.p99_ms, queue.run.count),
      ])
    }
    lines += queues.render()
    return lines.joined(separator: "\n")
  }

  /// Kinds of failure shown per workflow in the text (`--json` has them all).
  static let causesShown = 5

  /// "Why runs failed": per workflow, its failed share and its most frequent failure kinds.
  static func failureLines(_ workflows: [WorkflowReport]) -> [String] {
    var lines = ["why runs failed:"]
    for workflow in workflows {
      let percent = workflow.failedPercent.map { " (" + NumberText.fixed($0, decimals: 1) + "%)" } ?? ""
      let ended = workflow.runs_responded + workflow.runs_failed
      lines.append("  \(workflow.name): \(workflow.runs_failed) of \(ended) runs failed\(percent)")
      var causes = TextTable(columns: [.init(""), .init("", .left), .init("", .left)])
      for cause in workflow.failure_causes.prefix(causesShown) {
        causes.add(["\(cause.runs)×", cause.step, oneLine(cause.error)])
      }
      // Without its header and rule: the rows read as a list under the workflow.
      lines += causes.render().dropFirst(2).map { "    " + $0 }
      let more = workflow.failure_causes.dropFirst(causesShown)
      if !more.isEmpty {
        let runs = more.reduce(0) { $0 + $1.runs }
        lines.append("    and \(more.count) more kinds (\(runs) runs): see --json")
      }
    }
    return lines
  }

  /// An error message on one line, cut to a width a table row can hold.
  static func oneLine(_ text: String, limit: Int = 100) -> String {
    let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
    return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
  }

  /// Milliseconds as a duration cell, `-` when there were none.
  static func ms(_ value: Double?, _ count: Int) -> String {
    guard let value else { return "-" }
    return FigureText.duration(.nanoseconds(Int64(value * 1e6)), measured: count > 0)
  }
}
