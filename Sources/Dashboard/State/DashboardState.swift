import ExecutionCore

/// What the dashboard remembers between frames; everything else comes from the snapshot.
public struct DashboardState: Sendable, Hashable {
  /// Index of the selected workflow (clamped to the snapshot when used).
  public var selectedWorkflow = 0
  /// Index of the selected queue (clamped to the snapshot when used).
  public var selectedQueue = 0
  /// Rows the event log is scrolled back from its newest entry.
  public var eventScroll = 0
  /// The panel the arrows act on.
  public var focus: FocusPanel = .workflows
  /// True while the display keeps its last snapshot (the runtime keeps running).
  public var frozen = false
  /// The refresh intervals `<` and `>` step through.
  public var refreshIntervals: [Duration]
  /// Index into `refreshIntervals`.
  public var refreshIndex: Int
  /// Index into the theme list.
  public var themeIndex = 0
  /// How many themes there are to cycle through.
  public var themeCount: Int
  /// What is drawn over the panels.
  public var overlay: Overlay = .none
  /// Lines the help overlay is scrolled down by (when it is taller than the terminal).
  public var helpScroll = 0
  /// Feedback for the last action, while it lasts.
  public var status: StatusMessage?
  /// True when keys that change the runtime are refused.
  public var readOnly: Bool
  /// True when the runtime is a remote one that refuses every change (a read-only server): keys
  /// that change the runtime are refused here, with a message saying it is the server's rule.
  public var serverReadOnly = false
  /// The A/B comparison in progress, if any.
  public var comparison: ComparisonProgress?
  /// The window percentiles are computed over.
  public var window: StatsWindow = .last1m
  /// Rows the waterfall's steps are scrolled down by.
  public var waterfallScroll = 0
  /// Warnings of the dashboard itself (theme problems found at start), shown first in the log.
  public var notices: [String] = []
  /// Pauses asked for and not yet reported as done, so the status line can say "paused" when
  /// the runtime gets there instead of staying on "pausing…".
  public var pendingPauses: [PendingPause] = []

  /// The intervals offered by default.
  public static let defaultRefreshIntervals: [Duration] = [
    .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
  ]

  /// Creates the state a dashboard opens with.
  public init(
    readOnly: Bool = false, themeCount: Int = 1,
    refreshIntervals: [Duration] = DashboardState.defaultRefreshIntervals,
    refreshIndex: Int = 1
  ) {
    self.readOnly = readOnly
    self.themeCount = max(1, themeCount)
    self.refreshIntervals = refreshIntervals.isEmpty ? [.milliseconds(500)] : refreshIntervals
    self.refreshIndex = min(max(0, refreshIndex), self.refreshIntervals.count - 1)
  }

  /// How often a new snapshot is taken.
  public var refreshInterval: Duration { refreshIntervals[refreshIndex] }

  /// The status message if it has not expired at `now`.
  public func visibleStatus(at now: Duration) -> StatusMessage? {
    guard let status, status.expires > now else { return nil }
    return status
  }
}

/// A pause the dashboard asked for, watched until the snapshot shows it done.
public struct PendingPause: Sendable, Hashable {
  /// What is pausing.
  public enum Target: Sendable, Hashable {
    /// A workflow, by name.
    case workflow(String)
    /// A queue, by name.
    case queue(String)
  }

  /// What is pausing.
  public var target: Target
  /// When the pause was asked for (the dashboard clock).
  public var askedAt: Duration
  /// True once a snapshot showed it pausing: from then on "running" means someone resumed it.
  public var seenPausing = false

  /// How long a pause may stay unseen in the snapshots before it is forgotten: a remote runtime
  /// gets the request after the key press, so the next snapshots may still show "running".
  public static let unseenLimit: Duration = .seconds(5)

  /// Creates a pending pause asked for at `askedAt`.
  public init(_ target: Target, askedAt: Duration = .zero) {
    self.target = target
    self.askedAt = askedAt
  }
}

extension DashboardState {
  /// How many theme warnings the log lists one by one; the rest are counted.
  public static let noticeCap = 5

  /// Takes the theme loader's warnings: the first few into the log, the rest as a count, and
  /// one status line that says how many and where to read them.
  public mutating func report(themeWarnings warnings: [String], now: Duration, for duration: Duration) {
    guard !warnings.isEmpty else { return }
    notices = Array(warnings.prefix(Self.noticeCap))
    if warnings.count > Self.noticeCap {
      notices.append("… and \(warnings.count - Self.noticeCap) more theme warnings")
    }
    let count = warnings.count == 1 ? "1 warning" : "\(warnings.count) warnings"
    status = StatusMessage(
      text: "theme: \(count), see the events (first: \(warnings[0]))", tone: .warning, expires: now + duration
    )
  }
}
