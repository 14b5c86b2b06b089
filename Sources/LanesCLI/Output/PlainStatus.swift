import Dashboard
import ExecutionCore
import Foundation

/// What the dashboard prints when it cannot draw: one status line every few seconds.
enum PlainStatus {
  /// Prints until SIGINT, SIGTERM or SIGHUP, or until `duration` has passed.
  static func run(runtime: Runtime, reason: String, duration: Duration?, every interval: Duration = .seconds(2))
    async -> DashboardExit
  {
    emit("lanes: \(reason); printing a status line every \(DurationText.format(interval)) (Ctrl-C stops).")
    let signals = SignalWatch([SIGINT, SIGTERM, SIGHUP])
    defer { signals.cancel() }
    let start = ContinuousClock.now
    var next = start + interval
    while true {
      if let number = signals.received { return .signal(number) }
      if let duration, ContinuousClock.now - start >= duration {
        emit(line(runtime.snapshot()))
        return .quit
      }
      if ContinuousClock.now >= next {
        emit(line(runtime.snapshot()))
        next += interval
      }
      try? await Task.sleep(for: .milliseconds(50))
    }
  }

  /// Writes a line to stdout at once (no buffering, so a pipe sees each line as it happens).
  static func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
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

/// Watches signals without letting them kill the process; `received` is the first one seen.
final class SignalWatch: @unchecked Sendable {
  // Safe: `first` is only touched under `lock`; the sources are created and cancelled on the
  // caller's thread and their handlers only call `record`.
  private let lock = NSLock()
  private var first: Int32?
  private var sources: [DispatchSourceSignal] = []

  init(_ numbers: [Int32]) {
    for number in numbers {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in self?.record(number) }
      source.resume()
      sources.append(source)
    }
  }

  var received: Int32? { lock.withLock { first } }

  private func record(_ number: Int32) {
    lock.withLock { if first == nil { first = number } }
  }

  func cancel() { sources.forEach { $0.cancel() } }
}
