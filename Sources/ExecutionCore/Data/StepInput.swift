/// The output of one of a step's dependencies, by the dependency's id.
public struct DependencyOutput: Sendable, Hashable {
  /// The dependency's step id.
  public var id: String
  /// Its output.
  public var output: Payload

  /// Creates an entry.
  public init(id: String, output: Payload) {
    self.id = id
    self.output = output
  }
}

/// Exactly the data one step may see: the run's input and the outputs of the steps it depends on,
/// directly or through others (in workflow order). A background step is handed this copy when it is
/// queued, so its run's other state can be freed once the run has responded; retries see the same
/// copy. A plain value: what a durable store persists.
public struct StepInput: Sendable, Hashable {
  /// The run's input.
  public var input: Payload
  /// The outputs of the step's dependencies, direct and transitive, in workflow order.
  public var dependencyOutputs: [DependencyOutput]

  /// Creates a step input.
  public init(input: Payload = .null, dependencyOutputs: [DependencyOutput] = []) {
    self.input = input
    self.dependencyOutputs = dependencyOutputs
  }

  /// The document an exec step gets on its stdin: `{"input": <input>, "steps": {"<id>": <output>, …}}`.
  public var document: Payload {
    Payload.object([
      ("input", input),
      ("steps", Payload.object(dependencyOutputs.map { ($0.id, $0.output) })),
    ])
  }
}

/// A step asked for data it may not see.
public enum StepDataError: Error, Hashable, CustomStringConvertible {
  /// `step` read the output of `requested`, which it does not depend on (directly or through others).
  case notADependency(step: String, requested: String, dependencies: [String])

  /// A sentence for people.
  public var description: String {
    switch self {
    case .notADependency(let step, let requested, let dependencies):
      let known = dependencies.isEmpty ? "none" : dependencies.map { "'\($0)'" }.joined(separator: ", ")
      return
        "step '\(step)' read the output of '\(requested)', which it does not depend on (its dependencies: \(known)): a hidden dependency, which Lanes forbids. Add '\(requested)' to its after list."
    }
  }
}

/// Where a step's context reads its dependencies' outputs from.
enum StepDataSource: Sendable {
  /// A copy handed over with the step (background steps, tests).
  case copied([DependencyOutput])
  /// The run itself, read when asked: blocking steps (nothing is copied for a step that never
  /// reads), and background steps of runs without data (every output they may see is `null`).
  /// The step by index: holding the shared step would touch its reference count on every attempt.
  case live(RunState, Int)
}

extension StepContext {
  /// The outputs of this step's dependencies (direct and transitive), in workflow order.
  public var outputs: [DependencyOutput] {
    switch source {
    case .copied(let outputs): return outputs
    case .live(let run, let i): return run.dependencyOutputs(of: run.workflow.steps[i])
    }
  }

  /// Everything this step may see, as one value.
  public var stepInput: StepInput { StepInput(input: input, dependencyOutputs: outputs) }

  /// The output of `id`, a step this one depends on (directly or through others); throws for any
  /// other step (a hidden dependency).
  public func output(of id: String) throws(StepDataError) -> Payload {
    switch source {
    case .copied(let outputs):
      if let found = outputs.first(where: { $0.id == id }) { return found.output }
      throw .notADependency(step: stepID, requested: id, dependencies: outputs.map(\.id))
    case .live(let run, let i):
      let steps = run.workflow.steps
      let step = steps[i]
      guard let j = step.visible.first(where: { steps[$0].definition.id == id }) else {
        throw .notADependency(
          step: stepID, requested: id, dependencies: step.visible.map { steps[$0].definition.id })
      }
      return run.output(of: j)
    }
  }
}
