import DashboardHost
import ExecutionCore

/// A one-line progress display on stderr, redrawn in place, only when stderr is a terminal.
struct ProgressLine: Sendable {
  let enabled: Bool

  /// Redraws every half second until cancelled.
  func report(runtime: Runtime, total: Duration, started: ContinuousClock.Instant, label: String = "")
    async
  {
    guard enabled else { return }
    while !Task.isCancelled {
      let snapshot = runtime.snapshot()
      let elapsed = min(ContinuousClock.now - started, total)
      let runs = snapshot.workflows.reduce(0) { $0 + $1.runsStarted }
      let depth = snapshot.queues.reduce(0) { $0 + $1.depth }
      let worst = snapshot.workflows.map(\.criticalPath.p99).max() ?? .zero
      let text =
        "\(label)[\(DurationText.format(elapsed)) / \(DurationText.format(total))] \(runs) runs, critical p99 \(DurationText.format(worst)), background depth \(depth)"
      Console.write("\r\u{1B}[2K" + Console.escape(text), to: .error)
      try? await Task.sleep(for: .milliseconds(500))
    }
  }

  /// Erases the line.
  func clear() {
    guard enabled else { return }
    Console.write("\r\u{1B}[2K", to: .error)
  }
}
