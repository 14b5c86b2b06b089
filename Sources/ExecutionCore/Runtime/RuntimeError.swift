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

extension RuntimeError {
  /// Why a run was refused, for a `runRejected` error (nil for any other error), so a front end
  /// can answer each reason differently (a server: 503 for a pause, 429 for the in-flight limit).
  public var refusal: RunRefusal? {
    guard case .runRejected(_, let reason) = self else { return nil }
    // The reasons are written in `Runtime.admit`: a pause and a shutdown have fixed sentences,
    // the in-flight limit's names the counts.
    switch reason {
    case RunRefusal.paused.description, "the workflow is paused": return .paused
    case "the runtime is shutting down": return .shuttingDown
    // The durable store refuses writes (full disk, lost database): like a shutdown, send the run
    // elsewhere or later (a server answers 503).
    case let reason where reason.hasPrefix("the store "): return .shuttingDown
    default: return .inFlightLimit
    }
  }
}
