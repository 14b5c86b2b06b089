import Dashboard
import ExecutionCore
import Foundation
import LanesTestSupport
import TerminalUI
import Testing

@testable import LanesRemote

/// The dashboard (`DashboardApp` on an in-memory terminal) watching a `RemoteRuntime` on the fake
/// server: the connection in the header, STALE and reconnecting, answers that arrive later, and
/// the keys a read-only server refuses.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RemoteDashboardTests {
  struct Rig {
    let server: FakeLanesServer
    let remote: RemoteRuntime
    let terminal = InMemoryTerminal(size: Size(width: 140, height: 40))
    let app: DashboardApp<InMemoryTerminal>

    init(server: FakeLanesServer, options: DashboardOptions = DashboardOptions()) async throws {
      self.server = server
      remote = try await Fixtures.connect(server)
      app = DashboardApp(backend: terminal, control: remote, options: options)
      app.drain()
    }

    var header: String { app.render().lines.first ?? "" }
    var statusLine: String {
      let lines = app.render().lines
      return lines.count >= 2 ? lines[lines.count - 2] : ""
    }

    func type(_ text: String) {
      terminal.type(text)
      app.drain()
    }

    /// Turns the loop until `predicate` holds for the frame (the loop takes the remote's answers).
    func waitFor(_ predicate: @escaping (Rig) -> Bool) async -> Bool {
      await eventually {
        _ = app.step()
        return predicate(self)
      }
    }
  }

  @Test func theHeaderShowsTheServerAndTheAgeOfTheLastUpdate() async throws {
    let rig = try await Rig(server: try await Fixtures.server())
    defer { rig.remote.close() }
    #expect(rig.header.contains("server 127.0.0.1:\(rig.server.port), updated "), "\(rig.header)")
    #expect(rig.header.contains("s ago"))
    #expect(!rig.header.contains("STALE"))
    #expect(!rig.header.contains("READ-ONLY"))
    #expect(rig.app.render().text.contains("chat"))
  }

  @Test func staleWhenTheServerStopsAnsweringThenLiveAgain() async throws {
    let rig = try await Rig(server: try await Fixtures.server())
    defer { rig.remote.close() }
    rig.server.stop()
    #expect(
      await rig.waitFor { $0.header.contains("STALE") && $0.header.contains("RECONNECTING") }, "\(rig.header)"
    )
    #expect(rig.header.contains("connection refused"), "\(rig.header)")
    // The panels keep the last data while the server is away.
    #expect(rig.app.render().text.contains("chat"))

    try rig.server.restart()
    #expect(
      await rig.waitFor { !$0.header.contains("STALE") && !$0.header.contains("RECONNECTING") },
      "\(rig.header)")
    #expect(rig.header.contains("updated "))
  }

  @Test func aReadOnlyServerRefusesTheKeysThatChangeTheRuntime() async throws {
    let rig = try await Rig(server: try await Fixtures.server(readOnly: true))
    defer { rig.remote.close() }
    #expect(rig.header.contains("READ-ONLY"))
    for key in ["p", "t", "m", "+"] {
      rig.type(key)
      // Keys are named as the footer names them (`t/⏎`, `+/=`).
      #expect(rig.statusLine.contains("read-only server: \(key)"), "\(key): \(rig.statusLine)")
      #expect(rig.statusLine.contains("refused"))
    }
    // Keys that only change the view still work.
    rig.type("f")
    #expect(rig.statusLine.contains("display frozen"), "\(rig.statusLine)")
    #expect(!rig.server.requests.contains { $0.method != "GET" }, "nothing was sent")
  }

  @Test func theServersAnswerToATriggerIsWhatTheStatusLineSays() async throws {
    let server = try await Fixtures.server(extra: [
      "POST /v1/workflows/chat/trigger": .json(["requested": 1, "accepted": 0, "refusal": "inFlightLimit"])
    ])
    let rig = try await Rig(server: server)
    defer { rig.remote.close() }
    rig.type("t")
    // Until the answer arrives the line says the run is being sent; a fast fake server may have
    // answered before the line is read, so either is right here (CI saw the answer first).
    #expect(
      rig.statusLine.contains("sending 1 run of chat") || rig.statusLine.contains("chat: refused 1 run"),
      "\(rig.statusLine)")
    #expect(
      await rig.waitFor {
        $0.statusLine.contains("chat: refused 1 run: the limit on runs in flight was reached")
      },
      "\(rig.statusLine)")
  }

  @Test func aCommandTheServerRefusesSaysWhy() async throws {
    let server = try await Fixtures.server(extra: [
      "POST /v1/workflows/chat/pause": .json(["error": "read-only server: pause refused"], status: 403)
    ])
    let rig = try await Rig(server: server)
    defer { rig.remote.close() }
    rig.type("p")
    #expect(
      await rig.waitFor { $0.statusLine.contains("pause chat: read-only server: pause refused") },
      "\(rig.statusLine)")
    // From then on the dashboard knows: the next key is refused without asking the server.
    #expect(rig.header.contains("READ-ONLY"))
    let sent = rig.server.requests.filter { $0.method != "GET" }.count
    rig.type("t")
    #expect(rig.statusLine.contains("read-only server: t"), "\(rig.statusLine)")
    #expect(rig.server.requests.filter { $0.method != "GET" }.count == sent)
  }

  @Test func aPauseIsReportedDoneWhenTheServersSnapshotsShowIt() async throws {
    let server = try await Fixtures.server(extra: [
      "POST /v1/workflows/chat/pause": .json(["workflow": "chat", "state": "paused"])
    ])
    let rig = try await Rig(server: server)
    defer { rig.remote.close() }
    rig.type("p")
    #expect(rig.statusLine.contains("pausing chat"), "\(rig.statusLine)")
    #expect(await eventually { server.requests.contains { $0.path == "/v1/workflows/chat/pause" } })
    // The snapshots still say "running" for a moment after the key: the pause is not forgotten.
    for _ in 0..<3 { _ = rig.app.step() }
    try server.write(try await Fixtures.snapshot(runs: 1, paused: true))
    #expect(
      await rig.waitFor { $0.statusLine.contains("chat paused: its runs in flight have finished") },
      "\(rig.statusLine)")
  }
}
