import ArgumentParser
import DashboardHost
import ExecutionCore
import Foundation
import WorkflowFiles

/// `lanes compare`: the same workload all-sync, then hybrid, side by side.
struct CompareCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Run one workflow all-sync, then hybrid, with the same seed, and compare.",
    discussion: """
      Both phases get the same open-loop load (same arrivals, same simulated latencies and \
      failures, from the same seed). All-sync runs every step on the critical path; hybrid runs \
      background steps on their queues. The table shows what the user waits for in each mode.
      """
  )

  @Argument(help: "A workflow file or built-in name (see `lanes workflows`).")
  var workflow: String = "chat"

  @Option(
    help: "How long to generate load in each mode, e.g. 20s (default: 10s unless --runs is given).",
    transform: OptionParsing.positiveDuration)
  var duration: Duration?

  @Option(
    parsing: .unconditional, help: "Start exactly this many runs in each mode instead of using --duration.",
    transform: OptionParsing.runCount)
  var runs: Int?

  @Option(
    parsing: .unconditional, help: "Runs per second (default: the file's load.rate).",
    transform: OptionParsing.rate)
  var rate: Double?

  @OptionGroup var runtimeFlags: RuntimeFlags

  @Flag(help: "Print the comparison as JSON on stdout.")
  var json = false

  @Option(help: "Also write the comparison as CSV to this file.")
  var csv: String?

  func validate() throws {
    if duration != nil, runs != nil {
      throw ValidationError("--duration and --runs both say how long to run: give one of them")
    }
  }

  func run() async throws {
    // Before the comparison, not after it: a typo in the path should not cost the whole run.
    if let csv, let problem = OutputFile.problem(writing: csv) {
      Loading.printError("lanes compare: cannot write --csv \(csv): \(problem).")
      throw ExitCode(1)
    }
    let topology = try Loading.topology([workflow])
    guard topology.workflows.count == 1, let definition = topology.workflows.first else {
      Loading.printError(
        "lanes compare: '\(workflow)' holds \(topology.workflows.count) workflows; compare takes exactly one")
      throw ExitCode(1)
    }
    let rate = self.rate ?? definition.load.rate
    let duration = self.duration ?? (runs == nil ? .seconds(10) : nil)
    let signals = SignalWatch(keepIgnored: true)
    defer { signals.cancel() }
    var phases: [ExecutionMode: WorkflowReport] = [:]
    for mode in [ExecutionMode.allSync, .hybrid] {
      phases[mode] = try await measure(
        topology, definition: definition, mode: mode, rate: rate, duration: duration, signals: signals)
      if let number = signals.received {
        Loading.printError(
          "lanes compare: stopped by \(SignalWatch.name(of: number)); no comparison to show.")
        throw ExitCode(SignalWatch.exitStatus(for: number))
      }
    }
    let report = CompareReport(
      workflow: definition.name, seed: runtimeFlags.seed, rate_per_s: rate, all_sync: phases[.allSync]!,
      hybrid: phases[.hybrid]!)
    if let csv, let problem = OutputFile.write(CompareTable.csv(report), to: csv) {
      Loading.printError("lanes compare: cannot write --csv \(csv): \(problem).")
      throw ExitCode(1)
    }
    if json {
      Console.out(try JSONOutput.encode(report))
    } else {
      Console.out(CompareTable.render(report, definition: definition, runs: runs, duration: duration))
    }
  }

  /// Runs one phase in a fresh runtime and reports it.
  private func measure(
    _ topology: Topology, definition: WorkflowDefinition, mode: ExecutionMode, rate: Double,
    duration: Duration?, signals: SignalWatch
  ) async throws -> WorkflowReport {
    let runtime = try Loading.runtime(
      topology,
      options: RuntimeOptions(
        mode: mode, seed: runtimeFlags.seed, maxRunsInFlight: RunCommand.defaultMaxInFlight, startLoad: false,
        backgroundShare: runtimeFlags.backgroundShare))
    runtime.start()
    let progress = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
    let started = ContinuousClock.now
    let total = duration ?? .seconds(Double(runs ?? 0) / rate)
    let reporter = Task {
      await progress.report(runtime: runtime, total: total, started: started, label: "\(mode.rawValue) ")
    }
    let load = LoadPhase(runtime: runtime, signals: signals)
    let loadTime = await load.drive(
      [(definition.name, rate, definition.load.arrivals)], for: duration, runs: runs)
    if signals.received == nil { _ = await load.settle(within: .seconds(60)) }
    reporter.cancel()
    progress.clear()
    let shutdown = await runtime.shutdown(deadline: .zero)
    return WorkflowReport(
      definition: definition, snapshot: shutdown.snapshot, mode: mode, elapsed: loadTime)
  }
}

extension CompareReport {
  init(workflow: String, seed: UInt64, rate_per_s: Double, all_sync: WorkflowReport, hybrid: WorkflowReport) {
    func ratio(_ hybrid: Double?, _ sync: Double?) -> Double? {
      guard let hybrid, let sync, sync > 0 else { return nil }
      return (hybrid / sync * 1000).rounded() / 1000
    }
    self.init(
      workflow: workflow, seed: seed, rate_per_s: rate_per_s, all_sync: all_sync, hybrid: hybrid,
      ratio_p50: ratio(hybrid.critical_path.p50_ms, all_sync.critical_path.p50_ms),
      ratio_p95: ratio(hybrid.critical_path.p95_ms, all_sync.critical_path.p95_ms),
      ratio_p99: ratio(hybrid.critical_path.p99_ms, all_sync.critical_path.p99_ms),
      ratio_max: ratio(hybrid.critical_path.max_ms, all_sync.critical_path.max_ms))
  }
}
