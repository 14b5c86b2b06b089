import ArgumentParser
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
      and what every queue did. With no workflow given, all built-in workflows run.
      """
  )

  @Argument(help: "Workflow files or built-in names (see `lanes workflows`). Default: all built-in.")
  var workflows: [String] = []

  @Option(help: "How long to generate load, e.g. 30s or 2m.", transform: OptionParsing.positiveDuration)
  var duration: Duration = .seconds(30)

  @Option(
    parsing: .unconditional, help: "Runs per second for every workflow (default: each file's load.rate).",
    transform: OptionParsing.rate)
  var rate: Double?

  @Option(help: "hybrid (as declared) or all-sync (every step blocking).")
  var mode: ExecutionMode = .hybrid

  @Option(
    parsing: .unconditional, help: "Seed for simulated latencies, failures and arrivals.",
    transform: OptionParsing.seed)
  var seed: UInt64 = 1

  @Option(help: "How long to wait for background work to settle after the load stops.", transform: OptionParsing.positiveDuration)
  var settleTimeout: Duration = .seconds(30)

  @Option(
    help: "Share of a core a starved background thread gets while other programs keep the CPU busy, 0 to 0.5 (0: none).",
    transform: OptionParsing.backgroundShare)
  var backgroundShare: Double = BackgroundShare.defaultShare

  @Flag(help: "Print the summary as JSON on stdout.")
  var json = false

  func run() async throws {
    let topology = try Loading.topology(workflows)
    let options = RuntimeOptions(mode: mode, seed: seed, startLoad: false, backgroundShare: backgroundShare)
    let runtime = try Loading.runtime(topology, options: options)
    runtime.start()
    let progress = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
    let started = ContinuousClock.now
    let reporter = Task { await progress.report(runtime: runtime, total: duration, started: started) }
    await withTaskGroup(of: Void.self) { group in
      for workflow in topology.workflows {
        let rate = self.rate ?? workflow.load.rate
        group.addTask {
          await runtime.drive(
            workflow: workflow.name, rate: rate, arrivals: workflow.load.arrivals, runs: nil,
            duration: duration)
        }
      }
    }
    let loadTime = ContinuousClock.now - started
    let settled = await runtime.waitUntilSettled(timeout: settleTimeout)
    reporter.cancel()
    progress.clear()
    _ = await runtime.shutdown(deadline: .seconds(5))
    let snapshot = runtime.snapshot()
    let report = RunReport(
      mode: mode.rawValue, seed: seed, elapsed_s: (loadTime.seconds * 100).rounded() / 100,
      settled: settled,
      workflows: topology.workflows.map {
        WorkflowReport(definition: $0, snapshot: snapshot, mode: mode, elapsed: loadTime)
      },
      queues: snapshot.queues.map(QueueReport.init))
    if json {
      print(try JSONOutput.encode(report))
    } else {
      print(RunSummary.render(report))
    }
    if !settled {
      FileHandle.standardError.write(
        Data(
          "lanes: background work had not settled after \(DurationText.format(settleTimeout)); the counts include what was still queued or running. Raise --settle-timeout to wait longer.\n"
            .utf8))
    }
  }
}
