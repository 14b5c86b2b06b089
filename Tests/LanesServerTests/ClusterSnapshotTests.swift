import ExecutionCore
import Foundation
import Testing

@testable import LanesServer

/// The snapshot's `cluster` section as `/v1/snapshot` writes it, and `/metrics` on a cluster node.
@Suite struct ClusterSnapshotTests {
  static func summary(_ ms: Int, count: Int) -> LatencySummary {
    LatencySummary(
      count: count, p50: .milliseconds(ms / 2), p95: .milliseconds(ms - 1), p99: .milliseconds(ms),
      p999: .milliseconds(ms), max: .milliseconds(ms + 1), mean: .microseconds(ms * 600))
  }

  static func cluster() -> ClusterSnapshot {
    ClusterSnapshot(
      nodeID: "6f1c",
      nodes: [
        ClusterNodeSnapshot(
          id: "6f1c", address: "127.0.0.1:7700", isSelf: true, uptime: .seconds(61),
          heartbeatAge: .milliseconds(250),
          alive: true, sameWorkflows: true, reported: true, runsPerSecond: 12.5, busyWorkers: 2, workers: 4,
          criticalPathP99: .microseconds(45_123)),
        ClusterNodeSnapshot(
          id: "9a2b", address: nil, isSelf: false, uptime: .seconds(3), heartbeatAge: .seconds(20),
          alive: false,
          sameWorkflows: false, reported: false, runsPerSecond: 0, busyWorkers: 0, workers: 0,
          criticalPathP99: nil),
      ],
      lostAfter: .seconds(15),
      criticalPath: ["checkout": [.last1m: summary(40, count: 30), .sinceStart: summary(50, count: 90)]],
      criticalPathAll: [.last1m: summary(40, count: 30)], problem: "quote \" and / slash")
  }

  @Test func theClusterSectionIsWrittenAsJSONEncoderWritesIt() throws {
    try SnapshotEncodingTests.expectSameAsJSONEncoder(Self.cluster())
    let runtime = try Runtime(
      topology: LanesServerTests.topology(), options: RuntimeOptions(startLoad: false, keptRuns: 10))
    var snapshot = runtime.snapshot(fresh: true)
    #expect(snapshot.cluster == nil)
    // A single node writes no `cluster` member at all, as JSONEncoder leaves out a nil.
    let single = String(decoding: try StreamingJSON.encode(snapshot), as: UTF8.self)
    #expect(!single.contains("\"cluster\""))
    snapshot.cluster = Self.cluster()
    let streamed = try StreamingJSON.encode(snapshot)
    #expect(
      try SnapshotEncodingTests.parsed(streamed)
        == SnapshotEncodingTests.parsed(JSONEncoder().encode(snapshot)))
    let decoded = try JSONDecoder().decode(RuntimeSnapshot.self, from: Data(streamed))
    #expect(decoded.cluster == Self.cluster())
    #expect(decoded.cluster?.criticalPath("checkout", .last1m).count == 30)
    #expect(decoded.cluster?.lostNodes == 1)
    // The windows are keyed by name, as the histograms are.
    let text = String(decoding: streamed, as: UTF8.self)
    #expect(text.contains(#""criticalPathAll":{"1m":"#), "\(text)")
  }

  @Test func aClusterNodeLabelsWhatIsTheWholeClusters() {
    let node = LanesMetrics(workflows: ["w"], queues: ["q"], clusterWide: true)
    let single = LanesMetrics(workflows: ["w"], queues: ["q"])
    let runtime = try? Runtime(
      topology: LanesServerTests.topology(), options: RuntimeOptions(startLoad: false, keptRuns: 10))
    guard let snapshot = runtime?.snapshot(fresh: true) else { return }
    let clusterText = node.scrape(snapshot)
    let singleText = single.scrape(snapshot)
    for line in clusterText.split(separator: "\n") where !line.hasPrefix("#") {
      let fromStore =
        line.hasPrefix("lanes_queue_steps{") || line.hasPrefix("lanes_queue_oldest_age_seconds{")
        || line.hasPrefix("lanes_background_steps_total{")
      #expect(line.contains(#"scope="cluster""#) == fromStore, "\(line)")
    }
    #expect(!singleText.split(separator: "\n").contains { !$0.hasPrefix("#") && $0.contains("scope=") })
    #expect(
      clusterText.contains("# HELP lanes_queue_steps") && clusterText.contains("do not sum across nodes"))
    #expect(clusterText.contains("# HELP lanes_workers_busy Workers of this node"))
  }
}
