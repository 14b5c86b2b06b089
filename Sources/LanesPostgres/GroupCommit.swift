import ExecutionCore
import Logging
import PostgresNIO
import Synchronization

import struct Foundation.UUID

/// Finishes that arrive together commit together: one transaction, one WAL flush, for every
/// finish waiting while the previous batch committed (group commit). Each finish is still its own
/// fenced statement, and each caller returns only after the commit that holds its statement.
///
/// A batch whose transaction fails on a statement (not on the connection) is replayed one finish
/// at a time, so one bad statement cannot fail the others; a lost database fails the whole batch
/// with `StoreError.unavailable`, which is right for every finish in it (none was committed).
final class GroupCommit: Sendable {
  /// One finish: a fenced statement of its own, or a success with no dependents to move, which
  /// a batch folds with the others like it into one statement (one round trip for all of them).
  enum Work: Sendable {
    case query(PostgresQuery)
    case success(id: Int64, attempt: Int64, queue: String, output: String)
  }

  struct Pending {
    var work: Work
    var continuation: CheckedContinuation<Result<Bool, StoreError>, Never>
  }

  struct State {
    var pending: [Pending] = []
    var flushing = false
  }

  let pool: ConnectionPool
  let logger: Logger
  /// The node whose leases the folded successes are fenced on.
  let node: UUID
  let state = Mutex(State())
  /// The most finishes one transaction holds.
  let limit = 200

  init(pool: ConnectionPool, logger: Logger, node: UUID) {
    self.pool = pool
    self.logger = logger
    self.node = node
  }

  /// Finishes submitted and not committed yet.
  var backlog: Int { state.withLock { $0.pending.count } }

  /// Runs `query` (a finish statement answering one row: applied count, anything) in the next
  /// group commit; returns whether it applied.
  func submit(_ query: PostgresQuery) async throws(StoreError) -> Bool {
    try await submit(.query(query))
  }

  /// Runs `work` in the next group commit; returns whether it applied (false: fenced, stale).
  func submit(_ work: Work) async throws(StoreError) -> Bool {
    let result = await withCheckedContinuation {
      (continuation: CheckedContinuation<Result<Bool, StoreError>, Never>) in
      let lead = state.withLock { s -> Bool in
        s.pending.append(Pending(work: work, continuation: continuation))
        if s.flushing { return false }
        s.flushing = true
        return true
      }
      if lead { Task { await self.flushWhilePending() } }
    }
    return try result.get()
  }

  private func flushWhilePending() async {
    while true {
      let batch = state.withLock { s -> [Pending] in
        if s.pending.isEmpty {
          s.flushing = false
          return []
        }
        let taken = Array(s.pending.prefix(limit))
        s.pending.removeFirst(taken.count)
        return taken
      }
      if batch.isEmpty { return }
      await flush(batch)
    }
  }

  private func flush(_ batch: [Pending]) async {
    let work = batch.map(\.work)
    let logger = self.logger
    let node = self.node
    do {
      let applied = try await pool.withConnection("finish steps") { connection in
        // One statement is atomic by itself; more share one transaction (one WAL flush).
        let statements = work.reduce(0) { n, w in if case .query = w { n + 1 } else { n } }
        let folded = statements < work.count
        if statements + (folded ? 1 : 0) == 1 {
          return try await Self.apply(work, on: connection, node: node, logger: logger)
        }
        return try await PostgresSchema.transaction(connection, logger: logger) {
          try await Self.apply(work, on: connection, node: node, logger: logger)
        }
      }
      for (pending, value) in zip(batch, applied) { pending.continuation.resume(returning: .success(value)) }
    } catch {
      if batch.count > 1 && error.kind != .unavailable {
        for pending in batch { await flush([pending]) }
      } else {
        for pending in batch { pending.continuation.resume(returning: .failure(error)) }
      }
    }
  }

  /// Runs the folded successes as one statement, then each other finish; whether each applied.
  private static func apply(
    _ work: [Work], on connection: PostgresConnection, node: UUID, logger: Logger
  ) async throws -> [Bool] {
    var applied = [Bool](repeating: false, count: work.count)
    var ids: [Int64] = []
    var attempts: [Int64] = []
    var queues: [String] = []
    var outputs: [String] = []
    for case .success(let id, let attempt, let queue, let output) in work {
      ids.append(id)
      attempts.append(attempt)
      queues.append(queue)
      outputs.append(output)
    }
    if !ids.isEmpty {
      // Fenced like a single finish (id, attempt, owner, running); each input row not deleted
      // is a stale completion, counted against its queue.
      let rows = try await connection.query(
        """
        WITH input AS (
          SELECT * FROM unnest(\(ids)::int8[], \(attempts)::int8[], \(queues)::text[], \(outputs)::text[])
            AS i(id, attempt, queue, output)
        ),
        done AS (
          DELETE FROM lanes_steps s USING input i
          WHERE s.id = i.id AND s.attempt = i.attempt AND s.lease_owner = \(node) AND s.state = 'running'
          RETURNING s.id, s.run_id, s.workflow, s.step, s.queue, s.attempt, s.created_at, i.output
        ),
        history AS (
          INSERT INTO lanes_history (id, run_id, workflow, step, queue, state, attempts, output, created_at)
          SELECT id, run_id, workflow, step, queue, 'succeeded', attempt, output, created_at FROM done
        ),
        counted AS (
          SELECT i.queue, count(d.id) AS ok, count(*) - count(d.id) AS stale
          FROM input i LEFT JOIN done d ON d.id = i.id GROUP BY i.queue ORDER BY i.queue
        ),
        totals AS (
          INSERT INTO lanes_totals (queue, node, succeeded, stale) SELECT queue, \(node), ok, stale FROM counted ORDER BY queue
          ON CONFLICT (queue, node) DO UPDATE SET succeeded = lanes_totals.succeeded + EXCLUDED.succeeded,
            stale = lanes_totals.stale + EXCLUDED.stale
        )
        SELECT id FROM done
        """, logger: logger)
      var done: Set<Int64> = []
      for try await id in rows.decode(Int64.self) { done.insert(id) }
      for (index, item) in work.enumerated() {
        if case .success(let id, _, _, _) = item { applied[index] = done.contains(id) }
      }
    }
    for (index, item) in work.enumerated() {
      if case .query(let query) = item {
        applied[index] = try await run(query, on: connection, logger: logger)
      }
    }
    return applied
  }

  private static func run(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger)
    async throws -> Bool
  {
    let rows = try await connection.query(query, logger: logger)
    var applied = false
    for try await (done, _) in rows.decode((Int64, Int64).self) { applied = done == 1 }
    return applied
  }
}
