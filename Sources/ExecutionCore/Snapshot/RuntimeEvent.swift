/// How much an event matters.
public enum EventSeverity: Int, Sendable, Hashable, Comparable, Codable {
  /// Routine: a pause, a mode change.
  case info = 0
  /// Worth a look: a retry, a rejection.
  case warning = 1
  /// A failure: a run failed, a step dead-lettered.
  case error = 2

  public static func < (lhs: EventSeverity, rhs: EventSeverity) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What kind of thing happened.
public enum EventKind: String, Sendable, Hashable, Codable {
  case runFailed, runRejected, stepRetried, stepDeadLettered, stepRejected, stepDropped, stepTimedOut
  case workflowPausing, workflowPaused, workflowResumed, queuePausing, queuePaused, queueResumed
  case modeChanged, rateChanged, redriven, deadLettersDeleted, shutdown
  /// A durable store: what `openStore` recovered; a write refused (disk full) or accepted again.
  case storeRecovered, storeFailed
  /// A shared store: leases of steps this process held were found lost (it stalled longer than
  /// the lease, and another node may run them again).
  case leaseLost
  /// A cluster (a store several processes share): a node joined or came back, left, or was lost.
  case nodeJoined, nodeLeft, nodeLost
}

/// A notable event.
public struct RuntimeEvent: Sendable, Hashable, Codable {
  /// Increasing with time, unique.
  public var sequence: UInt64
  /// When, from the runtime's start.
  public var time: Duration
  /// How much it matters.
  public var severity: EventSeverity
  /// What happened.
  public var kind: EventKind
  /// A sentence for people, e.g. `sync-crm: attempt 2/4 failed: HTTP 503 (simulated); retry in 180ms`.
  public var message: String

  /// Creates an event.
  public init(sequence: UInt64, time: Duration, severity: EventSeverity, kind: EventKind, message: String) {
    self.sequence = sequence
    self.time = time
    self.severity = severity
    self.kind = kind
    self.message = message
  }
}
