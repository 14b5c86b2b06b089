import ArgumentParser
import Dashboard
import DashboardHost
import ExecutionCore
import Foundation
import WorkflowFiles

/// `lanes` / `lanes dashboard`: the live dashboard.
struct DashboardCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dashboard",
    abstract: "The live dashboard (the default command).",
    discussion: """
      Runs the workflows under their files' load and shows, live, critical-path latency next to \
      queue depth and background outcomes. Press ? for the keys, q to quit. When standard output \
      is not a terminal, or TERM=dumb, it prints a status line every few seconds instead.
      """
  )

  @Argument(help: "Workflow files or built-in names. Default: the built-in workflows.")
  var workflows: [String] = []

  @Option(help: "A theme name or a .theme file (see `lanes themes`).")
  var theme: String?

  @Option(help: "hybrid (as declared) or all-sync (every step blocking) at start.")
  var mode: ExecutionMode = .hybrid

  @OptionGroup var runtimeFlags: RuntimeFlags

  @Flag(help: "Show only: refuse every key that changes the runtime.")
  var readOnly = false

  @Flag(help: "Draw with ASCII only (automatic when the locale cannot show UTF-8, e.g. LANG=C).")
  var ascii = false

  @Option(
    help: "Stop after this long (default: run until q, Ctrl-C or a signal).",
    transform: OptionParsing.positiveDuration)
  var duration: Duration?

  @Option(
    help: "Without a terminal: text (one readable line) or json (one object per line, for log collectors).")
  var statusFormat: StatusFormat = .text

  func run() async throws {
    let themes: DashboardThemes
    let display: LanesDashboard.Display
    do throws(LanesDashboardError) {
      themes = try DashboardThemes.resolve(theme)
      display = try LanesDashboard.display()
    } catch {
      Loading.printError("lanes: \(error)")
      throw ExitCode(2)
    }
    let topology = try Loading.topology(workflows)
    let runtime = try Loading.runtime(
      topology,
      options: RuntimeOptions(
        mode: mode, seed: runtimeFlags.seed, startLoad: true, backgroundShare: runtimeFlags.backgroundShare))
    runtime.start()
    if workflows.isEmpty, topology.workflows.contains(where: { $0.name == BuiltInWorkflows.overload.name }) {
      // The overload demo floods its queue on purpose: it waits, paused, until someone presses p.
      runtime.pause(workflow: BuiltInWorkflows.overload.name)
    }
    let exit: DashboardExit
    do throws(LanesDashboardError) {
      exit = try await LanesDashboard.show(
        runtime, display: display, themes: themes,
        options: DashboardOptions(readOnly: readOnly, ascii: ascii, themeWarnings: themes.warningTexts),
        duration: duration, statusFormat: statusFormat, keepSignalsIgnored: true)
    } catch {
      // Step processes end before Lanes does, whatever stopped the dashboard.
      _ = await runtime.shutdown(deadline: .seconds(1))
      if error.kind == .output { throw ExitCode(WriteFailures.exitCode) }
      Loading.printError("lanes: \(error)")
      throw ExitCode(2)
    }
    _ = await runtime.shutdown(deadline: .seconds(2))
    // Kept until the terminal is back, so nothing is written over the dashboard.
    for line in themes.warningLines() { Loading.printError(line) }
    switch exit {
    case .quit, .signal(SIGINT): return
    case .signal(let number): throw ExitCode(SignalWatch.exitStatus(for: number))
    }
  }
}

extension StatusFormat: ExpressibleByArgument {}
