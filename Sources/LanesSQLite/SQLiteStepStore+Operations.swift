import ExecutionCore
import Foundation
import GRDB

extension SQLiteStepStore {
  public func reserveRunIDs(count: Int) async throws -> Range<UInt64> {
    let n = UInt64(max(1, count))
    return try await write { db, _, _ in
      let next =
        UInt64(try String.fetchOne(db, sql: "SELECT value FROM lanes_meta WHERE key = 'next_run_id'") ?? "1")
        ?? 1
      try db.execute(
        sql: "UPDATE lanes_meta SET value = ? WHERE key = 'next_run_id'", arguments: [String(next + n)])
      return next..<(next + n)
    }
  }

  public func enqueue(_ steps: [NewStoredStep]) async throws {
    guard !steps.isEmpty else { return }
    let queues = try await write { db, _, counts -> Set<String> in
      let now = Self.nowNs()
      var ready = Set<String>()
      let statement = try db.cachedStatement(
        sql: """
          INSERT INTO lanes_steps(run_id, workflow, step, queue, state, pending, data, ready_ns)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """)
      for step in steps {
        let queued = step.pendingDependencies <= 0
        try statement.execute(arguments: [
          Int64(bitPattern: step.runID), step.workflow, step.step, step.queue, queued ? "queued" : "waiting",
          max(0, step.pendingDependencies), DataCoding.encode(step.data), now,
        ])
        counts[step.queue].accepted += 1
        if queued { ready.insert(step.queue) }
      }
      return ready
    }
    for queue in queues { signal(queue) }
  }

  /// Claims without counting the attempt (`started` counts it): the rows become `running` with
  /// `started = 0`, and each claim is for the attempt after the last counted one.
  public func claim(queue: String, limit: Int) async throws -> [ClaimedStep] {
    guard limit > 0 else { return [] }
    let leaseNs = Int64(lease.components.seconds) * 1_000_000_000
    let (claimed, nextDue) = try await write { db, _, _ -> ([ClaimedStep], Int64?) in
      let now = Self.nowNs()
      let paused = try Int.fetchOne(
        db.cachedStatement(sql: "SELECT paused FROM lanes_queues WHERE name = ?"), arguments: [queue])
      if paused == 1 { return ([], nil) }
      // Queued and due retries read apart, each in index order (with `state IN (...)` SQLite
      // sorts every claimable row of the queue for each claim), then merged oldest first.
      let queued = try Row.fetchAll(
        db.cachedStatement(
          sql: """
            SELECT id, run_id, workflow, step, attempt, data, ready_ns FROM lanes_steps
            WHERE queue = ? AND state = 'queued' ORDER BY ready_ns, id LIMIT ?
            """), arguments: [queue, limit])
      let due = try Row.fetchAll(
        db.cachedStatement(
          sql: """
            SELECT id, run_id, workflow, step, attempt, data, ready_ns FROM lanes_steps
            WHERE queue = ? AND state = 'retrying' AND ready_ns <= ? ORDER BY ready_ns, id LIMIT ?
            """), arguments: [queue, now, limit])
      let rows =
        due.isEmpty
        ? queued
        : Array(
          (queued + due).sorted {
            ($0["ready_ns"] as Int64, $0["id"] as Int64) < ($1["ready_ns"] as Int64, $1["id"] as Int64)
          }.prefix(limit))
      var claimed: [ClaimedStep] = []
      claimed.reserveCapacity(rows.count)
      let update = try db.cachedStatement(
        sql: "UPDATE lanes_steps SET state = 'running', started = 0, lease_ns = ? WHERE id = ?")
      for row in rows {
        let id: Int64 = row["id"]
        let attempt: Int = row["attempt"]
        try update.execute(arguments: [now + leaseNs, id])
        let runID: Int64 = row["run_id"]
        claimed.append(
          ClaimedStep(
            claim: StepClaim(id: id, attempt: attempt + 1), runID: UInt64(bitPattern: runID),
            workflow: row["workflow"], step: row["step"], data: try DataCoding.decode(row["data"] as Data),
            readySinceNs: row["ready_ns"]))
      }
      let nextDue = try Int64.fetchOne(
        db.cachedStatement(
          sql: "SELECT MIN(ready_ns) FROM lanes_steps WHERE queue = ? AND state = 'retrying' AND ready_ns > ?"
        ),
        arguments: [queue, now])
      return (claimed, nextDue)
    }
    state.withLock { state in
      state.nextDue[queue] = nextDue
      for step in claimed { state.live[step.claim.id] = step.claim.attempt }
    }
    return claimed
  }

