import ExecutionCore
import Testing

extension AllRuntimeTests {
  @Suite struct DeterminismTests {
    func durations(seed: UInt64, mode: ExecutionMode) async throws -> [[Duration?]] {
      let steps = [
        StepDefinition(
          id: "a", mode: .blocking,
          action: .simulate(SimulateSpec(latency: .logNormal(p50: .microseconds(300), p99: .milliseconds(2))))
        ),
        StepDefinition(
          id: "b", mode: .blocking, after: ["a"],
          action: .simulate(
            SimulateSpec(latency: .uniform(min: .microseconds(100), max: .milliseconds(1)), failureRate: 0.3))
        ),
      ]
      var options = RuntimeOptions(
        mode: mode, seed: seed, startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false)
      options.overshootAllowance = .seconds(10)
      let runtime = try makeRuntime(steps: steps, options: options, clock: SystemClock())
      var result: [[Duration?]] = []
      for _ in 0..<8 {
        _ = try await runtime.run(workflow: "w")
        let trace = try #require(runtime.snapshot(fresh: true).w.lastRun)
        result.append(
          trace.steps.map { step in
            guard let start = step.startedAt, let end = step.endedAt, step.outcome == .succeeded else {
              return nil
            }
            return end - start
          })
      }
      return result
    }

    @Test func sameSeedSameLatenciesAndFailures() async throws {
      let first = try await durations(seed: 42, mode: .hybrid)
      let second = try await durations(seed: 42, mode: .allSync)
      let other = try await durations(seed: 43, mode: .hybrid)
      #expect(first == second)
      #expect(first != other)
      // Some of the 30% failures happened, so the failure draw is part of what matched.
      #expect(first.contains { $0[1] == nil })
    }

    /// `idealResponse` gives what the runtime's own simulated steps take for the same run: the
    /// logical end of the last step on the critical path (deadlines are chained, so sleep overshoot
    /// does not enter it), in each mode.
    @Test(arguments: [ExecutionMode.hybrid, .allSync])
    func idealResponseMatchesTheRuntimesDraws(mode: ExecutionMode) async throws {
      let steps = [
        StepDefinition(
          id: "a", mode: .blocking,
          action: .simulate(SimulateSpec(latency: .uniform(min: .microseconds(100), max: .milliseconds(2))))),
        StepDefinition(
          id: "b", mode: .blocking, after: ["a"],
          action: .simulate(SimulateSpec(latency: .logNormal(p50: .microseconds(500), p99: .milliseconds(3))))
        ),
        StepDefinition(
          id: "c", mode: .blocking, after: ["a"],
          action: .simulate(SimulateSpec(latency: .uniform(min: .microseconds(100), max: .milliseconds(3))))),
        StepDefinition(
          id: "log", mode: .background, after: ["b"], queue: "q",
          action: .simulate(SimulateSpec(latency: .uniform(min: .microseconds(100), max: .milliseconds(4))))),
      ]
      var options = RuntimeOptions(
        mode: mode, seed: 7, startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false)
      options.overshootAllowance = .seconds(10)
      let runtime = try makeRuntime(steps: steps, options: options, clock: SystemClock())
      let definition = WorkflowDefinition(name: "w", steps: steps, load: LoadDefinition(rate: 0))
      var ideals = Set<Duration>()
      for run in UInt64(0)..<6 {
        _ = try await runtime.run(workflow: "w")
        #expect(await runtime.waitUntilSettled(timeout: .seconds(30)))
        let trace = try #require(runtime.snapshot(fresh: true).w.lastRun)
        let critical = trace.steps.filter { mode == .allSync || $0.executedAs == .blocking }
        let lastEnd = try #require(critical.compactMap(\.endedAt).max())
        let ideal = definition.idealResponse(seed: 7, workflowIndex: 0, run: run, mode: mode)
        #expect(lastEnd == ideal)
        ideals.insert(ideal)
      }
      #expect(ideals.count > 1)  // the draws differ from run to run
      _ = await runtime.shutdown(deadline: .seconds(1))
    }
  }
}
