import ExecutionCore
import TerminalUI
import Testing

@testable import Dashboard

@Suite("State and actions")
struct DashboardStateTests {
  func context(snapshot: RuntimeSnapshot? = Fixtures.snapshot(), now: Duration = .zero) -> ActionContext {
    ActionContext(
      snapshot: snapshot, now: now, themeNames: ["default"], comparisonPhase: .seconds(10),
      statusDuration: .seconds(4))
  }

  @Test func selectionClampsToTheSnapshot() {
    var state = DashboardState()
    _ = state.apply(.moveSelection(-1), context: context())
    #expect(state.selectedWorkflow == 0)
    _ = state.apply(.moveSelection(10), context: context())
    #expect(state.selectedWorkflow == 2)
    state.focus = .queues
    _ = state.apply(.moveSelection(1), context: context())
    #expect(state.selectedQueue == 1)
    #expect(state.selectedWorkflow == 2)
  }

  @Test func eventScrollStaysWithinTheLog() {
    var state = DashboardState()
    state.focus = .events
    _ = state.apply(.moveSelection(-10), context: context())
    #expect(state.eventScroll == 3)
    _ = state.apply(.moveSelection(1), context: context())
    #expect(state.eventScroll == 2)
    _ = state.apply(.moveSelection(10), context: context())
    #expect(state.eventScroll == 0)
  }

  @Test func withoutASnapshotCommandsAreRefusedPolitely() {
    var state = DashboardState()
    #expect(state.apply(.trigger, context: context(snapshot: nil)) == .none)
    #expect(state.status?.text == "no workflow to act on")
    #expect(state.apply(.redrive, context: context(snapshot: nil)) == .none)
    #expect(state.status?.text == "no queue to act on")
    #expect(state.apply(.toggleMode, context: context(snapshot: nil)) == .none)
  }

