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
  }
}
