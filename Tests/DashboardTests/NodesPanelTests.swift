import ExecutionCore
import TerminalUI
import Testing

@testable import Dashboard

/// The Nodes panel and the cluster-wide labels, alone and in the whole dashboard at 120x40, 80x24
/// and smaller.
@Suite("Nodes panel")
struct NodesPanelTests {
  @Test func listsEveryNodeWithTheLostOneFirstAndMarked() {
    let screen = PanelTests.draw(.nodes, width: 100, height: 6, snapshot: Fixtures.clusterSnapshot())
    SnapshotFile.assert(screen.lines.joined(separator: "\n"), named: "panel-nodes")
    let lines = screen.lines
    #expect(lines[1].contains("Nodes (2 live, 1 LOST; cp p99: last 1m, /s: last 5s)"), "\(lines[1])")
    for column in ["node", "state", "uptime", "heartbeat", "runs/s", "busy", "cp p99", "workflows"] {
      #expect(lines[2].contains(column), "no column \(column): \(lines[2])")
    }
    // Lost first (it needs a look), then the others as the database has them, this node marked.
    let lost = lines[3]
    #expect(lost.contains("node c3d4e5f6") && lost.contains("LOST") && lost.contains("40.0s ago"), "\(lost)")
    #expect(lost.contains("DIFFERENT"), "\(lost)")
    let me = lines[4]
    #expect(me.contains("▸ 10.0.0.1:7700") && me.contains("live") && me.contains("1:02:05"), "\(me)")
    #expect(
      me.contains("0.3s ago") && me.contains(" 42 ") && me.contains("3/8") && me.contains("45ms"), "\(me)")
    let other = lines[5]
    #expect(other.contains("10.0.0.2:7700") && other.contains("17.5") && other.contains("8/8"), "\(other)")
    #expect(other.contains("120ms") && other.contains("same"), "\(other)")
    // The lost mark is in the error colour, not only words.
    let x = lost.distance(from: lost.startIndex, to: lost.range(of: "LOST")!.lowerBound)
    #expect(screen[x, 3].style.foreground == PanelTests.theme[.error])
    // Untouched cells around the panel stay as they were.
    #expect(lines[0].allSatisfy { $0 == "x" })
  }

  @Test func nodesThatDoNotFitAreCountedLostOnesShownFirst() {
    let screen = PanelTests.draw(.nodes, width: 100, height: 4, snapshot: Fixtures.clusterSnapshot())
    let text = screen.lines.joined(separator: "\n")
    #expect(text.contains("LOST"))
    #expect(text.contains("+2 nodes"), "\(text)")
  }

  @Test func aSingleNodeSaysSo() {
    let screen = PanelTests.draw(.nodes, width: 60, height: 4)
    #expect(screen.lines.joined().contains("not a cluster (single node)"))
  }

  @Test func at120x40TheClusterIsShownAndLabelled() {
    let harness = Harness(size: Size(width: 120, height: 40), snapshot: Fixtures.clusterSnapshot())
    harness.app.drain()
    SnapshotFile.assert(harness.text, named: "app-120x40-cluster")
    let text = harness.text
    for part in [
      "Nodes (2 live, 1 LOST", "10.0.0.1:7700", "10.0.0.2:7700", "node c3d4e5f6", "DIFFERENT",
      "Workflows (this node; cp: critical path, all 2 live nodes)", "(this node)", "depth, dead: cluster",
      "cluster 2 nodes", "1 NODE LOST",
    ] {
      #expect(text.contains(part), "120x40 lacks \(part)")
    }
    // checkout's cp p99 is the cluster's (118ms), not this node's (45ms).
    let checkout = harness.frame.lines.first { $0.contains("checkout") && $0.contains("running") } ?? ""
    #expect(checkout.contains("118ms") && !checkout.contains("45ms"), "\(checkout)")
    for line in harness.frame.lines { #expect(line.count == 120) }
  }

  @Test func at80x24TheNodesStayAndTheRestDegradesAsBefore() {
    let harness = Harness(size: Size(width: 80, height: 24), snapshot: Fixtures.clusterSnapshot())
    harness.app.drain()
    SnapshotFile.assert(harness.text, named: "app-80x24-cluster")
    let text = harness.text
    for part in ["Nodes", "LOST", "10.0.0.2:7700", "Queues", "Workflows", "p99 trend", "? more"] {
      #expect(text.contains(part), "80x24 lacks \(part)")
    }
    for line in harness.frame.lines { #expect(line.count == 80) }
  }

  @Test func smallerTheHeaderStillCountsNodesAndLostOnes() {
    let harness = Harness(size: Size(width: 60, height: 16), snapshot: Fixtures.clusterSnapshot())
    harness.app.drain()
    #expect(!harness.text.contains("Nodes ("))
    #expect(harness.headerLine.contains("LOST"), "\(harness.headerLine)")
    let tiny = Harness(size: Size(width: 50, height: 12), snapshot: Fixtures.clusterSnapshot())
    tiny.app.drain()
    #expect(tiny.text.contains("terminal too small"))
  }

  @Test func layoutHasNodesOnlyOnACluster() {
    let single = DashboardLayout.compute(size: Size(width: 120, height: 40), snapshot: Fixtures.snapshot())
    #expect(single?.panels[.nodes] == nil)
    let cluster = DashboardLayout.compute(
      size: Size(width: 120, height: 40), snapshot: Fixtures.clusterSnapshot())
    let nodes = cluster?.panels[.nodes]
    #expect(nodes?.height == 6)
    // Under the queues, full width.
    #expect(nodes?.width == 120 && nodes.map { $0.y == cluster!.panels[.queues]!.maxY } == true)
  }
}
