/// A span of recent time that percentiles and rates are computed over.
///
/// Resolution: the runtime keeps one histogram per second for the last 10 seconds and one per
/// 10 seconds for the last 5 minutes (see `WindowedLatency`), and one set of counters per second
/// for the last 5 minutes. So `last10s` percentiles cover the current second and the 9 before it,
/// `last1m` the current 10-second interval and the 5 before it (50 to 60 s), `last5m` the current
/// interval and the 29 before it (290 to 300 s); `WindowFigures.covered` says exactly how much.
/// Rates count whole seconds that have ended (the current second is not over yet).
public enum StatsWindow: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
  /// The window of every "now" rate in a snapshot (a workflow's `startedPerSecond` and
  /// `respondedPerSecond`, a queue's `recent` outcomes): the last 5 ended seconds, short enough to
  /// follow a change, long enough that a steady 3/s reads 3.
  public static let rateSeconds = 5

  /// The last 10 seconds.
  case last10s = "10s"
  /// The last minute: what a dashboard shows by default.
  case last1m = "1m"
  /// The last 5 minutes.
  case last5m = "5m"
  /// Everything since the runtime started.
  case sinceStart = "all"

  /// The window's nominal length (nil: since start).
  public var length: Duration? {
    switch self {
    case .last10s: return .seconds(10)
    case .last1m: return .seconds(60)
    case .last5m: return .seconds(300)
    case .sinceStart: return nil
    }
  }

  /// A short label for column headers and titles: `10s`, `1m`, `5m`, `all`.
  public var label: String { rawValue }
}

/// A workflow's figures over one window. Runs under a comparison (`setMode(_:workflow:comparison:)`)
/// are left out of the percentiles; they are counted in the rates (they are real arrivals).
public struct WindowFigures: Sendable, Hashable, Codable {
  /// The window.
  public var window: StatsWindow
  /// The time the percentiles actually cover (less than the window's length near the start).
  public var covered: Duration
  /// Critical-path latency (intended start to response) of runs that responded in the window.
  public var criticalPath: LatencySummary
  /// Settle latency (intended start to the last step's end) of runs that settled in the window.
  public var settle: LatencySummary
  /// Runs started per second over the window's ended seconds, whatever started them (the load
  /// generator, a trigger, or a program calling `run`): the observed arrival rate.
  public var startedPerSecond: Double
  /// Runs whose response went out, per second, over the same seconds.
  public var respondedPerSecond: Double
  /// Runs whose blocking part failed, per second, over the same seconds.
  public var failedPerSecond: Double
  /// Runs refused (paused, in-flight limit, shutdown), per second, over the same seconds.
  public var rejectedPerSecond: Double

  /// Creates window figures.
  public init(
    window: StatsWindow, covered: Duration, criticalPath: LatencySummary, settle: LatencySummary,
    startedPerSecond: Double, respondedPerSecond: Double, failedPerSecond: Double = 0,
    rejectedPerSecond: Double = 0
  ) {
    self.window = window
    self.covered = covered
    self.criticalPath = criticalPath
    self.settle = settle
    self.startedPerSecond = startedPerSecond
    self.respondedPerSecond = respondedPerSecond
    self.failedPerSecond = failedPerSecond
    self.rejectedPerSecond = rejectedPerSecond
  }

  /// Nothing recorded.
  public static func empty(_ window: StatsWindow) -> WindowFigures {
    WindowFigures(
      window: window, covered: .zero, criticalPath: .empty, settle: .empty, startedPerSecond: 0,
      respondedPerSecond: 0)
  }
}

/// A queue's latencies over one window.
public struct QueueWindowFigures: Sendable, Hashable, Codable {
  /// The window.
  public var window: StatsWindow
  /// The time the percentiles actually cover.
  public var covered: Duration
  /// Time from enqueue to start, of attempts that started and ended in the window.
  public var wait: LatencySummary
  /// Time a successful attempt ran, of attempts that ended in the window.
  public var run: LatencySummary

  /// Creates queue window figures.
  public init(window: StatsWindow, covered: Duration, wait: LatencySummary, run: LatencySummary) {
    self.window = window
    self.covered = covered
    self.wait = wait
    self.run = run
  }

  /// Nothing recorded.
  public static func empty(_ window: StatsWindow) -> QueueWindowFigures {
    QueueWindowFigures(window: window, covered: .zero, wait: .empty, run: .empty)
  }
}
