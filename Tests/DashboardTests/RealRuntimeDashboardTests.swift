import ExecutionCore
import TerminalUI
import Testing

@testable import Dashboard

/// The dashboard driven by the real `Runtime` on the core's manual clock, beside the tests on
/// `FakeRuntime`: the same keys must give the same feedback, so the fake cannot drift from the
/// runtime it stands in for (pausing then paused, trigger results, per-workflow comparison mode,
/// redrive counts).
@Suite(.serialized) struct RealRuntimeDashboardTests {
  /// A dashboard on an in-memory terminal watching a real runtime whose time moves only when told.
  struct Rig {
    let clock = ExecutionCore.ManualClock()
    let screenClock = ManualDashboardClock()
    let runtime: Runtime
    let terminal = InMemoryTerminal(size: Size(width: 120, height: 40))
    let app: DashboardApp<InMemoryTerminal>

    init(steps: [StepDefinition], queues: [QueueDefinition] = []) throws {
      let workflow = WorkflowDefinition(name: "w", steps: steps, load: LoadDefinition(rate: 0))
      runtime = try Runtime(
        topology: Topology(workflows: [workflow], queues: queues),
        options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false),
        clock: clock)
      app = DashboardApp(backend: terminal, control: runtime, clock: screenClock)
      app.drain()
    }

    func type(_ text: String) {
      terminal.type(text)
      app.drain()
    }

    func press(_ key: Key) {
      terminal.press(key)
      app.drain()
    }

    /// Lets the runtime's tasks run to quiet, then gives the dashboard a fresh frame.
    func refresh() async {
      await clock.settle(quiet: .milliseconds(20))
      screenClock.advance(by: .seconds(1))
      app.drain()
    }

    var statusLine: String {
      let lines = terminal.lastFrame?.lines ?? []
      return lines.count >= 2 ? lines[lines.count - 2] : ""
    }
    var text: String { terminal.lastFrame?.text ?? "" }
  }

  static func step(_ id: String, _ mode: StepMode, ms: Int, queue: String? = nil, failureRate: Double = 0)
    -> StepDefinition
  {
    StepDefinition(
      id: id, mode: mode, queue: queue,
      action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(ms)), failureRate: failureRate)))
  }

  @Test func triggerSaysWhatTheRuntimeDidAndTheWaterfallNumbersRunsPerWorkflow() async throws {
    let rig = try Rig(steps: [Self.step("a", .blocking, ms: 5)])
    rig.type("t")
    #expect(rig.statusLine.contains("w: triggered 1 run"), "\(rig.statusLine)")
    #expect(await rig.clock.waitForSleepers(count: 1))
    rig.clock.advance(by: .milliseconds(5))
    await rig.refresh()
    #expect(rig.text.contains("Last run of w (#1 of 1, hybrid)"), "\(rig.text)")
  }

  @Test func pauseGoesThroughPausingToPausedAsWithTheFake() async throws {
    let rig = try Rig(steps: [Self.step("slow", .blocking, ms: 100)])
    rig.type("t")
    #expect(await rig.clock.waitForSleepers(count: 1))
    await rig.refresh()
    rig.type("p")
    #expect(rig.statusLine.contains("pausing w…"), "\(rig.statusLine)")
    #expect(rig.runtime.snapshot().workflows[0].state == .pausing)
    #expect(rig.text.contains("pausing…"))
    // A trigger now is refused from the displayed state, naming the key that resumes.
    rig.type("t")
    #expect(rig.statusLine.contains("w is pausing: it rejects new runs (p resumes it)"), "\(rig.statusLine)")
    rig.clock.advance(by: .milliseconds(100))
    await rig.refresh()
    #expect(rig.runtime.snapshot().workflows[0].state == .paused)
    #expect(rig.statusLine.contains("w paused: its runs in flight have finished"), "\(rig.statusLine)")
    #expect(rig.text.contains("PAUSED"))
  }

  @Test func comparisonChangesOnlyTheSelectedWorkflowAndEscRestoresIt() async throws {
    let rig = try Rig(steps: [Self.step("a", .blocking, ms: 5)])
    rig.type("c")
    #expect(rig.statusLine.contains("cannot compare w: it has no load"), "\(rig.statusLine)")
    rig.type("+")
    await rig.refresh()
    rig.type("c")
    var workflow = rig.runtime.snapshot().workflows[0]
    #expect(workflow.modeOverride == .allSync && workflow.underComparison)
    #expect(rig.runtime.snapshot().mode == .hybrid, "the runtime's own mode is untouched")
    rig.press(.escape)
    workflow = rig.runtime.snapshot().workflows[0]
    #expect(workflow.modeOverride == nil && !workflow.underComparison)
    #expect(rig.statusLine.contains("comparison cancelled"))
  }

  @Test func redriveReportsTheCountTheRuntimeMoved() async throws {
    let rig = try Rig(
      steps: [
        Self.step("a", .blocking, ms: 1), Self.step("bg", .background, ms: 1, queue: "q", failureRate: 1),
      ],
      queues: [QueueDefinition(name: "q", workers: 1, capacity: 10)])
    rig.type("t")
    for _ in 0..<5 {
      await rig.clock.settle(quiet: .milliseconds(20))
      rig.clock.advance(by: .milliseconds(1))
    }
    await rig.refresh()
    #expect(rig.runtime.snapshot().queues[0].dead == 1)
    rig.press(.tab)
    rig.type("r")
    #expect(rig.statusLine.contains("redrove 1 dead letter onto q"), "\(rig.statusLine)")
  }
}
