import ArgumentParser
import Benchmarks
import DashboardHost
import Foundation
import WorkflowFiles

/// `lanes bench`: the benchmarks that prove the critical path stays short.
struct BenchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure the runtime against baselines taken in the same run, and print one table.",
    discussion: """
      Every case compares against a baseline measured in the same process and reports the ratio \
      next to its target. Speed figures only mean something in a release build: \
      swift run -c release lanes bench. --quick runs every case briefly (CI uses it to prove the \
      benchmark still works; it asserts nothing about speed).
      """
  )

  @Flag(help: "Run every case briefly (under a minute in a release build).")
  var quick = false

  @Option(help: "Also write the figures as JSON to this file (- for stdout, the table then goes to stderr).")
  var json: String?

  @Option(
    name: .customLong("case"),
    help: "Run only this case (repeatable): \(BenchSuite.caseIDs.joined(separator: ", ")).")
  var cases: [String] = []

  @Option(parsing: .unconditional, help: "Seed for the simulated latencies.", transform: OptionParsing.seed)
  var seed: UInt64 = 42

  func validate() throws {
    for id in cases where !BenchSuite.caseIDs.contains(id) {
      throw ValidationError(
        "no benchmark case '\(id)': the cases are \(BenchSuite.caseIDs.joined(separator: ", "))")
    }
  }

  func run() async throws {
    let chat = try Loading.topology([BuiltInWorkflows.chat.name])
    let toStdout = json == "-"
    let options = BenchOptions(
      quick: quick, json: json.map { $0 == "-" ? .stdout : .file($0) }, cases: cases, seed: seed,
      chat: chat.workflows.first, chatQueues: chat.queues,
      progress: { line in Loading.printError(line) })
    let report: BenchReport
    do {
      report = try await BenchSuite.run(options: options)
    } catch {
      Loading.printError("lanes bench: \(error)")
      throw ExitCode(1)
    }
    if toStdout {
      Loading.printError(report.render())
    } else {
      Console.out(report.render())
    }
  }
}
