/// A background failure worth showing.
public struct FailureRecord: Sendable, Hashable, Codable {
  /// When, from the runtime's start.
  public var time: Duration
  /// The workflow.
  public var workflow: String
  /// The step.
  public var step: String
  /// The queue.
  public var queue: String
  /// Which attempt failed.
  public var attempt: Int
  /// True if this failure dead-lettered the step.
  public var dead: Bool
  /// The error, for people.
  public var error: String

  /// Creates a failure record.
  public init(
    time: Duration, workflow: String, step: String, queue: String, attempt: Int, dead: Bool, error: String
  ) {
    self.time = time
    self.workflow = workflow
    self.step = step
    self.queue = queue
    self.attempt = attempt
    self.dead = dead
    self.error = error
  }
}
