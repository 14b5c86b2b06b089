import Dashboard
import ExecutionCore
import TerminalUI

/// A dashboard on an in-memory terminal with a fake runtime and a manual clock.
struct Harness {
  let terminal: InMemoryTerminal
  let runtime: FakeRuntime
  let clock: ManualDashboardClock
  let app: DashboardApp<InMemoryTerminal>

  init(
    size: Size = Size(width: 120, height: 40), options: DashboardOptions = DashboardOptions(),
    themes: [Theme] = [.builtInDefault],
    capabilities: TerminalCapabilities = TerminalCapabilities(colorDepth: .trueColor, unicode: true),
    snapshot: RuntimeSnapshot = Fixtures.snapshot()
  ) {
    terminal = InMemoryTerminal(size: size, capabilities: capabilities)
    runtime = FakeRuntime(snapshot)
    clock = ManualDashboardClock()
    app = DashboardApp(backend: terminal, control: runtime, themes: themes, options: options, clock: clock)
  }

  /// Presses keys and handles them all.
  @discardableResult
  func press(_ keys: Key...) -> DashboardExit? {
    for key in keys { terminal.press(key) }
    return app.drain()
  }

  /// Types characters as keys and handles them all.
  @discardableResult
  func type(_ text: String) -> DashboardExit? {
    terminal.type(text)
    return app.drain()
  }

  /// The text of the last frame.
  var text: String { terminal.lastFrame?.text ?? "" }
  /// The last frame.
  var frame: Screen { terminal.lastFrame ?? Screen(size: Size(width: 0, height: 0)) }

  /// The status line (second row from the bottom).
  var statusLine: String {
    let lines = frame.lines
    return lines.count >= 2 ? lines[lines.count - 2] : ""
  }

  /// The header line.
  var headerLine: String { frame.lines.first ?? "" }
}
