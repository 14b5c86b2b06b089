import ExecutionCore
import TerminalUI
import Testing

@testable import Dashboard

/// Each panel drawn alone into a screen filled with `x`, so cells it leaves alone show.
@Suite("Panels")
struct PanelTests {
  static let theme = Theme.builtInDefault

  static func draw(
    _ kind: PanelKind, width: Int = 62, height: Int, state: DashboardState = DashboardState(),
    snapshot: RuntimeSnapshot = Fixtures.snapshot(), unicode: Bool = true
  ) -> Screen {
    let size = Size(width: width + 2, height: height + 2)
    var screen = Screen(size: size, fill: Cell("x"))
    let input = RenderInput(
      state: state, snapshot: snapshot, theme: theme,
      capabilities: TerminalCapabilities(colorDepth: .trueColor, unicode: unicode), size: size)
    DashboardRenderer.render(
      kind, into: &screen, area: Rect(x: 1, y: 1, width: width, height: height), context: PanelContext(input))
    return screen
  }

  static func find(_ text: String, in screen: Screen) -> (x: Int, y: Int)? {
    for (y, line) in screen.lines.enumerated() {
      if let range = line.range(of: text) {
        return (line.distance(from: line.startIndex, to: range.lowerBound), y)
      }
    }
    return nil
  }

  @Test func workflows() {
    let screen = Self.draw(.workflows, width: 80, height: 6)
    SnapshotFile.assert(screen.lines.joined(separator: "\n"), named: "panel-workflows")
    // The selected row is marked without colour and coloured with the theme's selection.
    let (x, y) = Self.find("▶ checkout", in: screen)!
    #expect(screen[x, y].style.background == Self.theme[.selected_bg])
    #expect(screen[x + 2, y].style.foreground == Self.theme[.selected_fg])
    let paused = Self.find("PAUSED", in: screen)!
    #expect(screen[paused.x, paused.y].style.foreground == Self.theme[.warn])
  }

  @Test func workflowSelectionFollowsTheState() {
    var state = DashboardState()
    state.selectedWorkflow = 2
    let screen = Self.draw(.workflows, width: 80, height: 6, state: state)
    #expect(Self.find("▶ signup", in: screen) != nil)
    #expect(Self.find("▶ checkout", in: screen) == nil)
  }

  @Test func queues() {
    let screen = Self.draw(.queues, width: 100, height: 6)
    SnapshotFile.assert(screen.lines.joined(separator: "\n"), named: "panel-queues")
    // crm has dead letters: their segment is drawn with its own glyph in the dead colour.
    let crm = Self.find("crm", in: screen)!
    let row = screen.lines[crm.y]
    let dead = row.distance(from: row.startIndex, to: row.firstIndex(of: "×")!)
    #expect(screen[dead, crm.y].style.foreground == Self.theme[.dead])
    #expect(screen[dead, crm.y].style.attributes.contains(.bold))
    #expect(row.contains("▸"), "crm is over capacity: the bar shows overflow")
    #expect(row.contains("7/0"))
  }

  @Test func latencyGraphMarksTheModeChange() {
    let screen = Self.draw(.latency, width: 62, height: 12)
    SnapshotFile.assert(screen.lines.joined(separator: "\n"), named: "panel-latency")
    let label = Self.find("ALL-SYNC", in: screen)!
    #expect(screen[label.x, label.y].style.foreground == Self.theme[.mode_sync])
    #expect(Self.find("now", in: screen) != nil)
    #expect(Self.find("300ms┤", in: screen) != nil)
  }

  @Test func waterfallShowsNowAndLater() {
    let screen = Self.draw(.waterfall, width: 70, height: 10)
    SnapshotFile.assert(screen.lines.joined(separator: "\n"), named: "panel-waterfall")
    let blocking = Self.find("████", in: screen)!
    #expect(screen[blocking.x, blocking.y].style.foreground == Self.theme[.blocking])
    let background = Self.find("▒▒▒▒", in: screen)!
    #expect(screen[background.x, background.y].style.foreground == Self.theme[.background])
    let critical = Self.find("◆ validate", in: screen)!
    #expect(screen[critical.x, critical.y].style.foreground == Self.theme[.critical])
    #expect(Self.find("▲ response 42ms", in: screen) != nil)
    #expect(Self.find("△ settled 180ms", in: screen) != nil)
    #expect(Self.find("rejected", in: screen) != nil)
  }

