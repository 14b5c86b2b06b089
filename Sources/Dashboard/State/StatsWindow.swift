/// The span of time a percentile is computed over; the title of every panel that shows one
/// names it, so a figure is never read without its window.
public enum StatsWindow: String, Sendable, Hashable, CaseIterable {
  /// The last 10 seconds.
  case tenSeconds = "10s"
  /// The last minute (the default: recovers from a spike within a minute, yet steady).
  case oneMinute = "1m"
  /// The last 5 minutes.
  case fiveMinutes = "5m"
  /// Everything since the runtime started.
  case sinceStart = "since start"

  /// The next window in the cycle `w` steps through.
  public var next: StatsWindow {
    let all = Self.allCases
    return all[(all.firstIndex(of: self)! + 1) % all.count]
  }

  /// The window's length; nil for since start.
  public var length: Duration? {
    switch self {
    case .tenSeconds: return .seconds(10)
    case .oneMinute: return .seconds(60)
    case .fiveMinutes: return .seconds(300)
    case .sinceStart: return nil
    }
  }

  /// How titles say it: `last 1m`, `since start`.
  public var phrase: String { self == .sinceStart ? rawValue : "last \(rawValue)" }

  /// The window every rate is computed over: short enough to follow a change, long enough that a
  /// steady 3 runs/s reads as 3.
  public static let rateWindow: Duration = .seconds(5)
}
