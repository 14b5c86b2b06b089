import ArgumentParser
import DashboardHost
import ExecutionCore
import Foundation
import WorkflowFiles

/// `lanes run`: run workflows headless under open-loop load and print a summary.
struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run workflows headless under load and print a summary.",
    discussion: """
      Each workflow gets an open-loop load (its file's rate, or --rate) for --duration; Lanes then \
      waits for background work to settle and prints critical-path and settle latency per workflow \
      and what every queue did. With no workflow given, all built-in workflows run. Where runs \
      failed, the summary says why: the failing step and its error, counted by kind.

      Failed runs and the exit status: 1 when more than --max-failed percent (default 5) of any \
      workflow's runs failed (--max-failed 0: any failed run), unless --allow-failures; the default \
      tolerates the built-in workflows' simulated failure rates (at most 0.5% of runs). Refused \
      (rejected) runs and dead-lettered background steps are counted in the summary, not in the \
      status.
      """
  )

  @Argument(help: "Workflow files or built-in names (see `lanes workflows`). Default: all built-in.")
  var workflows: [String] = []

  @Option(
    help: "How long to generate load, e.g. 30s or 2m (default: 30s).",
    transform: OptionParsing.positiveDuration)
  var duration: Duration = .seconds(30)

  @Option(
    parsing: .unconditional, help: "Runs per second for every workflow (default: each file's load.rate).",
    transform: OptionParsing.rate)
  var rate: Double?

  @Option(help: "hybrid (as declared) or all-sync (every step blocking).")
  var mode: ExecutionMode = .hybrid

  @OptionGroup var runtimeFlags: RuntimeFlags

  @OptionGroup var storeFlags: StoreFlags

  @Option(
    help: "How long to wait for background work to settle after the load stops (default: 30s).",
    transform: OptionParsing.positiveDuration)
  var settleTimeout: Duration = .seconds(30)

  @Flag(help: "Print the summary as JSON on stdout.")
  var json = false

  @Option(
    help: ArgumentHelp(
      "Exit 1 when more than this percentage of a workflow's runs failed (default: 5; 0: any failure).",
      valueName: "percent"),
    transform: OptionParsing.percent)
  var maxFailed: Double = RunCommand.defaultMaxFailedPercent

  @Flag(help: "Exit 0 however many runs failed (the summary still says why they failed).")
  var allowFailures = false

  /// Above the built-in workflows' simulated failure rates (chat: 0.5% of runs), so a demo run
  /// passes, while a workflow that is broken (most or all runs failing) fails the command.
  static let defaultMaxFailedPercent = 5.0

  @Option(
    parsing: .unconditional,
    help:
      "Runs in flight (started, not settled) beyond which new runs are refused and counted as rejected (default: 10000).",
    transform: OptionParsing.runCount)
  var maxInFlight: Int = RunCommand.defaultMaxInFlight

  /// Enough for 1,000 runs/s of a 10 s chain; beyond it the machine is not keeping up, and
  /// refusing runs (shown as rejected) keeps memory and the command's end bounded.
  static let defaultMaxInFlight = 10_000

  func run() async throws {
    let topology = try Loading.topology(workflows)
    let options = RuntimeOptions(
      mode: mode, seed: runtimeFlags.seed, maxRunsInFlight: maxInFlight, startLoad: false,
      backgroundShare: runtimeFlags.backgroundShare, store: try storeFlags.make(command: "run"))
    let runtime = try Loading.runtime(topology, options: options)
    try await StoreFlags.open(runtime, command: "run", announce: !json)
    // Watched from before the first run: a signal then ends the step processes before Lanes exits.
    let signals = SignalWatch(keepIgnored: true)
    defer { signals.cancel() }
    runtime.start()
    let progress = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
    let started = ContinuousClock.now
    let reporter = Task { await progress.report(runtime: runtime, total: duration, started: started) }
    let load = LoadPhase(runtime: runtime, signals: signals)
    let loadTime = await load.drive(
      topology.workflows.map { ($0.name, rate ?? $0.load.rate, $0.load.arrivals) }, for: duration)
    let settled = signals.received == nil ? await load.settle(within: settleTimeout) : false
    reporter.cancel()
    progress.clear()
    // The settle wait has happened: what is left is cancelled now (exec steps get SIGTERM, then
    // SIGKILL after their kill grace), with no second wait.
    let shutdown = await runtime.shutdown(deadline: .zero)
    let snapshot = shutdown.snapshot
    let report = RunReport(
      mode: mode.rawValue, seed: runtimeFlags.seed, elapsed_s: (loadTime.seconds * 100).rounded() / 100,
      settled: settled,
      workflows: topology.workflows.map {
        WorkflowReport(definition: $0, snapshot: snapshot, mode: mode, elapsed: loadTime)
      },
      queues: snapshot.queues.map(QueueReport.init))
    if json {
      Console.out(try JSONOutput.encode(report))
    } else {
      Console.out(RunSummary.render(report))
    }
    if signals.received == nil {
      for (definition, workflow) in zip(topology.workflows, report.workflows) {
        let rate = self.rate ?? definition.load.rate
        if let shortfall = LoadPhase.shortfall(
          attempted: workflow.runs_started + workflow.runs_rejected, rate: rate, over: loadTime)
        {
          Loading.printError("lanes: \(definition.name): \(shortfall)")
        }
      }
    }
    let refused = report.workflows.reduce(0) { $0 + $1.runs_rejected }
    if refused > 0 {
      Loading.printError(
        "lanes: \(refused) runs were refused (counted as rejected): \(maxInFlight) runs were already in flight, so the machine was not keeping up with the rate. Lower --rate, or raise --max-in-flight."
      )
    }
    if let number = signals.received {
      Loading.printError(
        "lanes: stopped by \(SignalWatch.name(of: number)) after \(DurationText.format(loadTime)) of load; the figures cover the runs started until then, and running steps were cancelled."
      )
      throw ExitCode(SignalWatch.exitStatus(for: number))
    }
    if !settled {
      Loading.printError(
        "lanes: background work had not settled after \(DurationText.format(settleTimeout)); the counts include what was still queued or running. Raise --settle-timeout to wait longer."
      )
    }
    let overLimit = Self.workflowsOverFailureLimit(report.workflows, maxPercent: maxFailed)
    if !overLimit.isEmpty && !allowFailures {
      for workflow in overLimit {
        let percent = NumberText.fixed(workflow.failedPercent ?? 0, decimals: 1)
        let cause = workflow.failure_causes.first.map { ", most often step '\($0.step)': \($0.error)" } ?? ""
        Loading.printError(
          "lanes: \(workflow.name): \(workflow.runs_failed) of \(workflow.runs_responded + workflow.runs_failed) runs failed (\(percent)%), more than --max-failed \(NumberText.fixed(maxFailed, decimals: maxFailed.rounded() == maxFailed ? 0 : 1))%\(RunSummary.oneLine(cause))"
        )
      }
      Loading.printError(
        "lanes: exiting 1 because runs failed; pass --allow-failures (or a higher --max-failed) to exit 0 anyway."
      )
      throw ExitCode(1)
    }
  }

  /// The workflows whose failed share of runs is above `maxPercent`.
  static func workflowsOverFailureLimit(_ workflows: [WorkflowReport], maxPercent: Double)
    -> [WorkflowReport]
  {
    workflows.filter { workflow in
      guard workflow.runs_failed > 0, let percent = workflow.failedPercent else { return false }
      return percent > maxPercent
    }
  }
}
