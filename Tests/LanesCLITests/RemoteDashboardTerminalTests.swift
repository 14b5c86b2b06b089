import ExecutionCore
import Foundation
import LanesTestSupport
import Testing

/// `lanes dashboard --connect` on a real terminal (tmux), against the python stand-in for
/// `lanes serve` (Tests/LanesRemoteTests/Fixtures/fake-lanes-server.py) serving a real runtime's
/// snapshot: the header names the server, a key becomes a request, a killed server shows as STALE
/// and the dashboard comes back by itself when the server does.
@Suite(
  .serialized,
  .enabled(if: TmuxSession.isAvailable, "tmux is not installed: end-to-end terminal tests skipped"))
struct RemoteDashboardTerminalTests {
  /// The stand-in in its own process, in `directory`.
  final class FakeServer {
    let directory: URL
    private(set) var port = 0
    private var process: ChildProcess?

    init(directory: URL) { self.directory = directory }
    deinit { kill() }

    func start() throws {
      let script = LanesTestSupport.packageRoot.appendingPathComponent(
        "Tests/LanesRemoteTests/Fixtures/fake-lanes-server.py")
      let child = try ChildProcess(
        URL(fileURLWithPath: "/usr/bin/python3"), [script.path, directory.path, "\(port)"])
      process = child
      let deadline = Date().addingTimeInterval(20)
      while Date() < deadline {
        let output = child.outputSoFar
        if let range = output.range(of: "listening on http://127.0.0.1:"),
          let end = output[range.upperBound...].firstIndex(of: "\n"),
          let number = Int(output[range.upperBound..<end])
        {
          port = number
          return
        }
        usleep(20_000)
      }
      throw TmuxError(message: "the fake server did not start: \(child.outputSoFar)")
    }

    func kill() {
      process?.signal(SIGKILL)
      _ = process?.wait(timeout: 10)
      process = nil
    }

    var requests: [String] {
      ((try? String(contentsOf: directory.appendingPathComponent("requests.log"), encoding: .utf8)) ?? "")
        .split(separator: "\n").map(String.init)
    }
  }

  /// A real runtime's snapshot (workflow `chat`, queue `history`, one run), as `lanes serve` sends it.
  static func snapshotJSON() async throws -> Data {
    let answer = StepDefinition(
      id: "answer", mode: .blocking, action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(1)))))
    let runtime = try Runtime(
      topology: Topology(
        workflows: [WorkflowDefinition(name: "chat", steps: [answer], load: LoadDefinition(rate: 0))],
        queues: [QueueDefinition(name: "history", workers: 1, capacity: 10)]),
      options: RuntimeOptions(startLoad: false))
    runtime.start()
    _ = try await runtime.run(workflow: "chat")
    let data = try JSONEncoder().encode(runtime.snapshot())
    _ = await runtime.shutdown(deadline: .seconds(1))
    return data
  }

  @Test func theHeaderNamesTheServerAndAKilledServerShowsStaleThenComesBack() async throws {
    let session = try TmuxSession()
    defer { session.stop() }
    let directory = session.directory
    try await Self.snapshotJSON().write(to: directory.appendingPathComponent("snapshot.json"))
    let info: [String: Any] = [
      "server": "lanes", "version": "test", "api": 1, "readOnly": false, "startedAt": 1.0,
      "workflows": ["chat"], "queues": ["history"],
    ]
    let routes: [String: Any] = [
      "token": NSNull(),
      "routes": [
        "GET /v1/info": ["json": info], "GET /v1/snapshot": ["file": "snapshot.json"],
        "POST /v1/workflows/chat/trigger": ["json": ["requested": 1, "accepted": 1]],
      ],
    ]
    try JSONSerialization.data(withJSONObject: routes).write(
      to: directory.appendingPathComponent("routes.json"))
    let server = FakeServer(directory: directory)
    defer { server.kill() }
    try server.start()

    try session.start(
      "'\(LanesBinary.url.path)' dashboard --connect 127.0.0.1:\(server.port) --duration 300s")
    var (ok, screen) = session.waitFor { screen in
      ["Workflows", "chat", "Queues", "history", "server 127.0.0.1:\(server.port), updated"].allSatisfy(
        screen.contains)
    }
    #expect(ok, "the panels should fill from the server:\n\(screen)")

    try session.send("t")
    (ok, screen) = session.waitFor { $0.contains("chat: triggered 1 run") }
    #expect(ok, "the server's answer should show:\n\(screen)")
    #expect(server.requests.contains { $0.contains("/v1/workflows/chat/trigger") })

    server.kill()
    (ok, screen) = session.waitFor { $0.contains("STALE") && $0.contains("RECONNECTING") }
    #expect(ok, "a killed server should show as STALE:\n\(screen)")
    #expect(screen.contains("chat"), "the last data stays on screen:\n\(screen)")

    try server.start()
    (ok, screen) = session.waitFor {
      !$0.contains("STALE") && !$0.contains("RECONNECTING")
        && $0.contains("server 127.0.0.1:\(server.port), updated")
    }
    #expect(ok, "the dashboard should reconnect by itself:\n\(screen)")

    try session.send("q")
    #expect(session.exitStatus() == 0)
    #expect(!session.alternateScreenOn)
  }
}
