import ExecutionCore
import Foundation
import LanesTestSupport
import Testing

@testable import LanesRemote

/// A remote dashboard attached to a node of a cluster reads the snapshot's `cluster` section; a
/// server of a single node (or an older Lanes) sends none.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RemoteClusterTests {
  static func cluster() -> ClusterSnapshot {
    let p99 = LatencySummary(
      count: 12, p50: .milliseconds(3), p95: .milliseconds(8), p99: .milliseconds(9), p999: .milliseconds(9),
      max: .milliseconds(9), mean: .milliseconds(4))
    return ClusterSnapshot(
      nodeID: "a",
      nodes: [
        ClusterNodeSnapshot(
          id: "a", address: "127.0.0.1:7700", isSelf: true, uptime: .seconds(90),
          heartbeatAge: .milliseconds(400),
          alive: true, sameWorkflows: true, reported: true, runsPerSecond: 4, busyWorkers: 1, workers: 2,
          criticalPathP99: .milliseconds(9)),
        ClusterNodeSnapshot(
          id: "b", address: "127.0.0.1:7701", isSelf: false, uptime: .seconds(80), heartbeatAge: .seconds(31),
          alive: false, sameWorkflows: true, reported: true, runsPerSecond: 0, busyWorkers: 0, workers: 2,
          criticalPathP99: nil),
      ],
      lostAfter: .seconds(15), criticalPath: ["chat": [.last1m: p99]], criticalPathAll: [.last1m: p99])
  }

  @Test func readsTheClusterSectionAndFollowsIt() async throws {
    let server = try FakeLanesServer(routes: Fixtures.routes())
    var original = try await Fixtures.snapshot(runs: 3)
    try server.write(original)
    let remote = try await Fixtures.connect(server)
    defer { remote.close() }
    #expect(remote.snapshot().cluster == nil)

    original.cluster = Self.cluster()
    try server.write(original)
    #expect(await eventually { remote.snapshot().cluster == Self.cluster() })
    let seen = try #require(remote.snapshot().cluster)
    #expect(seen.lostNodes == 1 && seen.nodes[1].address == "127.0.0.1:7701")
    #expect(seen.criticalPath("chat", .last1m).p99 == .milliseconds(9))
  }

  @Test func aSnapshotWithoutTheSectionStillDecodes() throws {
    // What an older server writes: no `cluster` member at all.
    let body = try JSONEncoder().encode(
      RuntimeSnapshot(
        uptime: .seconds(1), mode: .hybrid, workflows: [], queues: [], events: [], recentFailures: [],
        runsInFlight: 0, maxRunsInFlight: nil, shuttingDown: false))
    #expect(!String(decoding: body, as: UTF8.self).contains("cluster"))
    #expect(try RemoteSnapshot.decode(body).cluster == nil)
  }
}
