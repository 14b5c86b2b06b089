/// The cluster a runtime belongs to, as its store has it (`RuntimeSnapshot.cluster`; nil on a
/// single node): every node with its latest report, and the critical-path latency merged across
/// the live ones. Read about once a second, so ages are up to a second old.
///
/// What is cluster-wide elsewhere in a snapshot on a shared store: each queue's depth by state,
/// oldest age, dead letters and totals come from the database (every node's steps). What stays
/// this node's: workflows, runs, the latency graph, busy workers, events.
public struct ClusterSnapshot: Sendable, Hashable, Codable {
  /// This node's id.
  public var nodeID: String
  /// Every node the store knows, oldest first (this one included).
  public var nodes: [ClusterNodeSnapshot]
  /// A node without a heartbeat for longer than this is lost.
  public var lostAfter: Duration
  /// Critical-path latency merged across the live nodes' reports: workflow → window → summary.
  public var criticalPath: [String: [StatsWindow: LatencySummary]]
  /// The same over every workflow together, per window.
  public var criticalPathAll: [StatsWindow: LatencySummary]
  /// Why the last read of the cluster failed or was incomplete (nil: it did not): the nodes shown
  /// are then from the last read that worked.
  public var problem: String?

  /// Creates a cluster snapshot.
  public init(
    nodeID: String, nodes: [ClusterNodeSnapshot], lostAfter: Duration,
    criticalPath: [String: [StatsWindow: LatencySummary]], criticalPathAll: [StatsWindow: LatencySummary],
    problem: String? = nil
  ) {
    self.nodeID = nodeID
    self.nodes = nodes
    self.lostAfter = lostAfter
    self.criticalPath = criticalPath
    self.criticalPathAll = criticalPathAll
    self.problem = problem
  }

  /// Nodes alive now.
  public var liveNodes: Int { nodes.filter(\.alive).count }

  /// Nodes lost (no heartbeat for longer than `lostAfter`).
  public var lostNodes: Int { nodes.count - liveNodes }

  /// `workflow`'s critical-path latency over `window` across the live nodes (empty: none).
  public func criticalPath(_ workflow: String, _ window: StatsWindow) -> LatencySummary {
    criticalPath[workflow]?[window] ?? .empty
  }
}

/// One node of the cluster.
public struct ClusterNodeSnapshot: Sendable, Hashable, Codable {
  /// Its id (fresh per boot).
  public var id: String
  /// Its API address (nil: it serves none, or on a port chosen at start).
  public var address: String?
  /// True for the node this snapshot comes from.
  public var isSelf: Bool
  /// Time since it started (the database's clock).
  public var uptime: Duration
  /// Age of its last heartbeat (the database's clock).
  public var heartbeatAge: Duration
  /// False once its heartbeat is older than the cluster's `lostAfter`: it died, stalled or lost
  /// the database (its leased steps are rescued by the others when the leases expire).
  public var alive: Bool
  /// True when its workflows (their background steps and queues) are this node's: nodes with
  /// others are a misconfigured cluster (a node whose fingerprint the store lost counts as the same).
  public var sameWorkflows: Bool
  /// True once it published a report (the figures below are zero until then).
  public var reported: Bool
  /// Runs started per second over its last 5 seconds.
  public var runsPerSecond: Double
  /// Workers running a step now.
  public var busyWorkers: Int
  /// Its workers.
  public var workers: Int
  /// Its critical-path p99 over the last minute, across its workflows (nil: no run responded).
  public var criticalPathP99: Duration?

  /// Creates a node.
  public init(
    id: String, address: String?, isSelf: Bool, uptime: Duration, heartbeatAge: Duration, alive: Bool,
    sameWorkflows: Bool, reported: Bool, runsPerSecond: Double, busyWorkers: Int, workers: Int,
    criticalPathP99: Duration?
  ) {
    self.id = id
    self.address = address
    self.isSelf = isSelf
    self.uptime = uptime
    self.heartbeatAge = heartbeatAge
    self.alive = alive
    self.sameWorkflows = sameWorkflows
    self.reported = reported
    self.runsPerSecond = runsPerSecond
    self.busyWorkers = busyWorkers
    self.workers = workers
    self.criticalPathP99 = criticalPathP99
  }

  /// The address, or the first 8 characters of the id when it has none.
  public var label: String { address ?? "node " + String(id.prefix(8)) }
}
