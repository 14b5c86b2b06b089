import ExecutionCore
import Foundation
import GRDB

/// The schema (version 2: version 1, then `started` and `orphans`). The state words are the
/// `StepStore` protocol's, shared with the PostgreSQL store; `ready_ns` is when a row became
/// claimable (enqueued, due, redriven).
enum Schema {
  static let version1 = """
    CREATE TABLE lanes_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE lanes_steps(
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id INTEGER NOT NULL,
      workflow TEXT NOT NULL,
      step TEXT NOT NULL,
      queue TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN
        ('waiting','queued','running','retrying','succeeded','dead','skipped')),
      pending INTEGER NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 0,
      data BLOB NOT NULL,
      output TEXT,
      error TEXT,
      ready_ns INTEGER NOT NULL,
      lease_ns INTEGER,
      finished_ns INTEGER,
      UNIQUE(run_id, step)
    );
    CREATE INDEX lanes_steps_claim ON lanes_steps(queue, state, ready_ns, id);
    CREATE INDEX lanes_steps_finished ON lanes_steps(finished_ns) WHERE finished_ns IS NOT NULL;
    CREATE TABLE lanes_queues(
      name TEXT PRIMARY KEY,
      paused INTEGER NOT NULL DEFAULT 0,
      accepted INTEGER NOT NULL DEFAULT 0,
      succeeded INTEGER NOT NULL DEFAULT 0,
      retried INTEGER NOT NULL DEFAULT 0,
      dead_lettered INTEGER NOT NULL DEFAULT 0,
      stale INTEGER NOT NULL DEFAULT 0,
      skipped INTEGER NOT NULL DEFAULT 0,
      deleted INTEGER NOT NULL DEFAULT 0
    );
    """

  /// Claiming ahead: a `running` row with `started = 0` is claimed and has not begun (its attempt
  /// is not counted: `attempt` is the last counted one); `orphans` counts the processes that died
  /// holding it so. Rows of version 1 were counted at claim, so they are `started`.
  static let version2 = """
    ALTER TABLE lanes_steps ADD COLUMN started INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE lanes_steps ADD COLUMN orphans INTEGER NOT NULL DEFAULT 0;
    """
}

/// Additions to the queues' totals made by one operation, then by a whole batch: written once per
/// queue per commit (the `lanes_queues` row is the one row every step of a queue would otherwise
/// update).
struct Counts: Sendable {
  struct Queue: Sendable {
    var accepted = 0
    var succeeded = 0
    var retried = 0
    var deadLettered = 0
    var stale = 0
    var skipped = 0
    var deleted = 0
  }

  var queues: [String: Queue] = [:]

  subscript(queue: String) -> Queue {
    get { queues[queue] ?? Queue() }
    set { queues[queue] = newValue }
  }

  mutating func merge(_ other: Counts) {
    for (name, c) in other.queues {
      var mine = self[name]
      mine.accepted += c.accepted
      mine.succeeded += c.succeeded
      mine.retried += c.retried
      mine.deadLettered += c.deadLettered
      mine.stale += c.stale
      mine.skipped += c.skipped
      mine.deleted += c.deleted
      self[name] = mine
    }
  }

  /// Adds the totals to `lanes_queues` (two cached statements per queue).
  func apply(_ db: Database) throws {
    for (name, c) in queues {
      try db.cachedStatement(sql: "INSERT OR IGNORE INTO lanes_queues(name) VALUES (?)").execute(
        arguments: [name])
      try db.cachedStatement(
        sql: """
          UPDATE lanes_queues SET accepted = accepted + ?, succeeded = succeeded + ?, retried = retried + ?,
          dead_lettered = dead_lettered + ?, stale = stale + ?, skipped = skipped + ?, deleted = deleted + ?
          WHERE name = ?
          """
      ).execute(arguments: [
        c.accepted, c.succeeded, c.retried, c.deadLettered, c.stale, c.skipped, c.deleted, name,
      ])
    }
  }
}

/// The topology as the store's queries need it.
struct TopologyModel: Sendable {
  struct Step: Sendable {
    var queue: String
    var maxAttempts: Int
    var dependencies: [String]
    /// Steps (background ones) that depend on this one directly.
    var dependents: [String]
  }

  /// Steps by workflow, then by id.
  var steps: [String: [String: Step]] = [:]
  var queues: [String]

