import Testing

@testable import ExecutionCore

/// The allocation-free list of steps a finished step made ready.
struct ReadyStepsTests {
  @Test func holdsNoneOneOrManyInOrder() {
    var ready = ReadySteps()
    #expect(ready.isEmpty)
    ready.append(4)
    #expect(Array(ready) == [4])
    #expect(ready.count == 1 && ready[0] == 4)
    ready.append(7)
    ready.append(2)
    #expect(Array(ready) == [4, 7, 2])
    #expect(ReadySteps([3, 1]).map { $0 } == [3, 1])
    let literal: ReadySteps = []
    #expect(literal.isEmpty)
  }

  @Test func finishingAStepInAChainMakesExactlyItsSuccessorReady() throws {
    let steps = (0..<3).map { i in
      StepDefinition(
        id: "s\(i)", mode: .blocking, after: i == 0 ? [] : ["s\(i - 1)"], action: .closure { _ in })
    }
    let compiled = try CompiledTopology.compile(
      Topology(
        workflows: [WorkflowDefinition(name: "w", steps: steps, load: LoadDefinition(rate: 0))], queues: []))
    let workflow = WorkflowRuntime(
      index: 0, definition: WorkflowDefinition(name: "w", steps: steps, load: LoadDefinition(rate: 0)),
      steps: compiled.workflows[0])
    #expect(Array(workflow.roots) == [0])
    let run = RunState(id: 1, index: 0, workflow: workflow, mode: .hybrid, intendedNs: 100)
    #expect(run.beginBlocking(0, nowNs: 5_000, allowance: 2_000) == 3_000)
    let first = run.finish(0, outcome: .succeeded, endNs: 6_000)
    #expect(Array(first.ready) == [1] && !first.settled)
    // Started at once: the attempt starts at its ready time (the end of its dependency).
    #expect(run.beginBlocking(1, nowNs: 6_500, allowance: 2_000) == 6_000)
    let failed = run.finish(1, outcome: .failed, endNs: 7_000)
    #expect(failed.ready.isEmpty && failed.settled)
    #expect(run.progress.withLock { $0.steps[2].outcome } == .skipped)
  }
}
