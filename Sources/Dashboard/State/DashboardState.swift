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
  /// The A/B comparison in progress, if any.
  public var comparison: ComparisonProgress?

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