  init(_ topology: StoreTopology) {
    queues = topology.queues
    for (workflow, list) in topology.workflows {
      var byID: [String: Step] = [:]
      for step in list {
        byID[step.id] = Step(
          queue: step.queue, maxAttempts: step.maxAttempts, dependencies: step.dependencies, dependents: [])
      }
      for step in list {
        for d in step.dependencies where byID[d] != nil { byID[d]!.dependents.append(step.id) }
      }
      steps[workflow] = byID
    }
  }

  func step(_ workflow: String, _ step: String) -> Step? { steps[workflow]?[step] }
}

/// StepInput in a row: the input's JSON, then (id, output) pairs, each length-prefixed.
enum DataCoding {
  static func encode(_ data: StepInput) -> Data {
    var out: [UInt8] = []
    func put(_ bytes: [UInt8]) {
      var n = UInt32(bytes.count).littleEndian
      withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
      out.append(contentsOf: bytes)
    }
    put(data.input.bytes)
    for entry in data.dependencyOutputs {
      put(Array(entry.id.utf8))
      put(entry.output.bytes)
    }
    return Data(out)
  }

  static func decode(_ blob: Data) throws -> StepInput {
    let bytes = [UInt8](blob)
    var at = 0
    func take() throws -> [UInt8] {
      guard at + 4 <= bytes.count else { throw StoreError(.notAStore, "a step's data is damaged") }
      let n = Int(
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3])
          << 24)
      at += 4
      guard at + n <= bytes.count else { throw StoreError(.notAStore, "a step's data is damaged") }
      defer { at += n }
      return Array(bytes[at..<(at + n)])
    }
    let input = try Payload(validating: take())
    var outputs: [DependencyOutput] = []
    while at < bytes.count {
      let id = String(decoding: try take(), as: UTF8.self)
      outputs.append(DependencyOutput(id: id, output: try Payload(validating: take())))
    }
    return StepInput(input: input, dependencyOutputs: outputs)
  }
}

/// Row changes shared by the operations and recovery.
enum Rows {
  /// A run's row moved on (returns the queues that got claimable rows, to signal after the commit): a success makes dependents whose dependencies all succeeded `queued`
  /// (and hands them the output); a death skips every dependent, transitively.
  static func propagate(
    _ db: Database, model: TopologyModel, runID: Int64, workflow: String, step: String, succeeded: Bool,
    output: Payload?, data: () throws -> Data, nowNs: Int64, counts: inout Counts
  ) throws -> Set<String> {
    var readyQueues = Set<String>()
    guard let dependents = model.step(workflow, step)?.dependents, !dependents.isEmpty else {
      return readyQueues
    }
    if succeeded {
      var handed: StepInput? = nil
      for d in dependents {
        guard
          let row = try Row.fetchOne(
            db.cachedStatement(
              sql:
                "SELECT id, pending, data FROM lanes_steps WHERE run_id = ? AND step = ? AND state = 'waiting'"
            ),
            arguments: [runID, d])
        else { continue }
        if handed == nil {
          var input = try DataCoding.decode(data())
          input.dependencyOutputs.append(DependencyOutput(id: step, output: output ?? .null))
          handed = input
        }
        var theirs = try DataCoding.decode(row["data"] as Data)
        // Replace the null placeholders the step was inserted with; add what it did not list.
        for entry in handed!.dependencyOutputs {
          if let k = theirs.dependencyOutputs.firstIndex(where: { $0.id == entry.id }) {
            theirs.dependencyOutputs[k].output = entry.output
          } else {
            theirs.dependencyOutputs.append(entry)
          }
        }
        let pending: Int = row["pending"]
        let id: Int64 = row["id"]
        if pending <= 1 {
          try db.execute(
            sql: "UPDATE lanes_steps SET pending = 0, state = 'queued', ready_ns = ?, data = ? WHERE id = ?",
            arguments: [nowNs, DataCoding.encode(theirs), id])
          if let queue = model.step(workflow, d)?.queue { readyQueues.insert(queue) }
        } else {
          try db.execute(
            sql: "UPDATE lanes_steps SET pending = pending - 1, data = ? WHERE id = ?",
            arguments: [DataCoding.encode(theirs), id])
        }
      }
    } else {
      var stack = dependents
      var seen = Set<String>()
      while let d = stack.popLast() {
        guard seen.insert(d).inserted else { continue }
        try db.execute(
          sql:
            "UPDATE lanes_steps SET state = 'skipped', finished_ns = ? WHERE run_id = ? AND step = ? AND state = 'waiting'",
          arguments: [nowNs, runID, d])
        if db.changesCount > 0, let queue = model.step(workflow, d)?.queue {
          counts[queue].skipped += 1
        }
        stack.append(contentsOf: model.step(workflow, d)?.dependents ?? [])
      }
    }
    return readyQueues
  }