  @Test func waterfallWithTooFewRowsSaysWhatIsHidden() {
    let screen = Self.draw(.waterfall, width: 70, height: 7)
    #expect(Self.find("+3 hidden ([/] scroll): ", in: screen) != nil, "\(screen.text)")
    #expect(Self.find("▲ response 42ms", in: screen) != nil)
  }

  @Test func waterfallWithoutARunSaysHowToGetOne() {
    var snapshot = Fixtures.snapshot()
    snapshot.workflows[0].lastRun = nil
    let screen = Self.draw(.waterfall, width: 70, height: 6, snapshot: snapshot)
    #expect(Self.find("no run of checkout yet: t triggers one", in: screen) != nil)
  }

  @Test func outcomes() {
    let screen = Self.draw(.outcomes, width: 44, height: 10)
    SnapshotFile.assert(screen.lines.joined(separator: "\n"), named: "panel-outcomes")
    let dead = Self.find("✖ sync-crm#4 dead", in: screen)!
    #expect(screen[dead.x, dead.y].style.foreground == Self.theme[.error])
  }

  @Test func eventsShowSeverityBySymbolAndColour() {
    let screen = Self.draw(.events, width: 70, height: 6)
    SnapshotFile.assert(screen.lines.joined(separator: "\n"), named: "panel-events")
    let error = Self.find("✖ 1:30", in: screen)!
    #expect(screen[error.x, error.y].style.foreground == Self.theme[.error])
    #expect(screen[error.x, error.y].style.attributes.contains(.bold))
    let warning = Self.find("▲ 1:10", in: screen)!
    #expect(screen[warning.x, warning.y].style.foreground == Self.theme[.warn])
  }

  @Test func eventsScrollBack() {
    var state = DashboardState()
    state.focus = .events
    state.eventScroll = 2
    let screen = Self.draw(.events, width: 70, height: 5, state: state)
    #expect(Self.find("2:00 signup paused", in: screen) == nil)
    #expect(Self.find("2 newer", in: screen) != nil)
  }

  @Test func headerDropsTheLeastImportantFirst() {
    var state = DashboardState()
    state.frozen = true
    let wide = RenderInput(state: state, snapshot: Fixtures.snapshot(), size: Size(width: 120, height: 40))
    let narrow = RenderInput(
      state: state, snapshot: Fixtures.snapshot(mode: .allSync), size: Size(width: 60, height: 16),
      dataAge: nil)
    let wideLine = DashboardRenderer.render(wide).lines[0]
    #expect(wideLine.contains("lanes"))
    #expect(wideLine.contains("in flight 12/256"))
    #expect(wideLine.contains("FROZEN"))
    let narrowLine = DashboardRenderer.render(narrow).lines[0]
    #expect(narrowLine.contains("ALL-SYNC"))
    #expect(narrowLine.contains("FROZEN"))
    #expect(!narrowLine.contains("in flight"))
  }
}

@Suite("Whole frames at any size")
struct RenderSweepTests {
  @Test func everySizeAndDataShapeDrawsWithoutGarbage() {
    var empty = Fixtures.snapshot()
    empty.workflows = []
    empty.queues = []
    empty.events = []
    empty.recentFailures = []
    var inFlight = Fixtures.snapshot()
    inFlight.workflows[0].lastRun?.settled = nil
    inFlight.workflows[0].lastRun?.steps[3].endedAt = nil
    inFlight.workflows[0].lastRun?.steps[3].outcome = .running
    let snapshots: [RuntimeSnapshot?] = [nil, empty, inFlight, Fixtures.snapshot(mode: .allSync)]
    var state = DashboardState()
    state.selectedWorkflow = 7
    state.selectedQueue = 9
    for snapshot in snapshots {
      for width in stride(from: 20, through: 220, by: 29) {
        for height in stride(from: 5, through: 70, by: 11) {
          let size = Size(width: width, height: height)
          let screen = DashboardRenderer.render(RenderInput(state: state, snapshot: snapshot, size: size))
          #expect(screen.size == size)
          let tooSmall = width < 60 || height < 16
          #expect(screen.text.contains("need 60×16") == tooSmall, "\(size)")
        }
      }
    }
  }
}
