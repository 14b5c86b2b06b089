import ArgumentParser
import Dashboard
import ExecutionCore
import Foundation
import NCursesTerminal
import TerminalUI
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

  @Option(
    parsing: .unconditional, help: "Seed for simulated latencies, failures and arrivals.",
    transform: OptionParsing.seed)
  var seed: UInt64 = 1

  @Option(
    help: "Share of a core a starved background thread gets while other programs keep the CPU busy, 0 to 0.5 (0: none).",
    transform: OptionParsing.backgroundShare)
  var backgroundShare: Double = BackgroundShare.defaultShare

  @Flag(help: "Show only: refuse every key that changes the runtime.")
  var readOnly = false

  @Option(help: "Stop after this long (default: run until q, Ctrl-C or a signal).", transform: OptionParsing.positiveDuration)
  var duration: Duration?

  func run() async throws {
    let themes = try DashboardThemes.resolve(theme)
    let topology = try Loading.topology(workflows)
    let terminalMode = NCursesTerminal.detectMode()
    if case .error(let message) = terminalMode {
      Loading.printError("lanes: \(message)")
      throw ExitCode(2)
    }
    let runtime = try Loading.runtime(topology, options: RuntimeOptions(mode: mode, seed: seed, startLoad: true, backgroundShare: backgroundShare))
    runtime.start()
    if workflows.isEmpty, topology.workflows.contains(where: { $0.name == BuiltInWorkflows.overload.name }) {
      // The overload demo floods its queue on purpose: it waits, paused, until someone presses p.
      runtime.pause(workflow: BuiltInWorkflows.overload.name)
    }
    let exit: DashboardExit
    switch terminalMode {
    case .plain(let reason):
      exit = await PlainStatus.run(runtime: runtime, reason: reason, duration: duration)
    case .fullScreen:
      let options = DashboardOptions(readOnly: readOnly)
      let outcome = await FullScreen.run(
        runtime: runtime, themes: themes.themes, options: options, duration: duration)
      switch outcome {
      case .failure(let message):
        _ = await runtime.shutdown(deadline: .seconds(1))
        Loading.printError("lanes: \(message)")
        throw ExitCode(2)
      case .success(let result):
        exit = result
      }
    case .error:
      return
    }
    _ = await runtime.shutdown(deadline: .seconds(2))
    // Kept until the terminal is back, so nothing is written over the dashboard.
    for warning in themes.warnings { Loading.printError("lanes: theme: \(warning)") }
    switch exit {
    case .quit, .signal(SIGINT): return
    case .signal(let number): throw ExitCode(128 + number)
    }
  }
}

/// The themes for a dashboard: the chosen one first, then the others for `T` to cycle through.
enum DashboardThemes {
  /// Resolves `--theme`; an unknown name or missing file exits 2 with the list of themes.
  static func resolve(_ argument: String?) throws -> (themes: [Theme], warnings: [ThemeWarning]) {
    let loader = ThemeLoader()
    let chosen: ThemeEntry
    do {
      chosen = try loader.resolve(argument ?? "default")
    } catch {
      Loading.printError("lanes: \(error)")
      throw ExitCode(2)
    }
    let others = loader.available().filter { $0.name != chosen.name }.map(\.theme)
    return ([chosen.theme] + others, chosen.warnings)
  }
}

/// The full-screen dashboard on a dedicated thread (ncurses wants one thread, and the UI loop
/// must never hold up the runtime's tasks).
enum FullScreen {
  static func run(
    runtime: Runtime, themes: [Theme], options: DashboardOptions, duration: Duration?
  ) async -> Result<DashboardExit, UIFailure> {
    await withCheckedContinuation { continuation in
      let thread = Thread {
        let terminal: NCursesTerminal
        do throws(TerminalOpenError) {
          terminal = try NCursesTerminal.open()
        } catch {
          continuation.resume(returning: .failure(UIFailure(error.message)))
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

/// Why the dashboard could not take over the terminal.
struct UIFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
