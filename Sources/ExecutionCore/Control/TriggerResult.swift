/// Why the runtime refused to start a run.
public enum RunRefusal: String, Sendable, Hashable, Codable, CaseIterable {
  /// No workflow has that name.
  case unknownWorkflow
  /// The workflow is pausing or paused.
  case paused
  /// The runtime's limit on runs in flight was reached.
  case inFlightLimit
  /// The runtime is shutting down.
  case shuttingDown

  /// A few words for people: `the workflow is paused`.
  public var description: String {
    switch self {
    case .unknownWorkflow: return "no workflow has that name"
    case .paused: return "the workflow is paused"
    case .inFlightLimit: return "the limit on runs in flight was reached"
    case .shuttingDown: return "the runtime is shutting down"
    }
  }
}

/// What a `trigger` or `triggerBurst` actually did.
public struct TriggerResult: Sendable, Hashable, Codable {
  /// Runs asked for.
  public var requested: Int
  /// Runs started.
  public var accepted: Int
  /// Why the first refused run was refused (nil: none was).
  public var refusal: RunRefusal?

  /// Creates a result.
  public init(requested: Int, accepted: Int, refusal: RunRefusal?) {
    self.requested = requested
    self.accepted = accepted
    self.refusal = refusal
  }

  /// Runs refused.
  public var refused: Int { requested - accepted }

  /// True if every run asked for started.
  public var allAccepted: Bool { accepted == requested }

  /// A sentence for people: `triggered 3 runs`, `triggered 1 of 5 runs; 4 refused: the limit on
  /// runs in flight was reached`, `refused: the workflow is paused`.
  public var summary: String {
    func runs(_ n: Int) -> String { n == 1 ? "1 run" : "\(n) runs" }
    guard let refusal else { return "triggered \(runs(accepted))" }
    if accepted == 0 { return "refused \(runs(requested)): \(refusal.description)" }
    return "triggered \(accepted) of \(runs(requested)); \(refused) refused: \(refusal.description)"
  }
}
