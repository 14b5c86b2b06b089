import TerminalUI

/// How a dashboard behaves; the defaults suit `lanes` with no arguments.
public struct DashboardOptions: Sendable {
  /// Refuse every key that changes the runtime, and say so.
  public var readOnly: Bool
  /// The refresh intervals `<` and `>` step through.
  public var refreshIntervals: [Duration]
  /// The interval to start with, as an index into `refreshIntervals`.
  public var initialRefreshIndex: Int
  /// How long each phase of the A/B comparison lasts.
  public var comparisonPhase: Duration
  /// How long a status message stays.
  public var statusDuration: Duration
  /// Data older than this is marked STALE in the header.
  public var staleAfter: Duration
  /// Where `s` writes screen dumps.
  public var dumpDirectory: String
  /// The keys.
  public var keyTable: KeyTable
  /// The theme to start with, by name (nil or unknown: the first in the list).
  public var initialTheme: String?
  /// Draw with ASCII only (`--ascii`), even when the terminal could show UTF-8.
  public var ascii: Bool
  /// Problems found while loading themes, shown in the status line and the events at start.
  public var themeWarnings: [String]

  /// Creates options.
  public init(
    readOnly: Bool = false, refreshIntervals: [Duration] = DashboardState.defaultRefreshIntervals,
    initialRefreshIndex: Int = 1, comparisonPhase: Duration = .seconds(10),
    statusDuration: Duration = .seconds(4), staleAfter: Duration = .seconds(2),
    dumpDirectory: String = ".", keyTable: KeyTable = .standard, initialTheme: String? = nil,
    ascii: Bool = false, themeWarnings: [String] = []
  ) {
    self.ascii = ascii
    self.themeWarnings = themeWarnings
    self.initialTheme = initialTheme
    self.readOnly = readOnly
    self.refreshIntervals = refreshIntervals
    self.initialRefreshIndex = initialRefreshIndex
    self.comparisonPhase = comparisonPhase
    self.statusDuration = statusDuration
    self.staleAfter = staleAfter
    self.dumpDirectory = dumpDirectory
    self.keyTable = keyTable
  }
}

extension DashboardOptions {
  /// Options for a dashboard embedded in a service: read-only unless the program opts in with
  /// `allowChanges`, because keys like `+` (synthetic load through the service's real closures)
  /// and `m` (the live service to all-sync) act on production traffic.
  public static func embedded(allowChanges: Bool = false) -> DashboardOptions {
    DashboardOptions(readOnly: !allowChanges)
  }
}

/// Why the dashboard stopped.
public enum DashboardExit: Sendable, Hashable {
  /// The user quit (q or Ctrl-C).
  case quit
  /// A signal (SIGINT, SIGTERM, SIGHUP) asked the program to stop.
  case signal(Int32)
}
