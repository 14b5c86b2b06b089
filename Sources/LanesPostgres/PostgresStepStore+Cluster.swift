import ExecutionCore
import Foundation
import Logging
import PostgresNIO

/// The cluster through the database: each node writes its report into its `lanes_nodes` row
/// (schema version 3) and reads everyone's back, so nodes see each other even when they cannot
/// reach each other over HTTP.
extension PostgresStepStore: ClusterStore {
  /// The node id as PostgreSQL writes a uuid (lowercase), as `clusterNodes()` reports it.
  public var clusterNodeID: String { nodeID.uuidString.lowercased() }

  /// Three heartbeat (maintenance) intervals, and at least 3 seconds: a node late by one beat is
  /// not lost.
  public var lostAfter: Duration { max(maintenanceInterval * 3, .seconds(3)) }

  /// Writes `report` into this node's row and beats its heartbeat, on the database's clock. A row
  /// removed by another node (its heartbeat too old) comes back with the next maintenance.
  public func publish(_ report: NodeReport) async throws {
    let logger = self.logger
    let node = nodeID
    let compact = report.compactCriticalPath
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let text = String(decoding: try encoder.encode(compact), as: UTF8.self)
    let p99 = report.criticalPathP99.map { Int64($0.nanoseconds / 1000) }
    let (runs, busy, workers) = (report.runsPerSecond, Int64(report.busyWorkers), Int64(report.workers))
    try await pool.withConnection("publish this node's report") { connection in
      try await connection.query(
        """
        UPDATE lanes_nodes SET heartbeat_at = now(), reported_at = now(), runs_per_second = \(runs),
          busy_workers = \(busy), workers = \(workers), critical_p99_us = \(p99), critical_path = \(text)
        WHERE id = \(node)
        """, logger: logger)
    }
  }

  /// Every node the database has, oldest first, with its latest report. A report that cannot be
  /// read (written by something else) leaves that node without one rather than failing the read.
  public func clusterNodes() async throws -> [ClusterNodeRecord] {
    let logger = self.logger
    let rows = try await pool.withConnection("read the cluster's nodes") { connection in
      let rows = try await connection.query(
        """
        SELECT id::text, address,
          (floor(extract(epoch FROM now() - started_at) * 1000000))::int8 * 1000,
          (floor(extract(epoch FROM now() - heartbeat_at) * 1000000))::int8 * 1000,
          workflows, reported_at IS NOT NULL, coalesce(runs_per_second, 0), coalesce(busy_workers, 0),
          coalesce(workers, 0), critical_p99_us, coalesce(critical_path, '{}')
        FROM lanes_nodes ORDER BY started_at, id
        """, logger: logger)
      var out: [(String, String?, Int64, Int64, String, Bool, Double, Int64, Int64, Int64?, String)] = []
      for try await row in rows.decode(
        (String, String?, Int64, Int64, String, Bool, Double, Int64, Int64, Int64?, String).self)
      {
        out.append(row)
      }
      return out
    }
    let decoder = JSONDecoder()
    return rows.map { id, address, uptime, age, workflows, reported, runs, busy, workers, p99, text in
      var report: NodeReport?
      if reported {
        let compact = (try? decoder.decode([String: [String: String]].self, from: Data(text.utf8))) ?? [:]
        report = NodeReport(
          runsPerSecond: runs, busyWorkers: Int(busy), workers: Int(workers),
          criticalPathP99: p99.map { .microseconds($0) },
          criticalPath: (try? NodeReport.criticalPath(fromCompact: compact)) ?? [:])
      }
      return ClusterNodeRecord(
        id: id, address: address, uptime: .nanoseconds(max(0, uptime)),
        heartbeatAge: .nanoseconds(max(0, age)),
        workflows: workflows, report: report)
    }
  }

  /// The queues paused for every node.
  public func pausedQueues() async throws -> Set<String> {
    let logger = self.logger
    return try await pool.withConnection("read paused queues") { connection in
      let rows = try await connection.query("SELECT queue FROM lanes_queues WHERE paused", logger: logger)
      var paused: Set<String> = []
      for try await queue in rows.decode(String.self) { paused.insert(queue) }
      return paused
    }
  }
}
