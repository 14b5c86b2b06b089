import ExecutionCore
import Foundation

@testable import LanesRemote

/// Real snapshots and `/v1/info` answers for the fake server.
enum Fixtures {
  /// A snapshot of a real runtime (workflow `chat`: a blocking step and a background step on queue
  /// `history`) after `runs` runs; `paused` pauses `chat` first. Encoded as `lanes serve` does,
  /// so the fake answers what a real server would.
  static func snapshot(runs: Int = 2, paused: Bool = false) async throws -> RuntimeSnapshot {
    let answer = StepDefinition(
      id: "answer", mode: .blocking, action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(1)))))
    let save = StepDefinition(
      id: "save", mode: .background, after: ["answer"], queue: "history",
      action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(1)))))
    let runtime = try Runtime(
      topology: Topology(
        workflows: [WorkflowDefinition(name: "chat", steps: [answer, save], load: LoadDefinition(rate: 0))],
        queues: [QueueDefinition(name: "history", workers: 1, capacity: 10)]),
      options: RuntimeOptions(startLoad: false))
    runtime.start()
    for _ in 0..<runs { _ = try await runtime.run(workflow: "chat") }
    if paused { runtime.pause(workflow: "chat") }
    var snapshot = runtime.snapshot()
    for _ in 0..<200
    where snapshot.workflows[0].runsStarted < runs || (paused && snapshot.workflows[0].state != .paused) {
      try await Task.sleep(for: .milliseconds(10))
      snapshot = runtime.snapshot()
    }
    _ = await runtime.shutdown(deadline: .seconds(1))
    return snapshot
  }

  /// `GET /v1/info` as the API contract gives it.
  static func info(
    readOnly: Bool = false, api: Int = 1, server: String = "lanes", startedAt: Double = 1_700_000_000
  )
    -> [String: Any]
  {
    [
      "server": server, "version": "test", "api": api, "readOnly": readOnly, "startedAt": startedAt,
      "workflows": ["chat"], "queues": ["history"],
    ]
  }

  /// The routes of a healthy server.
  static func routes(readOnly: Bool = false, extra: [String: FakeLanesServer.Route] = [:])
    -> [String: FakeLanesServer.Route]
  {
    var routes: [String: FakeLanesServer.Route] = [
      "GET /v1/info": .json(info(readOnly: readOnly)),
      "GET /v1/snapshot": .file("snapshot.json"),
    ]
    for (key, value) in extra { routes[key] = value }
    return routes
  }

  /// A fake server answering a real snapshot.
  static func server(
    token: String? = nil, readOnly: Bool = false, extra: [String: FakeLanesServer.Route] = [:]
  )
    async throws -> FakeLanesServer
  {
    let server = try FakeLanesServer(token: token, routes: routes(readOnly: readOnly, extra: extra))
    try server.write(try await snapshot())
    return server
  }

  /// Connects quickly (polls every 50 ms, retries at most every 200 ms) so tests do not wait long.
  static func connect(_ server: FakeLanesServer, token: String? = nil) async throws -> RemoteRuntime {
    try await RemoteRuntime.connect(
      to: try RemoteEndpoint(parsing: server.url, token: token), pollInterval: .milliseconds(50),
      maxBackoff: .milliseconds(200))
  }
}
