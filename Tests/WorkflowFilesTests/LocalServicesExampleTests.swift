import ExecutionCore
import Foundation
import Testing
import WorkflowFiles

/// `examples/local-services.yaml` validates, and runs for real against its server.
@Suite struct LocalServicesExampleTests {
  static let path = Fixture.examples.appendingPathComponent("local-services.yaml").path
  static let server = Fixture.examples.appendingPathComponent("local-services-server.py").path

  @Test func exampleValidatesWithEveryKindOfRealStep() throws {
    #expect(WorkflowLoader.check(path: Self.path) == [])
    let file = try WorkflowLoader.parse(
      WorkflowSource(file: Self.path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Self.path)))))
    #expect(file.workflow.steps.filter { $0.mode == .blocking }.map(\.id) == ["checksum", "fetch-profile"])
    #expect(file.workflow.steps.filter { $0.mode == .background }.map(\.id) == ["notify", "audit", "report"])
    #expect(
      file.kinds.mapValues(\.key) == [
        "checksum": "exec", "fetch-profile": "http", "notify": "http", "audit": "http", "report": "exec",
      ])
    #expect(file.workflow.steps.first { $0.id == "notify" }?.retry.attempts == 4)
    // Not a built-in: it needs the server.
    #expect(BuiltInWorkflows.named("local-services") == nil)
  }

  /// Starts the server on a free port, runs 20 requests through the real runtime, and reads the
  /// outcome from the snapshot and from the server's own counts.
  @Test(.timeLimit(.minutes(2))) func runsForRealAgainstTheLocalServer() async throws {
    let server = try LocalServer.start(script: Self.server, seed: 7)
    defer { server.stop() }
    let text = try String(contentsOfFile: Self.path, encoding: .utf8)
    #expect(text.contains("127.0.0.1:8765/"))
    let copy = FileManager.default.temporaryDirectory
      .appendingPathComponent("local-services-\(ProcessInfo.processInfo.processIdentifier).yaml")
    // Same workflow, but timeouts generous enough that a test machine busy with the rest of the
    // suite never turns a slow answer into a failure: what is tested is real work and real
    // server-side failures being counted, not the example's latency budget.
    var adjusted = text.replacingOccurrences(of: "127.0.0.1:8765/", with: "127.0.0.1:\(server.port)/")
    for limit in ["1s", "2s", "3s", "5s"] {
      adjusted = adjusted.replacingOccurrences(of: "timeout: \(limit)", with: "timeout: 60s")
    }
    try adjusted.write(to: copy, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: copy) }

    let topology = try WorkflowLoader.load(arguments: [copy.path])
    let runtime = try Runtime(topology: topology, options: RuntimeOptions(startLoad: false))
    let runs = 20
    await runtime.drive(workflow: "local-services", rate: 10, runs: runs)
    #expect(await runtime.waitUntilSettled(timeout: .seconds(60)))
    let snapshot = runtime.snapshot(fresh: true)
    _ = await runtime.shutdown(deadline: .seconds(5))

    let workflow = try #require(snapshot.workflows.first)
    #expect(workflow.runsSettled == runs)
    #expect(workflow.runsFailed == 0)
    func step(_ id: String) throws -> StepSnapshot { try #require(workflow.steps.first { $0.id == id }) }
    // The critical path did real work every time.
    #expect(try step("checksum").succeeded == runs)
    #expect(try step("fetch-profile").succeeded == runs)
    #expect(try step("audit").succeeded == runs)
    // The flaky endpoint failed real attempts (the seeded server fails some of its first 20
    // requests), and each failure short of the last attempt was retried.
    let notify = try step("notify")
    let stats = try server.stats()
    #expect(stats.flakyFailures > 0)
    #expect(notify.retried > 0)
    #expect(notify.succeeded + notify.deadLettered == runs)
    #expect(notify.succeeded > 0)
    // The server saw every attempt the runtime made: one per run plus one per retry.
    #expect(stats.requests["/flaky"] == runs + notify.retried)
    #expect(stats.requests["/slow"] == runs)
    #expect(stats.requests["/hook"] == runs)
    let hooks = try #require(snapshot.queues.first { $0.name == "hooks" })
    #expect(hooks.failedAttempts == stats.flakyFailures)
    // The report job exits 3 about one time in five: whatever happened, every run is accounted for.
    let report = try step("report")
    #expect(report.succeeded + report.deadLettered == runs)
    // SIGTERM stops the server cleanly.
    server.stop()
    #expect(server.process.terminationReason == .exit)
    #expect(server.process.terminationStatus == 0)
  }
}

/// `examples/local-services-server.py` on a port the system picks, for one test.
struct LocalServer {
  let process: Process
  let port: Int

  /// Starts the server (`port 0`) and reads the port from its first line.
  static func start(script: String, seed: Int) throws -> LocalServer {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, "0", "--seed", "\(seed)"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }  // the server exited before it was listening
      line += chunk
    }
    let text = String(decoding: line, as: UTF8.self)
    guard let portText = text.split(separator: ":").last?.prefix(while: \.isNumber), let port = Int(portText)
    else {
      process.terminate()
      throw ServerError(message: "the server did not start: \(text)")
    }
    return LocalServer(process: process, port: port)
  }

  /// What `/stats` reports.
  struct Stats: Decodable {
    var requests: [String: Int]
    var flakyFailures: Int

    enum CodingKeys: String, CodingKey {
      case requests
      case flakyFailures = "flaky_failures"
    }
  }

  /// Asks the server how many requests it served.
  func stats() throws -> Stats {
    let curl = Process()
    // A subprocess rather than URLSession, so the test does not share the steps' HTTP session.
    curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    curl.arguments = [
      "python3", "-c",
      "import urllib.request, sys; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())",
      "http://127.0.0.1:\(port)/stats",
    ]
    let output = Pipe()
    curl.standardOutput = output
    try curl.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    curl.waitUntilExit()
    return try JSONDecoder().decode(Stats.self, from: data)
  }

  /// SIGTERM, then waits up to 10 s (SIGKILL after that, so a stuck server cannot hang the tests).
  func stop() {
    guard process.isRunning else { return }
    process.terminate()
    let limit = ContinuousClock.now + .seconds(10)
    while process.isRunning && ContinuousClock.now < limit { usleep(10_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
  }
}

struct ServerError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
