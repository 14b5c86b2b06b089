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

  /// Milliseconds as a duration cell, `-` when there were none.
  static func ms(_ value: Double?, _ count: Int) -> String {
    guard let value else { return "-" }
    return FigureText.duration(.nanoseconds(Int64(value * 1e6)), measured: count > 0)
  }
}