  /// Counts the attempts of claimed steps about to begin (idempotent: a claim already started is
  /// left as it is); returns the claims that are no longer this node's.
  ///
  /// With durability `process` the start goes in the start journal and this returns at once (the
  /// row is updated by the writer's next batch, not waited for); a claim this process no longer
  /// holds is refused from the store's own account of its claims (one process per file: no other
  /// process takes a claim, only this one's finish or close ends it).
  public func started(_ claims: [StepClaim]) async throws -> [StepClaim] {
    guard !claims.isEmpty else { return [] }
    guard let journal = state.withLock({ $0.journal }) else {
      return try await write { db, _, _ in try Self.start(db, claims) }
    }
    let (held, lost) = state.withLock { state -> ([StepClaim], [StepClaim]) in
      var held: [StepClaim] = []
      var lost: [StepClaim] = []
      for claim in claims {
        if state.live[claim.id] == claim.attempt { held.append(claim) } else { lost.append(claim) }
      }
      return (held, lost)
    }
    guard !held.isEmpty else { return lost }
    // The writer is woken after each run of entries: a full ring waits for its commit.
    try await journal.append(held) { kickWriter() }
    return lost
  }

  /// Wakes the writer for journaled starts unless it is writing already (then its next batch
  /// takes them: it takes them under this same lock).
  func kickWriter() {
    let wake = state.withLock { state -> Bool in
      guard state.db != nil, !state.writing else { return false }
      state.writing = true
      return true
    }
    if wake { writerWake.signal() }
  }

  static func start(_ db: Database, _ claims: [StepClaim]) throws -> [StepClaim] {
    let update = try db.cachedStatement(
      sql: """
        UPDATE lanes_steps SET attempt = ?2, started = 1
        WHERE id = ?1 AND state = 'running' AND attempt + 1 - started = ?2
        """)
    var lost: [StepClaim] = []
    for claim in claims {
      try update.execute(arguments: [claim.id, claim.attempt])
      if db.changesCount == 0 { lost.append(claim) }
    }
    return lost
  }

  /// The finish and the next starts in one operation of the group commit: both or neither.
  public func finish(_ claim: StepClaim, _ ending: StepEnding, thenStart next: [StepClaim]) async throws -> (
    fresh: Bool, lost: [StepClaim]
  ) {
    if startsWithoutCommit {
      // The next starts journaled at once (they need no commit), the finish in the next batch.
      let lost = try await started(next)
      return (try await finish(claim, ending), lost)
    }
    let (ended, lost) = try await write { db, model, counts in
      (try Self.end(db, model, &counts, claim, ending), try Self.start(db, next))
    }
    afterFinish(claim, ended)
    return (ended.fresh, lost)
  }

  /// Fencing: a claim is this node's while its row is `running` for that attempt, started or not
  /// (`attempt + 1 - started` is the attempt a claim is for either way).
  public func finish(_ claim: StepClaim, _ ending: StepEnding) async throws -> Bool {
    let ended = try await write(finishing: claim) { db, model, counts in
      try Self.end(db, model, &counts, claim, ending)
    }
    afterFinish(claim, ended)
    return ended.fresh
  }

  /// Forgets the claim (ended) and wakes the queues a finish made work for.
  func afterFinish(_ claim: StepClaim, _ ended: Ended) {
    state.withLock { state in
      if state.live[claim.id] == claim.attempt { state.live[claim.id] = nil }
    }
    if let (queue, dueNs) = ended.due {
      state.withLock { state in state.nextDue[queue] = min(state.nextDue[queue] ?? dueNs, dueNs) }
      signal(queue)
    }
    for queue in ended.ready { signal(queue) }
  }

  /// What a finish did: whether the claim was fresh, the queues it made steps claimable in, and a
  /// retry's due time.
  struct Ended: Sendable {
    var fresh: Bool
    var ready: Set<String>
    var due: (String, Int64)?
  }