  @Test func rateLadderStopsAtItsEnds() {
    var state = DashboardState()
    var snapshot = Fixtures.snapshot()
    var sent: [RuntimeCommand] = []
    for rate in [1000.0, 0, 3] {
      snapshot.workflows[0].rate = rate
      let step = rate == 0 ? DashboardAction.lowerRate : .raiseRate
      sent += state.apply(step, context: context(snapshot: snapshot)).commands
    }
    #expect(
      sent == [
        .setRate(workflow: "checkout", rate: 1000), .setRate(workflow: "checkout", rate: 0),
        .setRate(workflow: "checkout", rate: 5),
      ])
  }

  @Test func refreshIntervalStaysInItsList() {
    var state = DashboardState()
    for _ in 0..<5 { _ = state.apply(.refreshSlower, context: context()) }
    #expect(state.refreshInterval == .seconds(2))
    for _ in 0..<5 { _ = state.apply(.refreshFaster, context: context()) }
    #expect(state.refreshInterval == .milliseconds(250))
  }

  /// `m` and `p` both decide from the snapshot on screen, and neither reaches the runtime.
  @Test func togglesDecideFromTheDisplayedSnapshot() {
    var state = DashboardState()
    var snapshot = Fixtures.snapshot()
    snapshot.mode = .allSync
    #expect(state.apply(.toggleMode, context: context(snapshot: snapshot)).commands == [.setMode(.hybrid)])
    snapshot.mode = .hybrid
    #expect(state.apply(.toggleMode, context: context(snapshot: snapshot)).commands == [.setMode(.allSync)])
    snapshot.workflows[0].state = .paused
    #expect(
      state.apply(.toggleWorkflowPause, context: context(snapshot: snapshot)).commands == [
        .resume(workflow: "checkout")
      ])
    snapshot.workflows[0].state = .running
    #expect(
      state.apply(.toggleWorkflowPause, context: context(snapshot: snapshot)).commands == [
        .pause(workflow: "checkout")
      ])
  }

  /// `p` says "pausing…", and "paused" only once a snapshot shows the workflow paused.
  @Test func pauseReportsPausingThenPaused() {
    var state = DashboardState()
    var snapshot = Fixtures.snapshot()
    _ = state.apply(.toggleWorkflowPause, context: context(snapshot: snapshot))
    #expect(state.status?.text.hasPrefix("pausing checkout…") == true)
    snapshot.workflows[0].state = .pausing
    state.observe(snapshot, context: context(snapshot: snapshot))
    #expect(state.status?.text.hasPrefix("pausing checkout…") == true)
    snapshot.workflows[0].state = .paused
    state.observe(snapshot, context: context(snapshot: snapshot))
    #expect(state.status?.text == "checkout paused: its runs in flight have finished")
    #expect(state.pendingPauses.isEmpty)
  }

  @Test func triggerOnAPausedWorkflowIsRefusedWithTheResumeKey() {
    var state = DashboardState()
    var snapshot = Fixtures.snapshot()
    snapshot.workflows[0].state = .paused
    #expect(state.apply(.trigger, context: context(snapshot: snapshot)) == .none)
    #expect(state.status?.text == "checkout is paused: it rejects new runs (p resumes it)")
    #expect(state.status?.tone == .warning)
  }

  @Test func comparisonRefusesAPausedWorkflowOrOneWithoutLoad() {
    var state = DashboardState()
    var snapshot = Fixtures.snapshot()
    snapshot.workflows[0].state = .paused
    #expect(state.apply(.startComparison, context: context(snapshot: snapshot)) == .none)
    #expect(state.status?.text.contains("it is paused and starts no runs") == true)
    snapshot.workflows[0].state = .running
    snapshot.workflows[0].rate = 0
    snapshot.workflows[0].startedPerSecond = 0
    #expect(state.apply(.startComparison, context: context(snapshot: snapshot)) == .none)
    #expect(state.status?.text == "cannot compare checkout: it has no load (+ raises it, then c)")
    #expect(state.comparison == nil)
  }

  @Test func comparisonRunsThroughEffectsAndAbsorbedResults() {
    var state = DashboardState()
    let start = state.apply(.startComparison, context: context())
    #expect(
      start.commands == [
        .setWorkflowMode(.allSync, workflow: "checkout", comparison: true),
        .startRecording(workflow: "checkout"),
      ])
    state.absorb(.recording(RecordingID(rawValue: 1)), of: start.commands[1], context: context())
    #expect(state.comparison?.fraction(at: .seconds(5)) == 0.25)
    #expect(state.advanceComparison(context: context(now: .seconds(9))) == .none)
    let middle = state.advanceComparison(context: context(now: .seconds(10)))
    #expect(
      middle.commands == [
        .finishRecording(RecordingID(rawValue: 1)),
        .setWorkflowMode(.hybrid, workflow: "checkout", comparison: true),
        .startRecording(workflow: "checkout"),
      ])
    let fast = Fixtures.summary(p50: 10, p95: 20, p99: 40)
    let slow = Fixtures.summary(p50: 20, p95: 40, p99: 80)
    state.absorb(.summary(slow), of: middle.commands[0], context: context())
    state.absorb(.recording(RecordingID(rawValue: 2)), of: middle.commands[2], context: context())
    let end = state.advanceComparison(context: context(now: .seconds(20)))
    #expect(
      end.commands == [
        .finishRecording(RecordingID(rawValue: 2)),
        .setWorkflowMode(nil, workflow: "checkout", comparison: false),
      ])
    state.absorb(.summary(fast), of: end.commands[0], context: context())
    guard case .comparison(let result) = state.overlay else {
      Issue.record("no summary")
      return
    }
    // hybrid ÷ all-sync, as `lanes compare` prints it.
    #expect(result.ratio(\.p99) == 0.5)
    let input = RenderInput(state: state, snapshot: Fixtures.snapshot(), size: Size(width: 100, height: 30))
    let text = DashboardRenderer.render(input).text
    #expect(text.contains("p99: hybrid answers in 0.50× the all-sync time"))
    #expect(text.contains("hybrid ÷ all-sync"))
    _ = state.apply(.dismiss, context: context())
    #expect(state.overlay == .none)
    #expect(state.status == nil)
  }

  @Test func comparisonWithNoRunsSaysSo() {
    let result = ComparisonResult(workflow: "checkout", allSync: .empty, hybrid: .empty)
    var state = DashboardState()
    state.overlay = .comparison(result)
    #expect(result.ratio(\.p99) == nil)
    let input = RenderInput(state: state, snapshot: Fixtures.snapshot(), size: Size(width: 100, height: 30))
    #expect(DashboardRenderer.render(input).text.contains("not enough runs to compare: raise the load (+)"))
  }

  @Test func redriveWithNoDeadLettersSendsNothing() {
    var state = DashboardState()
    var snapshot = Fixtures.snapshot()
    state.focus = .queues
    snapshot.queues[0].dead = 0
    #expect(state.apply(.redrive, context: context(snapshot: snapshot)) == .none)
    #expect(state.status?.text == "no dead letters in \(snapshot.queues[0].name)")
    snapshot.queues[0].dead = 3
    let effect = state.apply(.redrive, context: context(snapshot: snapshot))
    #expect(effect.commands == [.redrive(queue: snapshot.queues[0].name)])
    state.absorb(.redriven(3), of: effect.commands[0], context: context())
    #expect(state.status?.text == "redrove 3 dead letters onto \(snapshot.queues[0].name)")
  }

  @Test func helpTogglesAndEscCloses() {
    var state = DashboardState()
    _ = state.apply(.toggleHelp, context: context())
    #expect(state.overlay == .help)
    _ = state.apply(.dismiss, context: context())
    #expect(state.overlay == .none)
  }

  @Test func messagesNameTheKeysOfTheTable() {
    var table = KeyTable.standard
    let index = table.bindings.firstIndex { $0.action == .toggleWorkflowPause }!
    table.bindings[index].keys = [.character("z")]
    var state = DashboardState()
    var snapshot = Fixtures.snapshot()
    snapshot.workflows[0].state = .paused
    let ctx = ActionContext(snapshot: snapshot, now: .zero, keyTable: table)
    _ = state.apply(.trigger, context: ctx)
    #expect(state.status?.text.contains("(z resumes it)") == true)
  }
}
