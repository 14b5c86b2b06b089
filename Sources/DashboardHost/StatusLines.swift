import Dashboard
import ExecutionCore
import Foundation

/// How status-line mode writes its lines.
public enum StatusFormat: String, Sendable, CaseIterable {
  /// One readable line: workflows, then each queue.
  case text
  /// One JSON object per line (NDJSON), for log collectors; the notice goes to standard error.
  case json
}

/// What the dashboard prints when it cannot draw: one status line every few seconds, and a final
/// one, marked as such, when it stops.
enum StatusLines {
  /// Prints until a terminating signal, until `duration` has passed, or until standard output
  /// fails; the final line is printed in every case but the last.
  static func run(
    runtime: any RuntimeControl, reason: String, duration: Duration?, format: StatusFormat = .text,
    every interval: Duration = .seconds(2), watchSignals: Bool = true,
    keepSignalsIgnored: Bool = false
  ) async -> DashboardExit {
    let notice =
      "lanes: \(reason); printing a status line every \(DurationText.format(interval)) (Ctrl-C stops)."
    switch format {
    // On standard output with the lines, so a log that collects them says why they are there.
    case .text: emit(notice)
    // Not among the JSON lines: every line of standard output stays one JSON object.
    case .json: Console.error(notice)
    }
    let signals = SignalWatch(watchSignals ? SignalWatch.terminating : [], keepIgnored: keepSignalsIgnored)
    defer { signals.cancel() }
    let start = ContinuousClock.now
    var next = start + interval
    while true {
      if let number = signals.received {
        emit(line(runtime.snapshot(), format: format, final: .signal(number)))
        return .signal(number)
      }
      if let duration, ContinuousClock.now - start >= duration {
        emit(line(runtime.snapshot(), format: format, final: .duration))
        return .quit
      }
      if ContinuousClock.now >= next {
        // Output that cannot be written (a closed pipe, a full disk) ends the watch: nobody reads it.
        guard emit(line(runtime.snapshot(), format: format)) else { return .quit }
        next += interval
      }
      try? await Task.sleep(for: .milliseconds(50))
    }
  }

  /// Why the watch ended, for the final line.
  enum Ending: Equatable {
    /// `--duration` passed.
    case duration
    /// A terminating signal arrived.
    case signal(Int32)

    var text: String {
      switch self {
      case .duration: return "duration reached"
      case .signal(let number): return "stopped by \(SignalWatch.name(of: number))"
      }
    }
  }

  /// Writes a line to stdout at once (no buffering, so a pipe sees each line as it happens).
  @discardableResult
  static func emit(_ text: String) -> Bool {
    Console.write(Console.escape(text) + "\n", to: .output)
  }

  /// The line for `snapshot` in `format`; `final` marks the last one.
  static func line(_ snapshot: RuntimeSnapshot, format: StatusFormat, final: Ending? = nil) -> String {
    switch format {
    case .text:
      return final.map { "final (\($0.text)): " }.map { $0 + line(snapshot) } ?? line(snapshot)
    case .json:
      return json(snapshot, final: final)
    }
  }

  /// `[00:12] hybrid | chat 36 runs p50 470ms p99 1.3s | ... | queue email: depth 3/100, workers
  /// 2/2, 30 succeeded, 1 dead, 0 rejected, 0 dropped | ...`.
  static func line(_ snapshot: RuntimeSnapshot) -> String {
    var parts = ["[\(clock(snapshot.uptime))] \(snapshot.mode.rawValue)"]
    for workflow in snapshot.workflows {
      var text = "\(workflow.name) \(workflow.runsStarted) runs"
      if workflow.state != .running { text += " (\(workflow.state.rawValue))" }
      if workflow.criticalPath.count > 0 {
        text +=
          " p50 \(DurationText.format(workflow.criticalPath.p50)) p99 \(DurationText.format(workflow.criticalPath.p99))"
      }
      if workflow.runsFailed > 0 { text += " \(workflow.runsFailed) failed" }
      parts.append(text)
    }
    for queue in snapshot.queues {
      var text =
        "queue \(queue.name): depth \(queue.depth)/\(queue.capacity), workers \(queue.busyWorkers)/\(queue.workers), "
        + "\(queue.succeeded) succeeded, \(queue.dead) dead, \(queue.rejected) rejected, \(queue.dropped) dropped"
      if queue.state != .running { text += " (\(queue.state.rawValue))" }
      parts.append(text)
    }
    return parts.joined(separator: " | ")
  }

  /// `mm:ss` of uptime.
  static func clock(_ uptime: Duration) -> String {
    let seconds = Int(uptime.seconds)
    return String(format: "%02d:%02d", seconds / 60, seconds % 60)
  }

  /// One JSON object: uptime, mode, each workflow's counts and critical-path percentiles (null
  /// without samples), each queue's depth, workers and outcomes; `final` and `ended` on the last.
  static func json(_ snapshot: RuntimeSnapshot, final: Ending?) -> String {
    func ms(_ summary: LatencySummary, _ value: Duration) -> Any {
      summary.count > 0 ? (value.milliseconds * 1000).rounded() / 1000 : NSNull()
    }
    var object: [String: Any] = [
      "uptime_s": (snapshot.uptime.seconds * 1000).rounded() / 1000,
      "mode": snapshot.mode.rawValue,
      "final": final != nil,
      "workflows": snapshot.workflows.map { workflow -> [String: Any] in
        [
          "name": workflow.name, "state": workflow.state.rawValue, "runs_started": workflow.runsStarted,
          "runs_responded": workflow.runsResponded, "runs_failed": workflow.runsFailed,
          "critical_p50_ms": ms(workflow.criticalPath, workflow.criticalPath.p50),
          "critical_p99_ms": ms(workflow.criticalPath, workflow.criticalPath.p99),
        ]
      },
      "queues": snapshot.queues.map { queue -> [String: Any] in
        [
          "name": queue.name, "state": queue.state.rawValue, "depth": queue.depth,
          "capacity": queue.capacity, "busy_workers": queue.busyWorkers, "workers": queue.workers,
          "accepted": queue.accepted, "succeeded": queue.succeeded, "retried": queue.retried,
          "dead": queue.dead, "rejected": queue.rejected, "dropped": queue.dropped,
        ]
      },
    ]
    if let final { object["ended"] = final.text }
    guard
      let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
      let text = String(data: data, encoding: .utf8)
    else { return "{}" }
    return text
  }
}
