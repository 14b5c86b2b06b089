import Testing

@testable import ExecutionCore

/// Failed runs counted by failing step and error kind (what `lanes run` reports).
struct FailureCausesTests {
  @Test func messagesDifferingOnlyInNumbersAreOneKind() {
    var causes = FailureCauses()
    causes.record(step: 0, error: "exit status 3: order 17 declined")
    causes.record(step: 0, error: "exit status 3: order 2024 declined")
    causes.record(step: 1, error: "exit status 3: order 17 declined")
    causes.record(step: 0, error: "timed out after 2s")
    let list = causes.causes { ["charge", "ship"][$0] }
    #expect(
      list == [
        FailureCause(step: "charge", error: "exit status 3: order 17 declined", count: 2),
        FailureCause(step: "ship", error: "exit status 3: order 17 declined", count: 1),
        FailureCause(step: "charge", error: "timed out after 2s", count: 1),
      ])
    #expect(FailureCauses.shape(of: "HTTP 503 after 12.5ms") == "HTTP # after #.#ms")
  }

  @Test func kindsBeyondTheCapacityCountTogether() {
    var causes = FailureCauses()
    for k in 0..<(FailureCauses.capacity + 3) {
      causes.record(step: 0, error: "error \(String(repeating: "x", count: k))")
    }
    let list = causes.causes { _ in "s" }
    #expect(list.count == FailureCauses.capacity + 1)
    #expect(
      list.last
        == FailureCause(
          step: FailureCause.otherStep, error: "other errors (beyond the 32 kinds kept)", count: 3))
  }

  @Test func aRuntimeCountsWhyItsRunsFailed() async throws {
    let step = StepDefinition(
      id: "decide", mode: .blocking,
      action: .transform { context in
        let n = try context.decodeInput(Int.self)
        if n % 2 == 0 { throw Refusal(n: n) }
        return .null
      })
    let runtime = try Runtime(
      topology: Topology(
        workflows: [WorkflowDefinition(name: "w", steps: [step], load: LoadDefinition(rate: 1))], queues: []),
      options: RuntimeOptions(startLoad: false))
    for n in 1...6 { _ = try await runtime.run(workflow: "w", input: try Payload(json: "\(n)")) }
    let snapshot = runtime.snapshot(fresh: true)
    #expect(snapshot.workflows[0].runsFailed == 3)
    #expect(
      snapshot.workflows[0].failureCauses == [FailureCause(step: "decide", error: "refused 2", count: 3)])
    _ = await runtime.shutdown(deadline: .seconds(5))
  }

  struct Refusal: Error, CustomStringConvertible {
    var n: Int
    var description: String { "refused \(n)" }
  }
}
