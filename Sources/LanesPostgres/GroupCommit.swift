import ExecutionCore
import Logging
import PostgresNIO
import Synchronization

/// Finishes that arrive together commit together: one transaction, one WAL flush, for every
/// finish waiting while the previous batch committed (group commit). Each finish is still its own
/// fenced statement, and each caller returns only after the commit that holds its statement.
///
/// A batch whose transaction fails on a statement (not on the connection) is replayed one finish
/// at a time, so one bad statement cannot fail the others; a lost database fails the whole batch
/// with `StoreError.unavailable`, which is right for every finish in it (none was committed).
final class GroupCommit: Sendable {
  struct Pending {
    var query: PostgresQuery
    var continuation: CheckedContinuation<Result<Bool, StoreError>, Never>
  }

  struct State {
    var pending: [Pending] = []
    var flushing = false
  }

  let pool: ConnectionPool
  let logger: Logger
  let state = Mutex(State())
  /// The most finishes one transaction holds.
  let limit = 200

  init(pool: ConnectionPool, logger: Logger) {
    self.pool = pool
    self.logger = logger
  }

  /// Runs `query` (a finish statement answering one row: applied count, anything) in the next
  /// group commit; returns whether it applied.
  func submit(_ query: PostgresQuery) async throws(StoreError) -> Bool {
    let result = await withCheckedContinuation {
      (continuation: CheckedContinuation<Result<Bool, StoreError>, Never>) in
      let lead = state.withLock { s -> Bool in
        s.pending.append(Pending(query: query, continuation: continuation))
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
    let queries = batch.map(\.query)
    let logger = self.logger
    do {
      let applied = try await pool.withConnection("finish steps") { connection in
        if queries.count == 1 { return [try await Self.run(queries[0], on: connection, logger: logger)] }
        return try await PostgresSchema.transaction(connection, logger: logger) {
          var applied: [Bool] = []
          for query in queries { applied.append(try await Self.run(query, on: connection, logger: logger)) }
          return applied
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

  private static func run(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger)
    async throws -> Bool
  {
    let rows = try await connection.query(query, logger: logger)
    var applied = false
    for try await (done, _) in rows.decode((Int64, Int64).self) { applied = done == 1 }
    return applied
  }
}
