/// What the runtime refuses, as a sentence naming the problem.
public enum RuntimeError: Error, Equatable, CustomStringConvertible {
  /// The topology cannot run (duplicate names, unknown dependency or queue, a cycle, ...).
  case invalidTopology(String)
  /// No workflow has this name.
  case unknownWorkflow(String)
  /// No queue has this name.
  case unknownQueue(String)
  /// A run was refused (paused workflow, in-flight limit, shutdown).
  case runRejected(workflow: String, reason: String)
  /// A run's input was refused before the run started (malformed JSON, over the input limit).
  case invalidInput(workflow: String, reason: String)

  /// A sentence for people.
  public var description: String {
    switch self {
    case .invalidTopology(let why): return "invalid topology: \(why)"
    case .unknownWorkflow(let name): return "unknown workflow '\(name)'"
    case .unknownQueue(let name): return "unknown queue '\(name)'"
    case .runRejected(let workflow, let reason): return "run of '\(workflow)' rejected: \(reason)"
    case .invalidInput(let workflow, let reason): return "input of '\(workflow)' refused: \(reason)"
    }
  }
}