  static func end(
    _ db: Database, _ model: StoreModel, _ counts: inout Counts, _ claim: StepClaim, _ ending: StepEnding
  ) throws -> Ended {
    let (fresh, ready, due): (Bool, Set<String>, (String, Int64)?) = try {
      let now = Self.nowNs()
      guard
        let row = try Row.fetchOne(
          db.cachedStatement(
            sql: "SELECT run_id, workflow, step, queue, state, attempt, started FROM lanes_steps WHERE id = ?"
          ),
          arguments: [claim.id])
      else { return (false, [], nil) }
      let queue: String = row["queue"]
      guard row["state"] as String == "running",
        (row["attempt"] as Int) + 1 - (row["started"] as Int) == claim.attempt
      else {
        counts[queue].stale += 1
        return (false, [], nil)
      }
      var ready = Set<String>()
      var due: (String, Int64)?
      let workflow: String = row["workflow"]
      let step: String = row["step"]
      let runID: Int64 = row["run_id"]
      // The step's data, read only when a dependent needs it.
      let data = {
        try Data.fetchOne(
          db.cachedStatement(sql: "SELECT data FROM lanes_steps WHERE id = ?"), arguments: [claim.id])
          ?? Data()
      }
      switch ending {
      case .succeeded(let output):
        try db.cachedStatement(
          sql: """
            UPDATE lanes_steps SET state = 'succeeded', attempt = ?, started = 1, output = ?, finished_ns = ?,
            lease_ns = NULL WHERE id = ?
            """
        ).execute(arguments: [claim.attempt, output.isNull ? nil : output.text, now, claim.id])
        counts[queue].succeeded += 1
        ready = try Rows.propagate(
          db, model: model.topology, runID: runID, workflow: workflow, step: step, succeeded: true,
          output: output, data: data, nowNs: now, counts: &counts)
      case .retry(let error, let delay):
        let (s, a) = delay.components
        let dueNs = now + s * 1_000_000_000 + a / 1_000_000_000
        try db.cachedStatement(
          sql: """
            UPDATE lanes_steps SET state = 'retrying', attempt = ?, started = 1, error = ?, ready_ns = ?,
            lease_ns = NULL WHERE id = ?
            """
        ).execute(arguments: [claim.attempt, error, dueNs, claim.id])
        counts[queue].retried += 1
        due = (queue, dueNs)
      case .dead(let error):
        try db.cachedStatement(
          sql: """
            UPDATE lanes_steps SET state = 'dead', attempt = ?, started = 1, error = ?, finished_ns = ?,
            lease_ns = NULL WHERE id = ?
            """
        ).execute(arguments: [claim.attempt, error, now, claim.id])
        counts[queue].deadLettered += 1
        _ = try Rows.propagate(
          db, model: model.topology, runID: runID, workflow: workflow, step: step, succeeded: false,
          output: nil, data: data, nowNs: now, counts: &counts)
      case .handedBack:
        // Back to its queue in its place (ready_ns kept), this attempt not counted.
        try db.cachedStatement(
          sql:
            "UPDATE lanes_steps SET state = 'queued', attempt = ?, started = 0, lease_ns = NULL WHERE id = ?"
        ).execute(arguments: [claim.attempt - 1, claim.id])
        ready.insert(queue)
      }
      return (true, ready, due)
    }()
    return Ended(fresh: fresh, ready: ready, due: due)
  }

  public func extendLeases(_ claims: [StepClaim]) async throws -> [StepClaim] {
    guard !claims.isEmpty else { return [] }
    let leaseNs = Int64(lease.components.seconds) * 1_000_000_000
    return try await write { db, _, _ in
      let now = Self.nowNs()
      let update = try db.cachedStatement(
        sql: """
          UPDATE lanes_steps SET lease_ns = ? WHERE id = ? AND state = 'running' AND attempt + 1 - started = ?
          """)
      var lost: [StepClaim] = []
      for claim in claims {
        try update.execute(arguments: [now + leaseNs, claim.id, claim.attempt])
        if db.changesCount == 0 { lost.append(claim) }
      }
      return lost
    }
  }

