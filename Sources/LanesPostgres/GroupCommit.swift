import ExecutionCore
import Logging
import PostgresNIO
import Synchronization

import struct Foundation.UUID

/// Finishes and starts that arrive together commit together: one transaction, one WAL flush, for
/// every one waiting while the previous batch committed (group commit). Plain successes and starts
/// (the common case: a worker ends one step and begins the next) fold into one statement for the
/// whole batch, so such a batch is one round trip and one commit; other finishes stay fenced
/// statements of their own in the same transaction. Each caller returns only after the commit that
/// holds its work.
///
/// A batch whose transaction fails on a statement (not on the connection) is replayed one caller
/// at a time, so one bad statement cannot fail the others (a caller's works, such as a finish and
/// the start after it, stay together: both or neither); a lost database fails the whole batch with
/// `StoreError.unavailable`, which is right for everything in it (none was committed).
final class GroupCommit: Sendable {
  /// One piece of work: a fenced finish statement of its own; a success with no dependents to
  /// move; or the start of a claimed step (its attempt counted). A batch folds every success and
  /// start into one statement (one round trip for all of them).
  enum Work: Sendable {
    case query(PostgresQuery)
    case success(id: Int64, attempt: Int64, queue: String, output: String)
    case start(id: Int64, attempt: Int64)
  }

  struct Pending {
    var works: [Work]
    /// Nil for work posted without waiting (`post`): nobody learns whether it applied.
    var continuation: CheckedContinuation<Result<[Bool], StoreError>, Never>?
  }

  struct State {
    var pending: [Pending] = []
    /// Batches being committed now (at most `concurrency`).
    var flushing = 0
  }

  let pool: ConnectionPool
  let logger: Logger
  /// The node whose leases the folded work is fenced on.
  let node: UUID
  /// A started step's lease runs this long from its start (seconds).
  let leaseSeconds: Double
  let state = Mutex(State())
  /// The most callers one transaction holds.
  let limit = 200
  /// Batches committed at once, each on its own connection. Two when workers wait for their
  /// commits (with one, two workers fall into lockstep: each batch carries one worker's finish
  /// and start while the other's waits for the next, so a worker waits for two round trips per
  /// step instead of one). One when nobody waits (starts and endings handed over): the next batch
  /// then gathers everything that arrived while this one committed, and a start usually meets its
  /// step's success in one batch and folds into it (measured: twice the steps per second of two
  /// smaller batches in flight, `lanes bench --case postgres`).
  let concurrency: Int

  init(pool: ConnectionPool, logger: Logger, node: UUID, leaseSeconds: Double, concurrency: Int) {
    self.pool = pool
    self.logger = logger
    self.node = node
    self.leaseSeconds = leaseSeconds
    self.concurrency = max(1, concurrency)
  }

  /// Callers whose work is submitted and not committed yet.
  var backlog: Int { state.withLock { $0.pending.count } }

  /// Runs `query` (a finish statement answering one row: applied count, anything) in the next
  /// group commit; returns whether it applied.
  func submit(_ query: PostgresQuery) async throws(StoreError) -> Bool {
    try await submit(.query(query))
  }

  /// Runs `work` in the next group commit; returns whether it applied (false: fenced, stale).
  func submit(_ work: Work) async throws(StoreError) -> Bool {
    try await submit([work])[0]
  }

  /// Puts `works` in the next group commit and returns at once, without waiting for the commit
  /// or learning whether they applied (the starts of a node whose starts need no commit).
  func post(_ works: [Work]) {
    guard !works.isEmpty else { return }
    add(Pending(works: works, continuation: nil))
  }

  /// Queues `pending` for the next batch, and starts a flusher when fewer than `concurrency` run.
  private func add(_ pending: Pending) {
    let lead = state.withLock { s -> Bool in
      s.pending.append(pending)
      if s.flushing >= concurrency { return false }
      s.flushing += 1
      return true
    }
    if lead { Task { await self.flushWhilePending() } }
  }

