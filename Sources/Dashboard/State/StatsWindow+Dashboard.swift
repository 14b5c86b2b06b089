import ExecutionCore

extension StatsWindow {
  /// The next window in the cycle `w` steps through (1m, 5m, since start, 10s).
  public var next: StatsWindow {
    let all = Self.allCases
    return all[(all.firstIndex(of: self)! + 1) % all.count]
  }

  /// How titles say it: `last 1m`, `since start`.
  public var phrase: String { self == .sinceStart ? "since start" : "last \(label)" }

  /// The window of every workflow rate (`startedPerSecond`, `respondedPerSecond`): the last 5
  /// ended seconds, short enough to follow a change, long enough that a steady 3/s reads 3.
  public static let workflowRateWindow: Duration = .seconds(5)
  /// The window of the queues' outcome rates (`QueueSnapshot.recent`): the last 3 ended seconds.
  public static let queueRateWindow: Duration = .seconds(3)
}
