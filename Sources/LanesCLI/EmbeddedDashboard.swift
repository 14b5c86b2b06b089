import Dashboard
import ExecutionCore
import NCursesTerminal
import TerminalUI

/// The live dashboard for a `Runtime` that a program embeds, drawn in the same process.
///
/// The same machinery as `lanes dashboard` (full screen on its own thread, plain status lines when
/// standard output is not a terminal), but the runtime belongs to the caller: this neither starts
/// nor shuts it down. Call `runtime.start()` first if the workflows' own load generators should run.
public enum LanesDashboard {
  /// Shows the dashboard for `runtime` until q or Ctrl-C (a signal, in plain mode) or until
  /// `duration` has passed; `theme` is a theme name or a `.theme` file, `readOnly` refuses every
  /// key that would change the runtime. Throws `LanesDashboardError` if it cannot be shown.
  @discardableResult
  public static func open(
    on runtime: Runtime, theme: String? = nil, readOnly: Bool = false, duration: Duration? = nil
  ) async throws(LanesDashboardError) -> DashboardExit {
    let themes: (themes: [Theme], warnings: [ThemeWarning])
    do {
      themes = try DashboardThemes.resolve(theme)
    } catch {
      // `resolve` has already printed the reason and the list of themes to stderr.
      throw LanesDashboardError("unknown theme \"\(theme ?? "default")\" (see `lanes themes`)")
    }
    let exit: DashboardExit
    switch NCursesTerminal.detectMode() {
    case .error(let message):
      throw LanesDashboardError(message)
    case .plain(let reason):
      exit = await PlainStatus.run(runtime: runtime, reason: reason, duration: duration)
    case .fullScreen:
      let options = DashboardOptions(readOnly: readOnly)
      switch await FullScreen.run(
        runtime: runtime, themes: themes.themes, options: options, duration: duration)
      {
      case .failure(let failure): throw LanesDashboardError(failure.description)
      case .success(let result): exit = result
      }
    }
    // Only now, so nothing is written over the dashboard.
    for warning in themes.warnings { Loading.printError("lanes: theme: \(warning)") }
    return exit
  }
}

/// Why `LanesDashboard.open` could not show the dashboard.
public struct LanesDashboardError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, for people.
  public var description: String

  /// Creates an error.
  public init(_ description: String) { self.description = description }
}
