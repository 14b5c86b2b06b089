import ExecutionCore

extension StatsWindow {
  /// The next window in the cycle `w` steps through (1m, 5m, since start, 10s).
  public var next: StatsWindow {
    let all = Self.allCases
    return all[(all.firstIndex(of: self)! + 1) % all.count]
  }

  /// How titles say it: `last 1m`, `since start`.
  public var phrase: String { self == .sinceStart ? "since start" : "last \(label)" }

  /// The window of every rate the dashboard shows (workflows' arrivals and responses, queues'
  /// outcomes): the core's `rateSeconds`.
  public static let rateWindow: Duration = .seconds(rateSeconds)
}
