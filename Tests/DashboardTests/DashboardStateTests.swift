import ExecutionCore
import TerminalUI
import Testing

@testable import Dashboard

@Suite("State and actions")
struct DashboardStateTests {
  func context(
    _ runtime: FakeRuntime, snapshot: RuntimeSnapshot? = Fixtures.snapshot(), now: Duration = .zero
  )
    -> ActionContext
  {
    ActionContext(
      snapshot: snapshot, control: runtime, now: now, themeNames: ["default"], comparisonPhase: .seconds(10),
      statusDuration: .seconds(4))
  }

  @Test func selectionClampsToTheSnapshot() {
    let runtime = FakeRuntime()
    var state = DashboardState()
    _ = state.apply(.moveSelection(-1), context: context(runtime))
    #expect(state.selectedWorkflow == 0)
    _ = state.apply(.moveSelection(10), context: context(runtime))
    #expect(state.selectedWorkflow == 2)
    state.focus = .queues
    _ = state.apply(.moveSelection(1), context: context(runtime))
    #expect(state.selectedQueue == 1)
    #expect(state.selectedWorkflow == 2)
  }

  @Test func eventScrollStaysWithinTheLog() {
    let runtime = FakeRuntime()
    var state = DashboardState()
    state.focus = .events
    _ = state.apply(.moveSelection(-10), context: context(runtime))
    #expect(state.eventScroll == 3)
    _ = state.apply(.moveSelection(1), context: context(runtime))
    #expect(state.eventScroll == 2)
    _ = state.apply(.moveSelection(10), context: context(runtime))
    #expect(state.eventScroll == 0)
  }

  @Test func withoutASnapshotCommandsAreRefusedPolitely() {
    let runtime = FakeRuntime()
    var state = DashboardState()
    #expect(state.apply(.trigger, context: context(runtime, snapshot: nil)) == .none)
    #expect(state.status?.text == "no workflow to act on")
    _ = state.apply(.redrive, context: context(runtime, snapshot: nil))
    #expect(state.status?.text == "no queue to act on")
    #expect(runtime.commands.isEmpty)
  }

  @Test func rateLadderStopsAtItsEnds() {
    let runtime = FakeRuntime()
    runtime.script { $0.workflows[0].rate = 1000 }
    var state = DashboardState()
    _ = state.apply(.raiseRate, context: context(runtime, snapshot: runtime.snapshot()))
    runtime.script { $0.workflows[0].rate = 0 }
    _ = state.apply(.lowerRate, context: context(runtime, snapshot: runtime.snapshot()))
    runtime.script { $0.workflows[0].rate = 3 }
    _ = state.apply(.raiseRate, context: context(runtime, snapshot: runtime.snapshot()))
    #expect(
      runtime.runtimeCommands == [
        .setRate("checkout", 1000), .setRate("checkout", 0), .setRate("checkout", 5),
      ])
  }

  @Test func refreshIntervalStaysInItsList() {
    let runtime = FakeRuntime()
    var state = DashboardState()
    for _ in 0..<5 { _ = state.apply(.refreshSlower, context: context(runtime)) }
    #expect(state.refreshInterval == .seconds(2))
    for _ in 0..<5 { _ = state.apply(.refreshFaster, context: context(runtime)) }
    #expect(state.refreshInterval == .milliseconds(250))
  }

  @Test func comparisonWithNoRunsSaysSo() {
    let runtime = FakeRuntime()
    var state = DashboardState()
    _ = state.apply(.startComparison, context: context(runtime))
    #expect(state.comparison?.fraction(at: .seconds(5)) == 0.25)
    _ = state.advanceComparison(context: context(runtime, now: .seconds(10)))
    _ = state.advanceComparison(context: context(runtime, now: .seconds(20)))
    guard case .comparison(let result) = state.overlay else {
      Issue.record("no summary")
      return
    }
    #expect(result.ratio(\.p99) == nil)
    let input = RenderInput(state: state, snapshot: Fixtures.snapshot(), size: Size(width: 100, height: 30))
    #expect(DashboardRenderer.render(input).text.contains("not enough runs to compare"))
  }

  @Test func helpTogglesAndEscCloses() {
    let runtime = FakeRuntime()
    var state = DashboardState()
    _ = state.apply(.toggleHelp, context: context(runtime))
    #expect(state.overlay == .help)
    _ = state.apply(.dismiss, context: context(runtime))
    #expect(state.overlay == .none)
  }
}
