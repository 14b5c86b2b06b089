/// A store several processes (nodes) share, so each can tell the others what it does: the nodes
/// of a cluster report through the database they already share, which works even when they
/// cannot reach each other over HTTP.
///
/// A runtime on such a store publishes its `NodeReport` about once a second (each publication is
/// also a heartbeat) and reads every node's latest report back, from which its snapshot's
/// `cluster` section is made. Single-process stores (SQLite, memory) do not conform.
public protocol ClusterStore: StepStore {
  /// This node's id in the cluster, as `clusterNodes()` reports it (fresh per boot).
  var clusterNodeID: String { get }

  /// How long a node may go without a heartbeat before it counts as lost (a few of its heartbeat
  /// intervals: a node that misses one is late, not gone).
  var lostAfter: Duration { get }

  /// Writes this node's report into its row, as a heartbeat (on the store's clock).
  func publish(_ report: NodeReport) async throws

  /// Every node the store knows, oldest first: live ones, lost ones until the store forgets them,
  /// each with its latest report (nil if it never published one). Ages are on the store's clock.
  func clusterNodes() async throws -> [ClusterNodeRecord]

  /// The queues paused for every node now.
  func pausedQueues() async throws -> Set<String>
}

/// What one node tells the others about itself: small, once a second.
public struct NodeReport: Sendable, Hashable {
  /// Runs started per second over the last 5 ended seconds, across its workflows.
  public var runsPerSecond: Double
  /// Workers running a step now, across its queues.
  public var busyWorkers: Int
  /// Its workers, across its queues.
  public var workers: Int
  /// Critical-path p99 over the last minute across its workflows (nil: no run responded).
  public var criticalPathP99: Duration?
  /// Each workflow's critical-path latency per window, as buckets that merge with the other
  /// nodes' (`LatencyBuckets.merged`); workflows and windows without runs are left out.
  public var criticalPath: [String: [StatsWindow: LatencyBuckets]]

  /// Creates a report.
  public init(
    runsPerSecond: Double, busyWorkers: Int, workers: Int, criticalPathP99: Duration?,
    criticalPath: [String: [StatsWindow: LatencyBuckets]]
  ) {
    self.runsPerSecond = runsPerSecond
    self.busyWorkers = busyWorkers
    self.workers = workers
    self.criticalPathP99 = criticalPathP99
    self.criticalPath = criticalPath
  }
}

/// A node of the cluster as the store has it.
public struct ClusterNodeRecord: Sendable, Hashable {
  /// Its id (fresh per boot).
  public var id: String
  /// Its API address, if it serves one.
  public var address: String?
  /// Time since it started, on the store's clock.
  public var uptime: Duration
  /// Age of its last heartbeat, on the store's clock.
  public var heartbeatAge: Duration
  /// Its workflows as a fingerprint: equal on nodes that run the same workflows.
  public var workflows: String
  /// Its latest report (nil: it never published one, e.g. a store used without a runtime).
  public var report: NodeReport?

  /// Creates a record.
  public init(
    id: String, address: String?, uptime: Duration, heartbeatAge: Duration, workflows: String,
    report: NodeReport?
  ) {
    self.id = id
    self.address = address
    self.uptime = uptime
    self.heartbeatAge = heartbeatAge
    self.workflows = workflows
    self.report = report
  }
}

extension NodeReport {
  /// The critical-path buckets as a store keeps them: workflow → window name → `LatencyBuckets.compact`.
  public var compactCriticalPath: [String: [String: String]] {
    criticalPath.mapValues { windows in
      Dictionary(uniqueKeysWithValues: windows.map { ($0.key.rawValue, $0.value.compact) })
    }
  }

  /// Reads `compactCriticalPath` back; throws naming what is wrong.
  public static func criticalPath(
    fromCompact compact: [String: [String: String]]
  ) throws(LatencyBucketsError) -> [String: [StatsWindow: LatencyBuckets]] {
    var result: [String: [StatsWindow: LatencyBuckets]] = [:]
    for (workflow, windows) in compact {
      for (name, text) in windows {
        guard let window = StatsWindow(rawValue: name) else {
          throw LatencyBucketsError(
            "a node reported critical-path buckets for an unknown window '\(name)' (not 10s, 1m, 5m or all)")
        }
        result[workflow, default: [:]][window] = try LatencyBuckets(compact: text)
      }
    }
    return result
  }
}
