/// Everything the runtime knows at one moment, as a plain value.
///
/// `Runtime.snapshot()` returns one cheaply; the dashboard and the headless commands draw from it
/// and never reach into the runtime's locks. Times are offsets from the runtime's start.
public struct RuntimeSnapshot: Sendable, Codable {
  /// Time since the runtime started.
  public var uptime: Duration
  /// The mode new runs start in.
  public var mode: ExecutionMode
  /// One entry per workflow, in definition order.
  public var workflows: [WorkflowSnapshot]
  /// One entry per queue, in definition order.
  public var queues: [QueueSnapshot]
  /// Notable events, oldest first; failures are kept in preference to routine events.
  public var events: [RuntimeEvent]
  /// The latest background failures (attempt failures and dead letters), newest last.
  public var recentFailures: [FailureRecord]
  /// Runs in flight across all workflows, and the limit (nil: no limit).
  public var runsInFlight: Int
  /// The limit on runs in flight (nil: unlimited).
  public var maxRunsInFlight: Int?
  /// True once shutdown has begun.
  public var shuttingDown: Bool
  /// The wall-clock time at which `uptime` was zero, as time since 1970-01-01 00:00 UTC (the Unix
  /// epoch), so an event at `time` happened at `startedAt + time` (e.g. for a time of day).
  public var startedAt: Duration
  /// The cluster this runtime is a node of, when its store is shared by several processes
  /// (`ClusterStore`, e.g. PostgreSQL); nil on a single node. Absent from older servers' JSON.
  public var cluster: ClusterSnapshot?

  /// Creates a snapshot.
  public init(
    uptime: Duration, mode: ExecutionMode, workflows: [WorkflowSnapshot], queues: [QueueSnapshot],
    events: [RuntimeEvent], recentFailures: [FailureRecord], runsInFlight: Int,
    maxRunsInFlight: Int?, shuttingDown: Bool, startedAt: Duration = .zero, cluster: ClusterSnapshot? = nil
  ) {
    self.uptime = uptime
    self.mode = mode
    self.workflows = workflows
    self.queues = queues
    self.events = events
    self.recentFailures = recentFailures
    self.runsInFlight = runsInFlight
    self.maxRunsInFlight = maxRunsInFlight
    self.shuttingDown = shuttingDown
    self.startedAt = startedAt
    self.cluster = cluster
  }
}
