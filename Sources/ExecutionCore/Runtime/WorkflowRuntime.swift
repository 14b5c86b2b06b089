import Synchronization

/// A workflow's load generator and pause state.
struct WorkflowControl: Sendable {
  var state: WorkflowState = .running
  var rate: Double
  var arrivals: ArrivalProcess
  var generator: Task<Void, Never>?
  /// Bumped on every rate change, so arrivals of a new generator hash differently.
  var epoch: UInt64 = 0
}

/// One workflow as the runtime runs it: resolved steps, control, metrics.
final class WorkflowRuntime: Sendable {
  let index: Int
  let name: String
  let summary: String
  let load: LoadDefinition
  let steps: [CompiledStep]
  let control: Mutex<WorkflowControl>
  let metrics: Mutex<WorkflowMetrics>
  let runCounter = Atomic<UInt64>(0)
  /// Mirrors `control.state == .pausing`, so settling runs skip the control lock when not pausing.
  let pausing = Atomic<Bool>(false)

  init(index: Int, definition: WorkflowDefinition, steps: [CompiledStep]) {
    self.index = index
    self.name = definition.name
    self.summary = definition.description
    self.load = definition.load
    self.steps = steps
    self.control = Mutex(WorkflowControl(rate: 0, arrivals: definition.load.arrivals))
    self.metrics = Mutex(WorkflowMetrics(stepCount: steps.count))
  }
}
