import TerminalUI
import Testing

@testable import Dashboard

@Suite("Layout")
struct DashboardLayoutTests {
  func panels(_ width: Int, _ height: Int, cluster: Bool = false) -> Set<PanelKind> {
    let snapshot = cluster ? Fixtures.clusterSnapshot() : Fixtures.snapshot()
    return Set(
      DashboardLayout.compute(size: Size(width: width, height: height), snapshot: snapshot)?.panels.keys
        ?? [:].keys)
  }

  @Test func panelsDropInTheDocumentedOrder() {
    // Every panel but the Nodes panel, which needs a cluster (NodesPanelTests).
    #expect(panels(120, 40) == Set(PanelKind.allCases).subtracting([.nodes]))
    #expect(panels(120, 30) == Set(PanelKind.allCases).subtracting([.nodes]))
    #expect(panels(120, 26) == [.workflows, .queues, .outcomes, .events])
    #expect(panels(120, 24) == [.workflows, .queues, .outcomes, .events])
    #expect(panels(80, 30) == [.workflows, .queues, .outcomes, .events, .latency])
    // 80x24 keeps what answers an operator: latency over time (as a trend column), queues,
    // background outcomes and the latest event.
    #expect(panels(80, 24) == [.workflows, .queues, .outcomes, .events])
    #expect(panels(60, 16) == [.workflows, .queues])
    #expect(panels(120, 40, cluster: true) == Set(PanelKind.allCases))
    #expect(panels(80, 24, cluster: true) == [.workflows, .queues, .nodes])
    #expect(panels(60, 16, cluster: true) == [.workflows, .queues])
    // Whatever the size, a panel is shown only if every panel after it in the drop order is.
    for height in 16...50 {
      let shown = panels(120, height, cluster: true)
      for (index, panel) in DashboardLayout.dropOrder.enumerated() where shown.contains(panel) {
        #expect(DashboardLayout.dropOrder[(index + 1)...].allSatisfy(shown.contains), "height \(height)")
      }
    }
  }

  @Test func belowTheMinimumThereIsNoLayout() {
    #expect(DashboardLayout.compute(size: Size(width: 59, height: 40), snapshot: nil) == nil)
    #expect(DashboardLayout.compute(size: Size(width: 200, height: 15), snapshot: nil) == nil)
    #expect(DashboardLayout.compute(size: DashboardLayout.minimumSize, snapshot: nil) != nil)
  }

  @Test func panelsTileTheBodyWithoutOverlapping() {
    for size in [
      Size(width: 60, height: 16), Size(width: 80, height: 24), Size(width: 120, height: 40),
      Size(width: 250, height: 70),
    ] {
      let layout = DashboardLayout.compute(size: size, snapshot: Fixtures.snapshot())!
      let rects = Array(layout.panels.values)
      let bodyArea = size.width * (size.height - 3)
      #expect(rects.reduce(0) { $0 + $1.width * $1.height } == bodyArea, "\(size)")
      for (i, a) in rects.enumerated() {
        #expect(a.y >= 1 && a.maxY <= size.height - 2 && a.maxX <= size.width)
        for b in rects[(i + 1)...] { #expect(a.intersection(b).isEmpty) }
      }
      #expect(layout.header == Rect(x: 0, y: 0, width: size.width, height: 1))
      #expect(layout.footer == Rect(x: 0, y: size.height - 1, width: size.width, height: 1))
    }
  }

  @Test func manyWorkflowsStillLeaveRoomForQueues() {
    var snapshot = Fixtures.snapshot()
    snapshot.workflows = Array(repeating: snapshot.workflows[0], count: 30)
    let layout = DashboardLayout.compute(size: Size(width: 80, height: 20), snapshot: snapshot)!
    #expect(layout.panels[.queues]!.height >= 4)
    #expect(layout.panels[.workflows]!.height >= 4)
  }
}
