import Foundation
import Testing

/// The `lanes` binary run as a user runs it: exit statuses, messages, tables and JSON.
@Suite(.serialized)
struct CommandLineTests {
  @Test func workflowsListsEveryBuiltIn() throws {
    let result = try LanesBinary.run(["workflows"])
    #expect(result.status == 0)
    for name in ["chat", "ingest", "agent", "overload"] {
      #expect(result.stdout.contains("\n\(name) "), "missing \(name) in:\n\(result.stdout)")
    }
    #expect(result.stdout.contains("examples/"))
  }

  @Test func checkAcceptsEveryExample() throws {
    let examples = ["chat", "ingest", "agent", "overload"].map { "examples/\($0).yaml" }
    let result = try LanesBinary.run(["check"] + examples)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    for file in examples { #expect(result.stdout.contains("\(file): ok")) }
  }

  @Test(arguments: [
    (
      "cycle.yaml",
      "cycle.yaml:5:13: error: steps depend on each other in a cycle: a → b → c → a."
    ),
    (
      "blocking-after-background.yaml",
      "blocking-after-background.yaml:14:13: error: blocking step \"log\" depends on background step \"db\": the response would wait on background work, the hidden dependency Lanes forbids."
    ),
    (
      "unknown-queue.yaml",
      "unknown-queue.yaml:12:12: error: step \"save\" uses unknown queue \"histroy\". Did you mean \"history\"?"
    ),
  ])
  func checkPrintsTheFixturesDiagnostic(file: String, expected: String) throws {
    let path = "Tests/WorkflowFilesTests/Fixtures/\(file)"
    let result = try LanesBinary.run(["check", path])
    #expect(result.status == 1)
    #expect(result.stdout.contains("Tests/WorkflowFilesTests/Fixtures/" + expected), "got:\n\(result.stdout)")
    #expect(result.stderr.contains("error"))
  }

  @Test func checkWithoutFilesIsAUsageError() throws {
    let result = try LanesBinary.run(["check"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("Missing expected argument '<files> ...'"))
  }

  @Test(arguments: [
    (["run", "--duration", "10 parsecs"], "'10 parsecs' is not a duration: write a number and a unit"),
    (["run", "--rate", "-3"], "'-3' is not a usable rate: it must be greater than 0"),
    (["run", "--rate", "fast"], "'fast' is not a rate"),
    (["run", "--duration", "0s"], "'0s' is zero"),
    (["run", "--mode", "async"], "--mode"),
    (["run", "--seed", "-1"], "'-1' is not a seed"),
    (["compare", "--runs", "0"], "'0' is not a number of runs"),
    (["compare", "--runs", "5", "--duration", "2s"], "give one of them"),
    (["run", "--no-such-flag"], "Unknown option '--no-such-flag'"),
  ])
  func badValuesAreRefusedWithTheFix(arguments: [String], message: String) throws {
    let result = try LanesBinary.run(arguments)
    #expect(result.status == 64, "status \(result.status): \(result.stderr)")
    #expect(result.stderr.contains(message), "stderr:\n\(result.stderr)")
  }

  @Test func unknownWorkflowSuggestsTheNearestName() throws {
    let result = try LanesBinary.run(["run", "chatt", "--duration", "1s"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("Did you mean \"chat\"?"), "stderr:\n\(result.stderr)")
  }

  @Test func aDirectoryIsNotAWorkflowFile() throws {
    let result = try LanesBinary.run(["run", "examples", "--duration", "1s"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("examples: error: is a directory, not a workflow file"))
  }

  @Test func runPrintsJSONThatAddsUp() throws {
    let result = try LanesBinary.run(["run", "chat", "overload", "--duration", "2s", "--json", "--seed", "7"])
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["mode"] as? String == "hybrid")
    #expect(json["seed"] as? Int == 7)
    let workflows = try #require(json["workflows"] as? [[String: Any]])
    #expect(workflows.map { $0["name"] as? String } == ["chat", "overload"])
    for workflow in workflows {
      #expect((workflow["runs_started"] as? Int ?? 0) > 0)
      let critical = try #require(workflow["critical_path"] as? [String: Any])
      #expect((critical["count"] as? Int ?? 0) > 0)
    }
    let queues = try #require(json["queues"] as? [[String: Any]])
    #expect(!queues.isEmpty)
    for queue in queues {
      #expect(queue["unaccounted"] as? Int == 0, "queue \(queue["name"] ?? "?") lost work")
    }
    // The overload workflow's queue is too small for its rate: rejections must be visible.
    let thumbnails = try #require(queues.first { $0["name"] as? String == "thumbnails" })
    #expect((thumbnails["rejected"] as? Int ?? 0) + (thumbnails["dropped"] as? Int ?? 0) > 0)
  }

  @Test func runPrintsATableWithEveryWorkflowAndQueue() throws {
    let result = try LanesBinary.run(["run", "ingest", "--duration", "1s", "--rate", "10"])
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    #expect(result.stdout.contains("lanes run: hybrid mode"))
    #expect(result.stdout.contains("\ningest "))
    for queue in ["embeddings", "indexing", "webhooks"] { #expect(result.stdout.contains("\n\(queue) ")) }
    // Not a terminal: no progress line on stderr.
    #expect(!result.stderr.contains("\r"))
  }

  @Test func compareShowsBothModesAndWritesCSV() throws {
    let csv = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-compare-\(getpid()).csv")
    defer { try? FileManager.default.removeItem(at: csv) }
    let result = try LanesBinary.run(["compare", "ingest", "--runs", "20", "--rate", "20", "--csv", csv.path])
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    #expect(result.stdout.contains("all-sync"))
    #expect(result.stdout.contains("hybrid ÷ all-sync"))
    #expect(result.stdout.contains("critical path p99"))
    #expect(result.stdout.contains("longest blocking chain:  validate → chunk"))
    let text = try String(contentsOf: csv, encoding: .utf8)
    #expect(text.hasPrefix("metric,all_sync_ms,hybrid_ms,hybrid_over_all_sync\n"))
    #expect(text.contains("critical_path_p50,"))
  }

  @Test func compareJSONHasTheSameRunsInEachModeAndHybridIsFaster() throws {
    let result = try LanesBinary.run(["compare", "ingest", "--runs", "20", "--rate", "20", "--json"])
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let sync = try #require(json["all_sync"] as? [String: Any])
    let hybrid = try #require(json["hybrid"] as? [String: Any])
    #expect(sync["runs_started"] as? Int == 20)
    #expect(hybrid["runs_started"] as? Int == 20)
    // ingest's CPU-bound embedding and its webhook run on the critical path only in all-sync:
    // its expected all-sync chain is 8 times the blocking one, far beyond scheduling noise.
    let ratio = try #require(json["ratio_p50"] as? Double)
    #expect(ratio > 0 && ratio < 0.8, "hybrid/all-sync p50 ratio \(ratio)")
  }

  @Test func compareRefusesAnUnwritableCSVPath() throws {
    let result = try LanesBinary.run([
      "compare", "overload", "--runs", "2", "--rate", "50", "--csv", "/no/such/folder/out.csv",
    ])
    #expect(result.status == 1)
    #expect(result.stderr.contains("cannot write --csv /no/such/folder/out.csv"))
  }
}
