import Dashboard
import ExecutionCore
import Foundation
import NCursesTerminal
import TerminalUI

/// The full-screen dashboard on a dedicated thread (ncurses wants one thread, and the UI loop
/// must never hold up the runtime's tasks).
enum FullScreen {
  /// Takes over the terminal until q, a terminating signal or `duration`, then restores it.
  static func run(
    runtime: any RuntimeControl, themes: [Theme], options: DashboardOptions, duration: Duration?
  ) async -> Result<DashboardExit, LanesDashboardError> {
    await withCheckedContinuation { continuation in
      let thread = Thread {
        let terminal: NCursesTerminal
        do throws(TerminalOpenError) {
          terminal = try NCursesTerminal.open()
        } catch {
          continuation.resume(returning: .failure(LanesDashboardError(.terminal, error.message)))
          return
        }
        let app = DashboardApp(backend: terminal, control: runtime, themes: themes, options: options)
        let deadline = duration.map { ContinuousClock.now + $0 }
        var exit = DashboardExit.quit
        while true {
          if let result = app.step() {
            exit = result
            break
          }
          if let deadline, ContinuousClock.now >= deadline { break }
        }
        terminal.close()
        continuation.resume(returning: .success(exit))
      }
      thread.name = "lanes-ui"
      thread.start()
    }
  }
}
