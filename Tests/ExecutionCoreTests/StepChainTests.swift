import Testing

@testable import ExecutionCore

/// The expected chains `run`, `compare` and `workflows` print.
struct StepChainTests {
  private func simulated(_ id: String, _ ms: Int, _ mode: StepMode, after: [String] = []) -> StepDefinition {
    StepDefinition(
      id: id, mode: mode, after: after, queue: mode == .background ? "q" : nil,
      action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(ms)))))
  }

  @Test func longestChainsFollowMedianLatencies() {
    let workflow = WorkflowDefinition(
      name: "w",
      steps: [
        simulated("a", 10, .blocking), simulated("b", 30, .blocking, after: ["a"]),
        simulated("c", 5, .blocking, after: ["a"]), simulated("x", 100, .background, after: ["c"]),
      ], load: LoadDefinition(rate: 1))
    #expect(workflow.longestBlockingChain == StepChain(steps: ["a", "b"], expected: .milliseconds(40)))
    #expect(workflow.longestChainOfAllSteps.steps == ["a", "c", "x"])
    #expect(workflow.longestChainOfAllSteps.estimate == .milliseconds(115))
  }

  @Test func aStepWithoutModelledLatencyMakesTheEstimateUnknown() {
    let closure = StepDefinition(id: "call", mode: .blocking, after: ["a"], action: .closure { _ in })
    let workflow = WorkflowDefinition(
      name: "w", steps: [simulated("a", 10, .blocking), closure], load: LoadDefinition(rate: 1))
    let chain = workflow.longestBlockingChain
    #expect(chain.steps == ["a", "call"])
    #expect(chain.unmodelled == ["call"])
    #expect(chain.estimate == nil)
  }
}
