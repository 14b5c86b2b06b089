import Synchronization

/// A workflow's load generator and pause state.
struct WorkflowControl: Sendable {
  var state: WorkflowState = .running
  var rate: Double
  var arrivals: ArrivalProcess
  var generator: Task<Void, Never>?
  /// The mode for this workflow's new runs when set for it alone (nil: the runtime's mode).
  var modeOverride: ExecutionMode?
  /// New runs are tagged as a comparison's (their latencies kept out of the normal figures).
  var comparison = false
  /// Bumped on every rate change, so arrivals of a new generator hash differently.
  var epoch: UInt64 = 0
}

/// Which outputs make a run's response.
enum ResponsePlan: Sendable {
  /// No blocking step: `null`.
  case none
  /// This step's output.
  case step(Int)
  /// An object keyed by these steps' ids.
  case sinks([Int])
}

/// One workflow as the runtime runs it: resolved steps, control, metrics.
final class WorkflowRuntime: Sendable {
  let index: Int
  let name: String
  let summary: String
  let load: LoadDefinition
  let steps: [CompiledStep]
  /// Per step: declared background (read on every step of every run: one array, not the definition).
  let background: [Bool]
  /// The steps with no dependencies, ready as a run starts.
  let roots: ReadySteps
  /// A new run's step records, copied rather than built per run.
  let initialRecords: [StepRecord]
  let control: Mutex<WorkflowControl>
  let metrics: Mutex<WorkflowMetrics>
  let runCounter = Atomic<UInt64>(0)
  /// Mirrors `control.state == .pausing`, so settling runs skip the control lock when not pausing.
  let pausing = Atomic<Bool>(false)
  /// What the response is made of (by the declared modes, so all-sync responds the same).
  let responsePlan: ResponsePlan
  /// A background step depends on another background step: in hybrid mode it is queued after the
  /// response, so the run keeps its outputs until it settles instead of freeing them on responding.
  let outputsOutliveResponse: Bool
  /// The response of a run in which no step produced an output, made once (a run without data
  /// builds nothing on its critical path).
  let nullResponse: Payload

  init(index: Int, definition: WorkflowDefinition, steps: [CompiledStep]) {
    self.index = index
    self.name = definition.name
    self.summary = definition.description
    self.load = definition.load
    self.steps = steps
    self.background = steps.map { $0.definition.mode == .background }
    self.roots = ReadySteps(steps.filter(\.dependencies.isEmpty).map(\.index))
    self.initialRecords = steps.map { StepRecord(pendingDependencies: UInt16($0.dependencies.count)) }
    self.control = Mutex(WorkflowControl(rate: 0, arrivals: definition.load.arrivals))
    self.metrics = Mutex(WorkflowMetrics(stepCount: steps.count))
    let blocking = steps.filter { $0.definition.mode == .blocking }
    if let response = definition.response, let step = steps.first(where: { $0.definition.id == response }) {
      self.responsePlan = .step(step.index)
    } else {
      let sinks = blocking.filter { step in
        !step.dependents.contains { steps[$0].definition.mode == .blocking }
      }.map(\.index)
      switch sinks.count {
      case 0: self.responsePlan = .none
      case 1: self.responsePlan = .step(sinks[0])
      default: self.responsePlan = .sinks(sinks)
      }
    }
    if case .sinks(let sinks) = responsePlan {
      self.nullResponse = .object(sinks.map { (steps[$0].definition.id, Payload.null) })
    } else {
      self.nullResponse = .null
    }
    self.outputsOutliveResponse = steps.contains { step in
      step.definition.mode == .background
        && step.dependencies.contains { steps[$0].definition.mode == .background }
    }
  }
}