  /// Runs `works` in the next group commit, all in the same transaction (all or none); returns
  /// whether each applied.
  func submit(_ works: [Work]) async throws(StoreError) -> [Bool] {
    guard !works.isEmpty else { return [] }
    let result = await withCheckedContinuation {
      (continuation: CheckedContinuation<Result<[Bool], StoreError>, Never>) in
      add(Pending(works: works, continuation: continuation))
    }
    return try result.get()
  }

  private func flushWhilePending() async {
    while true {
      let batch = state.withLock { s -> [Pending] in
        if s.pending.isEmpty {
          s.flushing -= 1
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
    let work = batch.flatMap(\.works)
    let logger = self.logger
    let node = self.node
    let lease = self.leaseSeconds
    do {
      let applied = try await pool.withConnection("finish steps") { connection in
        // One statement is atomic by itself; more share one transaction (one WAL flush).
        let statements = work.reduce(0) { n, w in if case .query = w { n + 1 } else { n } }
        let folded = statements < work.count
        if statements + (folded ? 1 : 0) == 1 {
          return try await Self.apply(work, on: connection, node: node, lease: lease, logger: logger)
        }
        return try await PostgresSchema.transaction(connection, logger: logger) {
          try await Self.apply(work, on: connection, node: node, lease: lease, logger: logger)
        }
      }
      var offset = 0
      for pending in batch {
        let count = pending.works.count
        pending.continuation?.resume(returning: .success(Array(applied[offset..<offset + count])))
        offset += count
      }
    } catch {
      if batch.count > 1 && error.kind != .unavailable {
        for pending in batch { await flush([pending]) }
      } else {
        for pending in batch { pending.continuation?.resume(returning: .failure(error)) }
      }
    }
  }

  /// The fence every finish, start and extension checks: the row is this node's, for this
  /// attempt. A `claimed` row's attempt is not counted yet, so its claim is for `attempt + 1`.
  static func fence(_ row: String, attempt: String, node: String) -> String {
    """
    \(row).lease_owner = \(node) AND \(row).state IN ('claimed', 'running')
      AND \(row).attempt + CASE WHEN \(row).state = 'claimed' THEN 1 ELSE 0 END = \(attempt)
    """
  }

  /// Runs the folded successes and starts as one statement, then each other finish; whether each
  /// applied.
  private static func apply(
    _ work: [Work], on connection: PostgresConnection, node: UUID, lease: Double, logger: Logger
  ) async throws -> [Bool] {
    var applied = [Bool](repeating: false, count: work.count)
    var ids: [Int64] = []
    var attempts: [Int64] = []
    var queues: [String] = []
    var outputs: [String] = []
    var startIDs: [Int64] = []
    var startAttempts: [Int64] = []
    for item in work {
      if case .success(let id, let attempt, let queue, let output) = item {
        ids.append(id)
        attempts.append(attempt)
        queues.append(queue)
        outputs.append(output)
      }
    }
    // A start and a success of the same row in one batch (a step posted its start without
    // waiting and ended before the batch left): the success alone, since its fence takes a
    // `claimed` row for the attempt the start would count, and one statement must not change a
    // row twice (PostgreSQL would apply one of the two, either one).
    let succeeding = Set(ids)
    for item in work {
      if case .start(let id, let attempt) = item, !succeeding.contains(id) {
        startIDs.append(id)
        startAttempts.append(attempt)
      }
    }
    if !ids.isEmpty || !startIDs.isEmpty {
      // Successes are fenced like a single finish; each input row not deleted is a stale
      // completion, counted against its queue (counted from the rows deleted, not from a join:
      // two successes of one row in a batch, from a node that claimed the row again after losing
      // its lease, delete it once and count one success and one stale) (`s.id = ANY(...)` beside the join, so the rows
      // are always found through the primary key, whatever the plan). A start counts the attempt
      // (`claimed` to `running`) and renews the lease; it is idempotent (a row already running for
      // that attempt is started), and refused when the claim is no longer this node's.
      let folded = Folded(
        ids: ids, attempts: attempts, queues: queues, outputs: outputs, node: node, startIDs: startIDs,
        startAttempts: startAttempts, lease: lease)
      let rows = try await connection.execute(folded, logger: logger)
      var done: Set<Int64> = []
      var started: Set<Int64> = []
      for try await (id, isDone) in rows {
        if isDone { done.insert(id) } else { started.insert(id) }
      }
      for (index, item) in work.enumerated() {
        switch item {
        case .success(let id, _, _, _): applied[index] = done.contains(id)
        case .start(let id, _): applied[index] = started.contains(id) || done.contains(id)
        case .query: break
        }
      }
    }
    for (index, item) in work.enumerated() {
      if case .query(let query) = item {
        applied[index] = try await run(query, on: connection, logger: logger)
      }
    }
    return applied
  }

  /// The folded successes and starts of a batch: a prepared statement (parsed once per connection,
  /// and planned once PostgreSQL settles on a generic plan), since parsing and planning a
  /// statement of this size took twice as long as running it.
  struct Folded: PostgresPreparedStatement {
    typealias Row = (Int64, Bool)

    static let sql = """
      WITH input AS (
        SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[]) AS i(id, attempt, queue, output)
      ),
      done AS (
        DELETE FROM lanes_steps s USING input i
        WHERE s.id = ANY($1::int8[]) AND s.id = i.id AND \(fence("s", attempt: "i.attempt", node: "$5::uuid"))
        RETURNING s.id, s.run_id, s.workflow, s.step, s.queue, i.attempt, s.created_at, i.output
      ),
      history AS (
        INSERT INTO lanes_history (id, run_id, workflow, step, queue, state, attempts, output, created_at)
        SELECT id, run_id, workflow, step, queue, 'succeeded', attempt, output, created_at FROM done
      ),
      offered AS (SELECT queue, count(*) AS n FROM input GROUP BY queue),
      applied AS (SELECT queue, count(*) AS ok FROM done GROUP BY queue),
      counted AS (
        SELECT o.queue, coalesce(a.ok, 0) AS ok, o.n - coalesce(a.ok, 0) AS stale
        FROM offered o LEFT JOIN applied a ON a.queue = o.queue ORDER BY o.queue
      ),
      totals AS (
        INSERT INTO lanes_totals (queue, node, succeeded, stale) SELECT queue, $5::uuid, ok, stale FROM counted ORDER BY queue
        ON CONFLICT (queue, node) DO UPDATE SET succeeded = lanes_totals.succeeded + EXCLUDED.succeeded,
          stale = lanes_totals.stale + EXCLUDED.stale
      ),
      started AS (
        UPDATE lanes_steps s SET state = 'running', attempt = c.attempt,
          lease_until = now() + $8::float8 * interval '1 second'
        FROM unnest($6::int8[], $7::int8[]) AS c(id, attempt)
        WHERE s.id = ANY($6::int8[]) AND s.id = c.id AND \(fence("s", attempt: "c.attempt", node: "$5::uuid"))
        RETURNING s.id
      )
      SELECT id, true FROM done UNION ALL SELECT id, false FROM started
      """

    var ids: [Int64]
    var attempts: [Int64]
    var queues: [String]
    var outputs: [String]
    var node: UUID
    var startIDs: [Int64]
    var startAttempts: [Int64]
    var lease: Double

    func makeBindings() throws -> PostgresBindings {
      var bindings = PostgresBindings(capacity: 8)
      bindings.append(ids)
      bindings.append(attempts)
      bindings.append(queues)
      bindings.append(outputs)
      bindings.append(node)
      bindings.append(startIDs)
      bindings.append(startAttempts)
      bindings.append(lease)
      return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
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
