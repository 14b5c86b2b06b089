import ArgumentParser
import Dashboard
import DashboardHost
import ExecutionCore
import Foundation
import LanesRemote
import WorkflowFiles

/// `lanes` / `lanes dashboard`: the live dashboard.
struct DashboardCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dashboard",
    abstract: "The live dashboard (the default command).",
    discussion: """
      Runs the workflows under their files' load and shows, live, critical-path latency next to \
      queue depth and background outcomes. Press ? for the keys, q to quit. When standard output \
      is not a terminal, or TERM=dumb, it prints a status line every few seconds instead. With \
      --connect it watches the runtime of a `lanes serve` elsewhere instead of running one.
      """
  )

  @Argument(help: "Workflow files or built-in names. Default: the built-in workflows.")
  var workflows: [String] = []

  @Option(
    help: ArgumentHelp(
      "Watch the runtime of a `lanes serve` at this address instead (http://HOST:PORT; HOST:PORT and "
        + "HOST alone mean http://, port 7700 by default).", valueName: "URL"))
  var connect: String?

  @Option(help: ArgumentHelp("With --connect: the file holding the server's token.", valueName: "FILE"))
  var tokenFile: String?

  @Option(help: "A theme name or a .theme file (see `lanes themes`).")
  var theme: String?

  @Option(help: "hybrid (as declared, the default) or all-sync (every step blocking) at start.")
  var mode: ExecutionMode?

  @OptionGroup var runtimeFlags: RuntimeFlags

  @OptionGroup var storeFlags: StoreFlags

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

  func validate() throws {
    if connect == nil, tokenFile != nil {
      throw ValidationError("--token-file goes with --connect URL: it is the token of the server to watch")
    }
    if connect != nil, !workflows.isEmpty {
      throw ValidationError(
        "--connect watches the server's workflows: give the workflow files to `lanes serve`, not here "
          + "(got \(workflows.joined(separator: " ")))")
    }
    if connect != nil {
      // These set up the runtime the dashboard runs itself; with --connect there is none, and
      // silently ignoring them would let a user believe they took effect on the server.
      let local =
        (mode == nil ? [] : ["--mode"]) + runtimeFlags.given + (storeFlags.store == nil ? [] : ["--store"])
        + (storeFlags.durability == nil ? [] : ["--durability"])
        + (storeFlags.lease == nil ? [] : ["--lease"])
      if !local.isEmpty {
        let list = local.joined(separator: ", ")
        let they = local.count == 1 ? "it sets" : "they set"
        var fix = "drop \(list)"
        if mode != nil { fix += "; press m in the dashboard to change the server's mode" }
        let serverFlags = local.filter { $0 != "--mode" }
        if !serverFlags.isEmpty {
          fix += "; give \(serverFlags.joined(separator: " and ")) to `lanes serve` when starting it"
        }
        throw ValidationError(
          "\(list) cannot go with --connect: \(they) up a runtime this dashboard would run itself, and "
            + "--connect watches the one `lanes serve` runs (\(fix))")
      }
    }
  }

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
    if let connect {
      try await watchRemote(connect, themes: themes, display: display)
      return
    }
    let topology = try Loading.topology(workflows)
    let runtime = try Loading.runtime(
      topology,
      options: RuntimeOptions(
        mode: mode ?? .hybrid, seed: runtimeFlags.seed, startLoad: true,
        backgroundShare: runtimeFlags.backgroundShare,
        store: try storeFlags.make(command: "dashboard")))
    // Recovery is told in the dashboard's event log (the screen is not up yet).
    try await StoreFlags.open(runtime, command: "dashboard", announce: false)
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

extension DashboardCommand {
  /// `--connect`: the same dashboard on the runtime of a `lanes serve`. Everything that can go wrong
  /// before the terminal is taken over does so with a message: a bad address or token file (exit
  /// 64), a server that cannot be reached, refuses the token or is not a compatible Lanes (exit 2).
  private func watchRemote(_ address: String, themes: DashboardThemes, display: LanesDashboard.Display)
    async throws
  {
    let endpoint: RemoteEndpoint
    do throws(RemoteEndpointError) {
      let token = try tokenFile.map { path throws(RemoteEndpointError) in
        try RemoteEndpoint.readToken(file: path)
      }
      endpoint = try RemoteEndpoint(parsing: address, token: token)
    } catch {
      Loading.printError("lanes: \(error)")
      throw ExitCode.validationFailure
    }
    let remote: RemoteRuntime
    do throws(RemoteConnectError) {
      remote = try await RemoteRuntime.connect(to: endpoint)
    } catch {
      Loading.printError("lanes: \(error)")
      throw ExitCode(2)
    }
    defer { remote.close() }
    let exit: DashboardExit
    do throws(LanesDashboardError) {
      exit = try await LanesDashboard.show(
        remote, display: display, themes: themes,
        options: DashboardOptions(readOnly: readOnly, ascii: ascii, themeWarnings: themes.warningTexts),
        duration: duration, statusFormat: statusFormat, keepSignalsIgnored: true)
    } catch {
      if error.kind == .output { throw ExitCode(WriteFailures.exitCode) }
      Loading.printError("lanes: \(error)")
      throw ExitCode(2)
    }
    for line in themes.warningLines() { Loading.printError(line) }
    switch exit {
    case .quit, .signal(SIGINT): return
    case .signal(let number): throw ExitCode(SignalWatch.exitStatus(for: number))
    }
  }
}

extension StatusFormat: ExpressibleByArgument {}