  /// Deletes succeeded and skipped rows finished before `cutoff` (retention).
  static func sweep(_ db: Database, olderThan cutoff: Int64) throws {
    try db.execute(
      sql: "DELETE FROM lanes_steps WHERE finished_ns < ? AND state IN ('succeeded', 'skipped')",
      arguments: [cutoff])
  }
}

/// What `open` does with what a previous process left.
enum Recovery {
  struct Result: Sendable {
    var recovery: StoreRecovery
    var nextDue: [String: Int64]
  }

  /// Counts the attempts the previous process journaled as started and did not commit: a row
  /// still claimed and not started for that attempt gets it counted, and `run` then treats it as
  /// a step that was running at the crash. Idempotent (a row already counted, ended, or claimed
  /// again for another attempt is left alone); returns how many rows it counted.
  @discardableResult
  static func countJournaled(_ db: Database, _ entries: [StartJournal.Entry]) throws -> Int {
    var counted = 0
    for entry in entries {
      try db.execute(
        sql: """
          UPDATE lanes_steps SET attempt = ?2, started = 1
          WHERE id = ?1 AND state = 'running' AND started = 0 AND attempt + 1 = ?2
          """, arguments: [entry.id, entry.attempt])
      counted += db.changesCount
    }
    return counted
  }

  static func run(_ db: Database, model: TopologyModel, nowNs: Int64, orphanLimit: Int) throws -> Result {
    var recovery = StoreRecovery()
    var counts = Counts()
    // Rows whose workflow or step no longer exists: dead, with that reason.
    let unfinished = try Row.fetchAll(
      db,
      sql:
        "SELECT id, run_id, workflow, step, queue, state, attempt, started, orphans, data FROM lanes_steps WHERE state IN ('waiting','queued','running','retrying') ORDER BY id"
    )
    for row in unfinished {
      let workflow: String = row["workflow"]
      let step: String = row["step"]
      let id: Int64 = row["id"]
      let queue: String = row["queue"]
      let state: String = row["state"]
      let attempt: Int = row["attempt"]
      guard let known = model.step(workflow, step) else {
        let reason =
          model.steps[workflow] == nil
          ? "workflow '\(workflow)' no longer exists in the loaded files"
          : "workflow '\(workflow)' no longer has step '\(step)'"
        try db.execute(
          sql:
            "UPDATE lanes_steps SET state = 'dead', error = ?, finished_ns = ?, lease_ns = NULL WHERE id = ?",
          arguments: [reason, nowNs, id])
        counts[queue].deadLettered += 1
        recovery.deadLetteredAtOpen += 1
        continue
      }
      if state == "running" && (row["started"] as Int) == 0 {
        // Claimed ahead and not started: the attempt was never counted (nor did the step run:
        // the runtime starts a body only after `started` committed or journaled, and the journal
        // was applied before this).
        let orphans = (row["orphans"] as Int) + 1
        if orphans >= orphanLimit {
          let reason =
            "\(orphans) processes died holding this step claimed before it started (a crash loop); not retried"
          try db.execute(
            sql:
              "UPDATE lanes_steps SET state = 'dead', error = ?, finished_ns = ?, lease_ns = NULL, started = 0, orphans = ? WHERE id = ?",
            arguments: [reason, nowNs, orphans, id])
          counts[queue].deadLettered += 1
          _ = try Rows.propagate(
            db, model: model, runID: row["run_id"], workflow: workflow, step: step, succeeded: false,
            output: nil, data: { row["data"] as Data }, nowNs: nowNs, counts: &counts)
          recovery.deadLetteredAtOpen += 1
        } else {
          try db.execute(
            sql:
              "UPDATE lanes_steps SET state = 'queued', lease_ns = NULL, started = 0, orphans = ? WHERE id = ?",
            arguments: [orphans, id])
          recovery.claimedAhead += 1
        }
      } else if state == "running" {
        if attempt >= known.maxAttempts {
          let reason =
            "the process died while this step ran (\(attempt) attempt\(attempt == 1 ? "" : "s"))"
          try db.execute(
            sql:
              "UPDATE lanes_steps SET state = 'dead', error = ?, finished_ns = ?, lease_ns = NULL WHERE id = ?",
            arguments: [reason, nowNs, id])
          counts[queue].deadLettered += 1
          _ = try Rows.propagate(
            db, model: model, runID: row["run_id"], workflow: workflow, step: step, succeeded: false,
            output: nil, data: { row["data"] as Data }, nowNs: nowNs, counts: &counts)
          recovery.deadLetteredAtOpen += 1
        } else {
          // Back to its queue at the front (it was the oldest), the attempt kept.
          try db.execute(
            sql: "UPDATE lanes_steps SET state = 'queued', lease_ns = NULL WHERE id = ?", arguments: [id])
          recovery.running += 1
        }
      }
    }
    for row in try Row.fetchAll(
      db,
      sql:
        "SELECT state, COUNT(*) AS n FROM lanes_steps WHERE state IN ('queued','retrying','dead') GROUP BY state"
    ) {
      let n: Int = row["n"]
      switch row["state"] as String {
      case "queued": recovery.queued = n - recovery.running - recovery.claimedAhead
      case "retrying": recovery.retrying = n
      default: recovery.dead = n - recovery.deadLetteredAtOpen
      }
    }
    try counts.apply(db)
    recovery.pausedQueues = try String.fetchAll(
      db, sql: "SELECT name FROM lanes_queues WHERE paused = 1 ORDER BY name")
    recovery.totals = try Stats.read(db, nowNs: nowNs)
    var nextDue: [String: Int64] = [:]
    for row in try Row.fetchAll(
      db, sql: "SELECT queue, MIN(ready_ns) AS due FROM lanes_steps WHERE state = 'retrying' GROUP BY queue")
    {
      nextDue[row["queue"]] = row["due"]
    }
    return Result(recovery: recovery, nextDue: nextDue)
  }
}

