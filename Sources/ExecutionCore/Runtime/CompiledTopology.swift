/// A step with its dependencies resolved to indices. A class: the hot path reads a step several
/// times per attempt, and a reference costs one retain where the definition's strings, arrays and
/// closure would cost one each.
final class CompiledStep: Sendable {
  let index: Int
  let definition: StepDefinition
  let dependencies: [Int]
  let dependents: [Int]
  let queue: Int?

  init(index: Int, definition: StepDefinition, dependencies: [Int], dependents: [Int], queue: Int?) {
    self.index = index
    self.definition = definition
    self.dependencies = dependencies
    self.dependents = dependents
    self.queue = queue
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
      resolved.append((deps, queue))
    }
    var dependents = [[Int]](repeating: [], count: resolved.count)
    for (i, entry) in resolved.enumerated() { for d in entry.dependencies { dependents[d].append(i) } }
    let steps = workflow.steps.enumerated().map { i, step in
      CompiledStep(
        index: i, definition: step, dependencies: resolved[i].dependencies, dependents: dependents[i],
        queue: resolved[i].queue)
    }
    // Kahn's algorithm: whatever is left unvisited lies on a cycle.
    var pending = steps.map(\.dependencies.count)
    var ready = steps.filter(\.dependencies.isEmpty).map(\.index)
    var visited = 0
    while let i = ready.popLast() {
      visited += 1
      for d in steps[i].dependents {
        pending[d] -= 1
        if pending[d] == 0 { ready.append(d) }
      }
    }
    if visited < steps.count {
      let onCycle = steps.filter { pending[$0.index] > 0 }.map(\.definition.id).joined(separator: ", ")
      throw .invalidTopology("workflow '\(name)': dependency cycle among \(onCycle)")
    }
    return steps
  }
}
