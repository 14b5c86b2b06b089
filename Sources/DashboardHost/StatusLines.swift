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
    // A remote runtime's lines say which server and how fresh the data is.
    let remote = runtime as? any RemoteRuntimeControl
    func line(_ snapshot: RuntimeSnapshot, format: StatusFormat, final: Ending? = nil) -> String {
      Self.line(snapshot, format: format, final: final, link: remote?.link())
    }
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

  /// Data older than this is marked STALE (as the dashboard's header does).
  static let staleAfter: Duration = .seconds(2)

  /// The line for `snapshot` in `format`; `final` marks the last one; `link` is the connection
  /// when the runtime is remote.
  static func line(
    _ snapshot: RuntimeSnapshot, format: StatusFormat, final: Ending? = nil, link: RuntimeLink? = nil
  ) -> String {
    switch format {
    case .text:
      var prefix = final.map { "final (\($0.text)): " } ?? ""
      if let link { prefix += "\(server(link)) " }
      return prefix + line(snapshot)
    case .json:
      return json(snapshot, final: final, link: link)
    }
  }

  /// `[server 127.0.0.1:7700, updated 0.2s ago]`, or `[server 127.0.0.1:7700 STALE 6.1s:
  /// connection refused]` when the data is old.
  static func server(_ link: RuntimeLink) -> String {
    let age = NumberText.fixed(link.lastUpdateAge.seconds, decimals: 1) + "s"
    var reason = ""
    if case .reconnecting(let why, _, _) = link.state { reason = ": \(why)" }
    guard link.lastUpdateAge > staleAfter else {
      return "[server \(link.address), updated \(age) ago\(reason)]"
    }
    return "[server \(link.address) STALE \(age)\(reason)]"
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
  /// without samples), each queue's depth, workers and outcomes; `final` and `ended` on the last;
  /// `server` (address, update age, stale, connected, error) for a remote runtime.
  static func json(_ snapshot: RuntimeSnapshot, final: Ending?, link: RuntimeLink? = nil) -> String {
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
    if let link {
      var server: [String: Any] = [
        "address": link.address, "update_age_s": (link.lastUpdateAge.seconds * 1000).rounded() / 1000,
        "stale": link.lastUpdateAge > staleAfter, "connected": link.state == .connected,
      ]
      if case .reconnecting(let reason, _, _) = link.state { server["error"] = reason }
      object["server"] = server
    }
    guard
      let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
      let text = String(data: data, encoding: .utf8)
    else { return "{}" }
    return text
  }
}
