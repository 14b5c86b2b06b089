import Dashboard
import ExecutionCore
import NCursesTerminal
import TerminalUI

/// The live dashboard for a `Runtime`, drawn in the same process: the entry point a program that
/// embeds Lanes uses, and the one `lanes dashboard` uses.
///
/// Full screen on its own thread when standard input and output are a terminal, plain status
/// lines otherwise. The runtime belongs to the caller: this neither starts nor shuts it down.
/// Nothing here exits the process; every failure is a `LanesDashboardError`.
public enum LanesDashboard {
  /// How the dashboard will be shown.
  public enum Display: Sendable, Hashable {
    /// Full screen (ncurses).
    case fullScreen
    /// A status line every few seconds on standard output; `reason` says why not full screen.
    case statusLines(reason: String)
  }

  /// Decides how the dashboard can be shown here (TERM, whether stdin and stdout are terminals).
  /// Throws a `.terminal` error when the terminal is misconfigured (TERM unset or unknown).
  public static func display() throws(LanesDashboardError) -> Display {
    switch NCursesTerminal.detectMode() {
    case .fullScreen: return .fullScreen
    case .plain(let reason): return .statusLines(reason: reason)
    case .error(let message): throw LanesDashboardError(.terminal, message)
    }
  }

  /// Shows the dashboard for `runtime` (in this process, or a remote one such as `LanesRemote`'s
  /// `RemoteRuntime`) until q, a terminating signal (SIGINT, SIGTERM, SIGHUP,
  /// SIGQUIT) or `duration`, and returns how it ended; status lines are in `statusFormat`, the
  /// last one marked final (with the signal that stopped it). The terminal is restored before this
  /// returns. Throws `.terminal` if the terminal could not be taken over, `.output` if standard
  /// output failed while status lines were printed. In status-line mode the terminating signals
  /// end it (with a final line) unless `watchSignals` is false, for a service that handles its
  /// own; they get their earlier dispositions back when it returns, unless `keepSignalsIgnored`
  /// (for a command that exits next and must not be cut short by a second signal while it cleans
  /// up). Full screen always restores the terminal on a terminating signal.
  @discardableResult
  public static func show(
    _ runtime: any RuntimeControl, display: Display, themes: DashboardThemes,
    options: DashboardOptions = DashboardOptions(), duration: Duration? = nil,
    statusFormat: StatusFormat = .text, watchSignals: Bool = true, keepSignalsIgnored: Bool = false
  ) async throws(LanesDashboardError) -> DashboardExit {
    switch display {
    case .statusLines(let reason):
      let exit = await StatusLines.run(
        runtime: runtime, reason: reason, duration: duration, format: statusFormat,
        watchSignals: watchSignals, keepSignalsIgnored: keepSignalsIgnored)
      if let failure = Console.failuresSoFar.first(where: { $0.stream == .output }) {
        throw LanesDashboardError(.output, failure.description)
      }
      return exit
    case .fullScreen:
      switch await FullScreen.run(
        runtime: runtime, themes: themes.themes, options: options, duration: duration)
      {
      case .failure(let failure): throw failure
      case .success(let exit): return exit
      }
    }
  }

  /// Shows the dashboard for `runtime` until q or Ctrl-C (a signal, in status-line mode) or until
  /// `duration` has passed; `theme` is a theme name or a `.theme` file. An embedded dashboard only
  /// watches: keys that would change the runtime (pause, mode, synthetic load through the
  /// service's real closures) are refused unless the program passes `allowChanges: true`. `ascii`
  /// draws with ASCII only. The theme's warnings are shown when the dashboard starts and, capped,
  /// on standard error once the terminal is back. Throws `LanesDashboardError` if it cannot be shown.
  @discardableResult
  public static func open(
    on runtime: Runtime, theme: String? = nil, allowChanges: Bool = false, ascii: Bool = false,
    duration: Duration? = nil
  ) async throws(LanesDashboardError) -> DashboardExit {
    let themes = try DashboardThemes.resolve(theme)
    var options = DashboardOptions.embedded(allowChanges: allowChanges)
    options.ascii = ascii
    options.themeWarnings = themes.warningTexts
    let exit = try await show(
      runtime, display: try display(), themes: themes, options: options, duration: duration)
    // Only now, so nothing is written over the dashboard.
    for line in themes.warningLines() { Console.error(line) }
    return exit
  }
}
