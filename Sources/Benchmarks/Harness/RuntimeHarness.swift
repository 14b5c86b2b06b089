import ExecutionCore
import Synchronization

/// Starting runtimes for the cases and measuring their critical path, open loop.
enum RuntimeHarness {
  /// A runtime over `workflows` and `queues` with no generated load.
  static func make(
    _ workflows: [WorkflowDefinition], queues: [QueueDefinition] = [], seed: UInt64,
    mode: ExecutionMode = .hybrid, isolateBackground: Bool = true
  ) throws -> Runtime {
    try Runtime(
      topology: Topology(workflows: workflows, queues: queues),
      options: RuntimeOptions(mode: mode, seed: seed, startLoad: false, isolateBackground: isolateBackground))
  }

  /// What an open-loop series of `run(workflow:intendedStart:)` calls measured.
  struct CriticalPath: Sendable {
    /// Intended start (generator's schedule) to the response, per successful run.
    var latency = BenchHistogram()
    /// What the runtime reported (`RunResult.latency`: its own start to its response).
    var reported = BenchHistogram()
    /// Per run: (call to return − the steps' own time) ÷ steps, when a `StepTimer` is given.
    var ownCostPerStep = BenchHistogram()
    /// Per successful run, when an `ideal` is given: what a runtime with no overhead would take.
    var ideal = BenchHistogram()
    /// Runs that failed or were refused.
    var failures = 0
  }

  /// Calls `run(workflow:intendedStart:)` at `rate` per second, `count` times, open loop, recording latency from
  /// each run's intended start. With `timer`, also the runtime's own cost per step. Every run gets
  /// `input`.
  static func criticalPath(
    _ runtime: Runtime, workflow: String, rate: Double, count: Int, arrivals: ArrivalProcess = .constant,
    seed: UInt64, timer: StepTimer? = nil, steps: Int = 1,
    ideal: (@Sendable (_ runID: UInt64) -> Int64)? = nil, input: Payload = .null
  ) async -> CriticalPath {
    let result = MutexBox(CriticalPath())
    await OpenLoop.run(rate: rate, count: count, arrivals: arrivals, seed: seed) { arrival in
      let called = Nanos.now()
      // The arrival's intended start on the runtime's clock: how late this call is, back from now.
      let intendedStart = runtime.now - .nanoseconds(max(0, called - arrival.intended))
      do {
        let outcome = try await runtime.run(workflow: workflow, input: input, intendedStart: intendedStart)
        let returned = Nanos.now()
        let stepTime = timer?.take(run: outcome.runID) ?? 0
        result.withLock { result in
          if outcome.failed {
            result.failures += 1
            return
          }
          result.latency.record(nanoseconds: returned - arrival.intended)
          result.reported.record(nanoseconds: outcome.latency.wholeNanoseconds)
          if let ideal { result.ideal.record(nanoseconds: ideal(outcome.runID)) }
          if timer != nil {
            result.ownCostPerStep.record(nanoseconds: (returned - called - stepTime) / Int64(max(1, steps)))
          }
        }
      } catch {
        result.withLock { $0.failures += 1 }
      }
    }
    return result.withLock { $0 }
  }

  /// Shuts `runtime` down, giving work in flight `deadline` to finish.
  static func stop(_ runtime: Runtime, deadline: Duration = .seconds(5)) async {
    _ = await runtime.shutdown(deadline: deadline)
  }

  /// Polls `condition` every `interval` until it holds or `timeout` passes; true if it held.
  static func wait(
    timeout: Duration, interval: Duration = .milliseconds(1), _ condition: () -> Bool
  ) async -> Bool {
    let limit = ContinuousClock.now + timeout
    while !condition() {
      if ContinuousClock.now >= limit { return false }
      try? await Task.sleep(for: interval)
    }
    return true
  }
}

extension RuntimeSnapshot {
  /// The queue called `name`.
  func queue(_ name: String) -> QueueSnapshot? { queues.first { $0.name == name } }
  /// The workflow called `name`.
  func workflow(_ name: String) -> WorkflowSnapshot? { workflows.first { $0.name == name } }
}
