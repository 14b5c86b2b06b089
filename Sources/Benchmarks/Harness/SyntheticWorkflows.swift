import ExecutionCore
import Synchronization

/// Workflows built in code for the cases (no YAML).
public enum SyntheticWorkflows {
  /// `count` blocking steps in a chain, each simulated at exactly `step` (the runtime's own
  /// simulation, which sleeps to deadlines chained from the run's start).
  public static func simulatedChain(name: String, count: Int, step: Duration) -> WorkflowDefinition {
    chain(name: name, count: count) { _ in .simulate(SimulateSpec(latency: .fixed(step))) }
  }

  /// `count` blocking steps in a chain whose closures time themselves into `timer` and sleep
  /// `step` from their own start (a step's own time, so what is left is the runtime's).
  public static func timedChain(name: String, count: Int, step: Duration, timer: StepTimer)
    -> WorkflowDefinition
  {
    chain(name: name, count: count) { _ in
      .closure { context in
        let start = Nanos.now()
        try await Task.sleep(until: ContinuousClock.now + step, tolerance: .zero)
        timer.add(run: context.runID, nanoseconds: Nanos.now() - start)
      }
    }
  }

  /// `timedChain` whose steps carry data: each returns `output` (the runtime checks its size, keeps
  /// it for the steps after, and the last one is the response).
  public static func timedDataChain(
    name: String, count: Int, step: Duration, output: Payload, timer: StepTimer
  ) -> WorkflowDefinition {
    chain(name: name, count: count) { _ in
      .transform { context in
        let start = Nanos.now()
        try await Task.sleep(until: ContinuousClock.now + step, tolerance: .zero)
        timer.add(run: context.runID, nanoseconds: Nanos.now() - start)
        return output
      }
    }
  }

  /// `count` blocking steps in a chain that return at once: `output` from each (a `.transform`
  /// step), or nothing (a `.closure` step) when it is nil. What is left is the runtime's own work.
  public static func instantChain(name: String, count: Int, output: Payload?) -> WorkflowDefinition {
    chain(name: name, count: count) { _ in
      if let output { return .transform { _ in output } }
      return .closure { _ in }
    }
  }

  /// A chain of `count` background steps on `queue`: each step's end enqueues the next from the
  /// worker itself, so the queue stays fed without any producer on the critical path's pool.
  public static func backgroundChain(
    name: String, queue: String, count: Int, action: @escaping @Sendable () -> StepAction
  ) -> WorkflowDefinition {
    var steps: [StepDefinition] = []
    for index in 0..<count {
      steps.append(
        StepDefinition(
          id: "b\(index)", mode: .background, after: index == 0 ? [] : ["b\(index - 1)"], queue: queue,
          action: action()))
    }
    return WorkflowDefinition(name: name, steps: steps, load: LoadDefinition(rate: 0, arrivals: .constant))
  }

  /// `count` independent background steps on `queue`, all ready as the run starts.
  public static func backgroundFan(
    name: String, queue: String, count: Int, action: @escaping @Sendable () -> StepAction
  ) -> WorkflowDefinition {
    let steps = (0..<count).map { index in
      StepDefinition(id: "f\(index)", mode: .background, queue: queue, action: action())
    }
    return WorkflowDefinition(name: name, steps: steps, load: LoadDefinition(rate: 0, arrivals: .constant))
  }

  /// A no-op step body.
  public static let noOp: @Sendable () -> StepAction = { .closure { _ in } }

  /// A step that burns `duration` of CPU (the runtime's CPU simulation).
  public static func burn(_ duration: Duration) -> @Sendable () -> StepAction {
    { .simulate(SimulateSpec(latency: .fixed(duration), cpu: true)) }
  }

  /// A chat-shaped workflow (auth, retrieval, inference, respond; history, analytics and audit
  /// later), used when the caller passes no chat workflow.
  public static func chat() -> (WorkflowDefinition, [QueueDefinition]) {
    func sim(_ latency: LatencyModel, failure: Double = 0) -> StepAction {
      .simulate(SimulateSpec(latency: latency, failureRate: failure))
    }
    let steps = [
      StepDefinition(
        id: "auth", mode: .blocking, action: sim(.uniform(min: .milliseconds(4), max: .milliseconds(12)))),
      StepDefinition(
        id: "retrieve-context", mode: .blocking, after: ["auth"],
        action: sim(.logNormal(p50: .milliseconds(35), p99: .milliseconds(120)))),
      StepDefinition(
        id: "model-inference", mode: .blocking, after: ["retrieve-context"],
        action: sim(.logNormal(p50: .milliseconds(450), p99: .milliseconds(1400)))),
      StepDefinition(
        id: "respond", mode: .blocking, after: ["model-inference"], action: sim(.fixed(.milliseconds(2)))),
      StepDefinition(
        id: "save-history", mode: .background, after: ["model-inference"], queue: "history",
        action: sim(.uniform(min: .milliseconds(10), max: .milliseconds(40)))),
      StepDefinition(
        id: "analytics-event", mode: .background, after: ["respond"], queue: "events",
        action: sim(.fixed(.milliseconds(5)))),
      StepDefinition(
        id: "moderation-audit", mode: .background, after: ["respond"], queue: "audit",
        action: sim(.uniform(min: .milliseconds(20), max: .milliseconds(60)))),
    ]
    let queues = [
      QueueDefinition(name: "history", workers: 2, capacity: 200),
      QueueDefinition(name: "events", workers: 2, capacity: 500, whenFull: .dropOldest),
      QueueDefinition(name: "audit", workers: 1, capacity: 200),
    ]
    return (
      WorkflowDefinition(name: "chat", steps: steps, load: LoadDefinition(rate: 3, arrivals: .poisson)),
      queues
    )
  }

  private static func chain(name: String, count: Int, action: (Int) -> StepAction) -> WorkflowDefinition {
    var steps: [StepDefinition] = []
    for index in 0..<count {
      steps.append(
        StepDefinition(
          id: "s\(index)", mode: .blocking, after: index == 0 ? [] : ["s\(index - 1)"], action: action(index))
      )
    }
    return WorkflowDefinition(name: name, steps: steps, load: LoadDefinition(rate: 0, arrivals: .constant))
  }
}

/// The time each run's steps measured themselves, summed per run.
///
/// A step adds its time right after taking its end timestamp and before returning to the runtime,
/// so whatever this costs is counted as the runtime's. It is one atomic add into a slot chosen by
/// the run's ID (no lock, no dictionary, no allocation): after a 10 ms sleep on this kind of VM a
/// Mutex-guarded dictionary update took about 7 µs, most of the per-step budget being measured.
public final class StepTimer: Sendable {
  /// One run's sum. A class so that an array of them can hold atomics.
  private final class Slot: Sendable {
    let nanoseconds = Atomic<Int64>(0)
  }

  /// Runs in flight at once must stay below this (the cases keep a few in flight).
  private static let slotCount = 4096
  private let slots: [Slot]

  /// An empty timer.
  public init() {
    slots = (0..<Self.slotCount).map { _ in Slot() }
  }

  private func slot(_ run: UInt64) -> Slot { slots[Int(run % UInt64(Self.slotCount))] }

  /// Adds one step's own time to its run's sum.
  public func add(run: UInt64, nanoseconds: Int64) {
    slot(run).nanoseconds.wrappingAdd(nanoseconds, ordering: .relaxed)
  }

  /// Removes and returns the sum for `run` (0 if none).
  public func take(run: UInt64) -> Int64 {
    slot(run).nanoseconds.exchange(0, ordering: .relaxed)
  }
}
