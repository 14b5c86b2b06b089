import ExecutionCore
import Foundation
import LanesTestSupport
import Testing

@testable import LanesCLI

/// `lanes run` says why runs failed (text and JSON) and exits 1 above `--max-failed`.
@Suite(.serialized)
struct RunFailureTests {
  /// A workflow whose every run fails at its first step, with an error naming a varying number.
  static func failingWorkflow(in folder: URL) throws -> URL {
    let file = folder.appendingPathComponent("declined.yaml")
    try """
    workflow: declined
    load:
      rate: 20
    steps:
      - id: charge-card
        mode: blocking
        exec:
          shell: "echo card declined for order $$ >&2; exit 3"
      - id: receipt
        mode: blocking
        after: [charge-card]
        simulate: { latency: 1ms }
    """.write(to: file, atomically: true, encoding: .utf8)
    return file
  }

  static let emptySnapshot = RuntimeSnapshot(
    uptime: .zero, mode: .hybrid, workflows: [], queues: [], events: [], recentFailures: [],
    runsInFlight: 0, maxRunsInFlight: nil, shuttingDown: false)

  static func folder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-run-failures-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  @Test func everyRunFailingSaysWhyAndExits1() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try Self.failingWorkflow(in: folder)
    let result = try LanesBinary.run(["run", file.path, "--duration", "1s", "--rate", "10"])
    #expect(result.status == 1, "stderr:\n\(result.stderr)")
    #expect(result.stdout.contains("why runs failed:"), "stdout:\n\(result.stdout)")
    let failed = try #require(
      result.stdout.split(separator: "\n").first { $0.contains("runs failed (100.0%)") })
    let runs = try #require(Int(failed.split(separator: " ")[1]))
    // Each error names another pid, but they are one kind: one row counts them all.
    let row = try #require(result.stdout.split(separator: "\n").first { $0.contains("charge-card") })
    #expect(row.contains("\(runs)×"), "stdout:\n\(result.stdout)")
    #expect(row.contains("exit status 3: card declined for order "))
    #expect(
      result.stderr.contains(
        "lanes: declined: \(runs) of \(runs) runs failed (100.0%), more than --max-failed 5%"))
    #expect(result.stderr.contains("pass --allow-failures"))
  }

  @Test func theJSONCountsFailuresByKindAndAllowFailuresExits0() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try Self.failingWorkflow(in: folder)
    let result = try LanesBinary.run(
      ["run", file.path, "--duration", "1s", "--rate", "10", "--json", "--allow-failures"])
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let workflow = try #require((json["workflows"] as? [[String: Any]])?.first)
    let causes = try #require(workflow["failure_causes"] as? [[String: Any]])
    #expect(causes.count == 1)
    #expect(causes.first?["step"] as? String == "charge-card")
    #expect((causes.first?["error"] as? String)?.hasPrefix("exit status 3: card declined") == true)
    #expect(causes.first?["runs"] as? Int == workflow["runs_failed"] as? Int)
    #expect((workflow["runs_failed"] as? Int ?? 0) > 0)
  }

  @Test func maxFailedOf100Exits0AndABadPercentageIs64() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try Self.failingWorkflow(in: folder)
    let tolerant = try LanesBinary.run([
      "run", file.path, "--duration", "1s", "--rate", "5", "--max-failed", "100%",
    ])
    #expect(tolerant.status == 0, "stderr:\n\(tolerant.stderr)")
    #expect(tolerant.stdout.contains("why runs failed:"))
    let bad = try LanesBinary.run(["run", file.path, "--max-failed", "lots"])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("'lots' is not a percentage"), "stderr:\n\(bad.stderr)")
  }

  @Test func theRuleComparesEachWorkflowsFailedShare() {
    func report(_ name: String, responded: Int, failed: Int) -> WorkflowReport {
      var report = WorkflowReport(
        definition: WorkflowDefinition(name: name, steps: [], load: LoadDefinition(rate: 1)),
        snapshot: Self.emptySnapshot, mode: .hybrid, elapsed: .seconds(1))
      report.runs_responded = responded
      report.runs_failed = failed
      return report
    }
    let workflows = [
      report("demo", responded: 995, failed: 5), report("broken", responded: 9, failed: 1),
      report("idle", responded: 0, failed: 0),
    ]
    #expect(RunCommand.workflowsOverFailureLimit(workflows, maxPercent: 5).map(\.name) == ["broken"])
    #expect(RunCommand.workflowsOverFailureLimit(workflows, maxPercent: 0).map(\.name) == ["demo", "broken"])
    #expect(RunCommand.workflowsOverFailureLimit(workflows, maxPercent: 10).isEmpty)
  }

  @Test func theTextShowsTheTopKindsAndCountsTheRest() {
    var workflow = WorkflowReport(
      definition: WorkflowDefinition(name: "many", steps: [], load: LoadDefinition(rate: 1)),
      snapshot: Self.emptySnapshot, mode: .hybrid, elapsed: .seconds(1))
    workflow.runs_failed = 28
    workflow.runs_responded = 2
    workflow.failure_causes = (1...7).map {
      FailureCauseReport(step: "s\($0)", error: "error \($0)\nsecond line", runs: 8 - $0)
    }
    let lines = RunSummary.failureLines([workflow])
    #expect(lines[0] == "why runs failed:")
    #expect(lines[1] == "  many: 28 of 30 runs failed (93.3%)")
    #expect(lines[2] == "    7×  s1  error 1 ⏎ second line")
    #expect(lines.count == 2 + RunSummary.causesShown + 1)
    #expect(lines.last == "    and 2 more kinds (3 runs): see --json")
  }
}
