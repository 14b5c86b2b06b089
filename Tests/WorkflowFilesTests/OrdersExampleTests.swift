import ExecutionCore
import Foundation
import Testing
import WorkflowFiles

/// examples/orders.yaml for real: its Python steps price an order, then store and index it.
@Suite(.serialized) struct OrdersExampleTests {
  /// The example with its script named by absolute path (the file says `examples/orders.py`, for
  /// people running it from the repository's root), its store in `directory`, and its 5 s step
  /// timeouts raised to 120 s: the full suite runs beside benchmark cases that start CPU hogs, and
  /// a Python start-up once took over 5 s there (this test is about the data, not the deadline).
  private func runtime(storingIn directory: URL) throws -> Runtime {
    let path = Fixture.examples.appendingPathComponent("orders.yaml")
    let text = try String(contentsOf: path, encoding: .utf8)
      .replacingOccurrences(
        of: "examples/orders.py", with: Fixture.examples.appendingPathComponent("orders.py").path
      )
      .replacingOccurrences(of: "/tmp/lanes-orders", with: directory.path)
      .replacingOccurrences(of: "timeout: 5s", with: "timeout: 120s")
    let file = try WorkflowLoader.parse(text: text, file: "orders.yaml")
    return try Runtime(
      topology: file.topology,
      options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false),
      clock: SystemClock())
  }

  @Test func theExampleChecksCleanly() {
    #expect(WorkflowLoader.check(path: Fixture.examples.appendingPathComponent("orders.yaml").path) == [])
  }

  @Test func anOrderIsPricedAtOnceThenStoredAndIndexed() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-orders-\(UUID())")
    defer { try? FileManager.default.removeItem(at: directory) }
    let rt = try runtime(storingIn: directory)
    let order = """
      {"id": "A-1001", "customer": "ada", "country": "FR",
       "items": [{"sku": "pen", "qty": 3, "cents": 150}, {"sku": "pad", "qty": 1, "cents": 420}]}
      """
    let result = try await rt.run(workflow: "orders", inputJSON: Array(order.utf8))
    #expect(!result.failed, "\(result.error ?? "")")
    // 3 x 150 + 420 = 870; 20% tax = 174.
    #expect(
      result.response.text
        == #"{"order":"A-1001","customer":"ada","lines":[{"sku":"pen","qty":3,"cents":150,"total":450},{"sku":"pad","qty":1,"cents":420,"total":420}],"subtotal":870,"tax":174,"tax_percent":20,"total":1044}"#
    )
    #expect(await rt.waitUntilSettled(timeout: .seconds(30)))
    let stored = try Data(contentsOf: directory.appendingPathComponent("orders/A-1001.json"))
    let quote = try JSONSerialization.jsonObject(with: stored) as? [String: Any]
    #expect(quote?["total"] as? Int == 1044)
    let index =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: directory.appendingPathComponent("index.json"))) as? [String: [String: Any]]
    #expect(index?["A-1001"]?["total"] as? Int == 1044)
    #expect(index?["A-1001"]?["run"] as? Int == Int(result.runID))
    #expect(
      index?["A-1001"]?["file"] as? String == directory.appendingPathComponent("orders/A-1001.json").path)
    _ = await rt.shutdown(deadline: .seconds(5))
  }

  @Test func aBadOrderFailsTheRunWithTheReason() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-orders-\(UUID())")
    defer { try? FileManager.default.removeItem(at: directory) }
    let rt = try runtime(storingIn: directory)
    let result = try await rt.run(
      workflow: "orders", inputJSON: Array(#"{"id": "B-1", "country": "XX", "items": []}"#.utf8))
    #expect(result.failed)
    #expect(result.failedStep == "validate")
    #expect(result.stepError?.contains("unknown country 'XX'") == true, "\(result.stepError ?? "")")
    #expect(await rt.waitUntilSettled(timeout: .seconds(30)))
    // Nothing was stored: the background steps never ran.
    #expect(!FileManager.default.fileExists(atPath: directory.path))
    _ = await rt.shutdown(deadline: .seconds(5))
  }
}

/// The built-in workflows pass realistic simulated data between their steps.
@Suite struct BuiltInDataTests {
  @Test func builtInsDeclareTheirDataAndResponses() throws {
    func spec(_ file: WorkflowFile, _ id: String) -> SimulateSpec? {
      if case .simulate(let spec)? = file.kinds[id] { return spec }
      return nil
    }
    let chat = try BuiltInWorkflows.chat.load()
    #expect(chat.workflow.response == "model-inference")
    #expect(spec(chat, "retrieve-context")?.outputBytes == 4096)
    #expect(spec(chat, "model-inference")?.outputBytes == 2048)
    let ingest = try BuiltInWorkflows.ingest.load()
    #expect(ingest.workflow.response == "validate")
    #expect(spec(ingest, "validate")?.echoInput == true)
    #expect(spec(ingest, "chunk")?.outputBytes == 8192)
    let agent = try BuiltInWorkflows.agent.load()
    #expect(spec(agent, "summarize")?.outputBytes == 1024)
  }

  @Test func ingestAnswersWithTheAcceptedDocument() async throws {
    let file = try BuiltInWorkflows.ingest.load()
    let rt = try Runtime(
      topology: file.topology,
      options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false),
      clock: SystemClock())
    let document = #"{"name":"report.pdf","bytes":48213,"owner":"ada"}"#
    for mode in ExecutionMode.allCases {
      rt.setMode(mode)
      let result = try await rt.run(workflow: "ingest", inputJSON: Array(document.utf8))
      #expect(!result.failed && result.response.text == document, "\(mode)")
    }
    #expect(await rt.waitUntilSettled(timeout: .seconds(30)))
    _ = await rt.shutdown(deadline: .seconds(5))
  }
}