/// Per-queue figures.
enum Stats {
  static func read(_ db: Database, nowNs: Int64) throws -> [String: StoredQueueStats] {
    var stats: [String: StoredQueueStats] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT * FROM lanes_queues") {
      var s = StoredQueueStats()
      s.paused = (row["paused"] as Int) != 0
      s.accepted = row["accepted"]
      s.succeeded = row["succeeded"]
      s.retried = row["retried"]
      s.deadLettered = row["dead_lettered"]
      s.staleCompletions = row["stale"]
      s.skipped = row["skipped"]
      s.deadLettersDeleted = row["deleted"]
      stats[row["name"]] = s
    }
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT queue, state, COUNT(*) AS n, MIN(ready_ns) AS oldest FROM lanes_steps
        WHERE state IN ('waiting','queued','running','retrying','dead') GROUP BY queue, state
        """)
    {
      let queue: String = row["queue"]
      let n: Int = row["n"]
      var s = stats[queue] ?? StoredQueueStats()
      switch row["state"] as String {
      case "waiting": s.waiting = n
      case "queued":
        s.queued = n
        let oldest: Int64 = row["oldest"]
        s.oldestReadyAgeNs = max(0, nowNs - oldest)
      case "running": s.running = n
      case "retrying": s.retrying = n
      default: s.dead = n
      }
      stats[queue] = s
    }
    // Claimed ahead and not started: waiting for a worker, as queued ones are (few rows: at most
    // `claimAhead` per queue).
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT queue, COUNT(*) AS n, MIN(ready_ns) AS oldest FROM lanes_steps
        WHERE state = 'running' AND started = 0 GROUP BY queue
        """)
    {
      let queue: String = row["queue"]
      let n: Int = row["n"]
      let oldest: Int64 = row["oldest"]
      var s = stats[queue] ?? StoredQueueStats()
      s.running -= n
      s.queued += n
      s.oldestReadyAgeNs = max(s.oldestReadyAgeNs, nowNs - oldest)
      stats[queue] = s
    }
    return stats
  }
}
