import Dashboard
import ExecutionCore
import Foundation

/// What the dashboard prints when it cannot draw: one status line every few seconds.
enum StatusLines {
  /// Prints until a terminating signal, until `duration` has passed, or until standard output
  /// fails; the last line is printed in every case.
  static func run(
    runtime: any RuntimeControl, reason: String, duration: Duration?, every interval: Duration = .seconds(2)
  ) async -> DashboardExit {
    // On standard output with the lines, so a log that collects them says why they are there.
    emit("lanes: \(reason); printing a status line every \(DurationText.format(interval)) (Ctrl-C stops).")
    let signals = SignalWatch()
    defer { signals.cancel() }
    let start = ContinuousClock.now
    var next = start + interval
    while true {
      if let number = signals.received {
        emit(line(runtime.snapshot()))
        return .signal(number)
      }
      if let duration, ContinuousClock.now - start >= duration {
        emit(line(runtime.snapshot()))
        return .quit
      }
      if ContinuousClock.now >= next {
        // Output that cannot be written (a closed pipe, a full disk) ends the watch: nobody reads it.
        guard emit(line(runtime.snapshot())) else { return .quit }
        next += interval
      }
      try? await Task.sleep(for: .milliseconds(50))
    }
  }

  /// Writes a line to stdout at once (no buffering, so a pipe sees each line as it happens).
  @discardableResult
  static func emit(_ text: String) -> Bool {
    Console.write(Console.escape(text) + "\n", to: .output)
  }

  /// `[00:12] hybrid | chat 36 runs p50 470ms p99 1.3s | ... | queues: depth 3, rejected 0, dead 1`.
  static func line(_ snapshot: RuntimeSnapshot) -> String {
    let seconds = Int(snapshot.uptime.seconds)
    let clock = String(format: "%02d:%02d", seconds / 60, seconds % 60)
    var parts = ["[\(clock)] \(snapshot.mode.rawValue)"]
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
    let depth = snapshot.queues.reduce(0) { $0 + $1.depth }
    let rejected = snapshot.queues.reduce(0) { $0 + $1.rejected + $1.dropped }
    let dead = snapshot.queues.reduce(0) { $0 + $1.dead }
    parts.append("queues: depth \(depth), rejected \(rejected), dead \(dead)")
    return parts.joined(separator: " | ")
  }
}