  public func setPaused(queue: String, _ paused: Bool) async throws {
    try await write { db, _, _ in
      try db.execute(sql: "INSERT OR IGNORE INTO lanes_queues(name) VALUES (?)", arguments: [queue])
      try db.execute(
        sql: "UPDATE lanes_queues SET paused = ? WHERE name = ?", arguments: [paused ? 1 : 0, queue])
    }
    if !paused { signal(queue) }
  }

  public func redrive(queue: String) async throws -> Int {
    let n = try await write { db, _, _ -> Int in
      try db.execute(
        sql: """
          UPDATE lanes_steps SET state = 'queued', attempt = 0, started = 0, ready_ns = ?, finished_ns = NULL
          WHERE queue = ? AND state = 'dead'
          """, arguments: [Self.nowNs(), queue])
      return db.changesCount
    }
    if n > 0 { signal(queue) }
    return n
  }

  public func deleteDeadLetters(queue: String) async throws -> Int {
    try await write { db, _, counts -> Int in
      try db.execute(sql: "DELETE FROM lanes_steps WHERE queue = ? AND state = 'dead'", arguments: [queue])
      let n = db.changesCount
      counts[queue].deleted += n
      return n
    }
  }

  public func deadLetters(queue: String, limit: Int) async throws -> [StoredDeadLetter] {
    guard let db = state.withLock({ $0.db }) else {
      throw StoreError(.unavailable, "\(name): the store is not open")
    }
    do {
      return try await db.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT id, run_id, workflow, step, attempt, error, finished_ns FROM lanes_steps
            WHERE queue = ? AND state = 'dead' ORDER BY finished_ns, id LIMIT ?
            """, arguments: [queue, limit]
        ).map { row in
          StoredDeadLetter(
            id: row["id"], runID: UInt64(bitPattern: row["run_id"] as Int64), workflow: row["workflow"],
            step: row["step"], attempts: row["attempt"], error: row["error"] ?? "failed",
            diedAtNs: row["finished_ns"] ?? 0)
        }
      }
    } catch {
      throw mapped(error)
    }
  }

  public func stats() async throws -> [String: StoredQueueStats] {
    guard let db = state.withLock({ $0.db }) else {
      throw StoreError(.unavailable, "\(name): the store is not open")
    }
    do {
      return try await db.read { db in try Stats.read(db, nowNs: Self.nowNs()) }
    } catch {
      throw mapped(error)
    }
  }

  public func close() async {
    // Hands back what this process still holds (graceful stop): queued again, the attempt not
    // counted (a started one's taken back; a claimed-ahead one had none counted).
    _ = try? await write { db, _, _ in
      try db.execute(
        sql: """
          UPDATE lanes_steps SET state = 'queued', attempt = attempt - started, started = 0, lease_ns = NULL
          WHERE state = 'running'
          """)
      try db.execute(sql: "DELETE FROM lanes_meta WHERE key = 'holder'")
    }
    let (db, fd, journal) = state.withLock { state -> (DatabasePool?, Int32, StartJournal?) in
      defer {
        state.db = nil
        state.lockFD = -1
        state.journal = nil
        state.live.removeAll()
      }
      return (state.db, state.lockFD, state.journal)
    }
    stopWriter()
    // Every start it holds was in the hand-back's batch or an earlier one: all covered.
    journal?.close()
    if let db { try? db.close() }
    if fd >= 0 { Self.release(fd, path + ".lock") }
    let waiters = signals.withLock { signals -> [CheckedContinuation<Void, Never>] in
      defer { signals.removeAll() }
      return signals.values.flatMap(\.waiters)
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Rows by state, for tests and the kill test's checks: (state, count) over the whole file.
  public func countByState() async throws -> [String: Int] {
    guard let db = state.withLock({ $0.db }) else {
      throw StoreError(.unavailable, "\(name): the store is not open")
    }
    return try await db.read { db in
      var counts: [String: Int] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM lanes_steps GROUP BY state") {
        counts[row["state"]] = row["n"]
      }
      return counts
    }
  }
}

extension SQLiteStepStore {
  /// Returns once every start journaled before the call is committed in the database (a batch
  /// takes every journaled start before its operations): what a test that reads the rows waits for.
  func sync() async throws {
    try await write { _, _, _ in }
  }
}
