/// A step with its dependencies resolved to indices. A class: the hot path reads a step several
/// times per attempt, and a reference costs one retain where the definition's strings, arrays and
/// closure would cost one each.
final class CompiledStep: Sendable {
  let index: Int
  let definition: StepDefinition
  let dependencies: [Int]
  let dependents: [Int]
  let queue: Int?
  /// The steps whose outputs this one may read: its dependencies, direct and transitive, ascending.
  let visible: [Int]
  /// The largest output an attempt may produce, in bytes.
  let outputLimit: Int
  /// A simulated step's output, made once (nil: `null`, or the input when it echoes it).
  let simulatedOutput: Payload?
  /// One `null` entry per visible step, ids filled in: what a step sees while nothing has produced
  /// an output, shared by every run.
  let nullOutputs: [DependencyOutput]

  init(
    index: Int, definition: StepDefinition, dependencies: [Int], dependents: [Int], queue: Int?,
    visible: [Int] = [], visibleIDs: [String] = []
  ) {
    self.index = index
    self.definition = definition
    self.dependencies = dependencies
    self.dependents = dependents
    self.queue = queue
    self.visible = visible
    self.nullOutputs = visibleIDs.map { DependencyOutput(id: $0, output: .null) }
    self.outputLimit = definition.outputLimit ?? StepDefinition.defaultOutputLimit
    if case .simulate(let spec) = definition.action, !spec.echoInput, spec.outputBytes > 0 {
      self.simulatedOutput = Payload.filler(size: spec.outputBytes)
    } else {
      self.simulatedOutput = nil
    }
  }
}

/// Checks a topology and resolves names to indices, so the hot path never looks up a string.
enum CompiledTopology {
  /// Resolves `topology` or throws naming the first problem.
  static func compile(_ topology: Topology) throws(RuntimeError) -> (
    workflows: [[CompiledStep]], queueIndex: [String: Int]
  ) {
    var queueIndex: [String: Int] = [:]
    for (index, queue) in topology.queues.enumerated() {
      guard queueIndex[queue.name] == nil else {
        throw .invalidTopology("queue '\(queue.name)' is defined twice")
      }
      guard queue.workers >= 1 else {
        throw .invalidTopology("queue '\(queue.name)' needs at least one worker")
      }
      guard queue.capacity >= 0 else {
        throw .invalidTopology("queue '\(queue.name)' has a negative capacity")
      }
      queueIndex[queue.name] = index
    }
    var names = Set<String>()
    var result: [[CompiledStep]] = []
    for workflow in topology.workflows {
      guard names.insert(workflow.name).inserted else {
        throw .invalidTopology("workflow '\(workflow.name)' is defined twice")
      }
      result.append(try compile(workflow, queueIndex: queueIndex))
    }
    return (result, queueIndex)
  }

  private static func compile(
    _ workflow: WorkflowDefinition, queueIndex: [String: Int]
  ) throws(RuntimeError) -> [CompiledStep] {
    let name = workflow.name
    guard !workflow.steps.isEmpty else { throw .invalidTopology("workflow '\(name)' has no steps") }
    guard workflow.steps.count < Int(Int16.max) else {
      throw .invalidTopology("workflow '\(name)' has too many steps")
    }
    var index: [String: Int] = [:]
    for (i, step) in workflow.steps.enumerated() {
      guard index[step.id] == nil else {
        throw .invalidTopology("workflow '\(name)': step '\(step.id)' is defined twice")
      }
      index[step.id] = i
    }
    var resolved: [(dependencies: [Int], queue: Int?)] = []
    for step in workflow.steps {
      var deps: [Int] = []
      for dep in step.after {
        guard let d = index[dep] else {
          throw .invalidTopology("workflow '\(name)': step '\(step.id)' waits on unknown step '\(dep)'")
        }
        if step.mode == .blocking && workflow.steps[d].mode == .background {
          throw .invalidTopology(
            "workflow '\(name)': blocking step '\(step.id)' waits on background step '\(dep)'")
        }
        if !deps.contains(d) { deps.append(d) }
      }
      var queue: Int?
      if step.mode == .background {
        guard let queueName = step.queue else {
          throw .invalidTopology("workflow '\(name)': background step '\(step.id)' names no queue")
        }
        guard let q = queueIndex[queueName] else {
          throw .invalidTopology("workflow '\(name)': step '\(step.id)' uses unknown queue '\(queueName)'")
        }
        queue = q
      }
      guard step.retry.attempts >= 1 else {
        throw .invalidTopology("workflow '\(name)': step '\(step.id)' needs at least one attempt")
      }
      if let limit = step.outputLimit, limit < 0 {
        throw .invalidTopology("workflow '\(name)': step '\(step.id)' has a negative output limit")
      }
      if case .simulate(let spec) = step.action, spec.outputBytes != 0, spec.outputBytes < 2 {
        throw .invalidTopology(
          "workflow '\(name)': step '\(step.id)' has an output size of \(spec.outputBytes) bytes: use 0 (no output) or at least 2 (a JSON string)"
        )
      }
      resolved.append((deps, queue))
    }
    var dependents = [[Int]](repeating: [], count: resolved.count)
    for (i, entry) in resolved.enumerated() { for d in entry.dependencies { dependents[d].append(i) } }
    // Kahn's algorithm: whatever is left unvisited lies on a cycle. The order it visits in lets
    // each step's transitive dependencies be the union of its direct ones'.
    var pending = resolved.map(\.dependencies.count)
    var ready = resolved.indices.filter { resolved[$0].dependencies.isEmpty }
    var visible = [Set<Int>](repeating: [], count: resolved.count)
    var visited = 0
    while let i = ready.popLast() {
      visited += 1
      for d in resolved[i].dependencies { visible[i].formUnion(visible[d]) }
      visible[i].formUnion(resolved[i].dependencies)
      for d in dependents[i] {
        pending[d] -= 1
        if pending[d] == 0 { ready.append(d) }
      }
    }
    if visited < resolved.count {
      let onCycle = workflow.steps.indices.filter { pending[$0] > 0 }.map { workflow.steps[$0].id }
        .joined(separator: ", ")
      throw .invalidTopology("workflow '\(name)': dependency cycle among \(onCycle)")
    }
    if let response = workflow.response {
      guard let r = index[response] else {
        throw .invalidTopology("workflow '\(name)': the response names unknown step '\(response)'")
      }
      guard workflow.steps[r].mode == .blocking else {
        throw .invalidTopology(
          "workflow '\(name)': the response names background step '\(response)': the response is ready before background steps run, so it must be a blocking step's output"
        )
      }
    }
    return workflow.steps.enumerated().map { i, step in
      CompiledStep(
        index: i, definition: step, dependencies: resolved[i].dependencies, dependents: dependents[i],
        queue: resolved[i].queue, visible: visible[i].sorted(),
        visibleIDs: visible[i].sorted().map { workflow.steps[$0].id })
    }
  }
}
