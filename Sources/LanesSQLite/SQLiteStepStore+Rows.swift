import ExecutionCore
import Foundation
import GRDB

/// The schema (version 1). The state words are the `StepStore` protocol's, shared with the
/// PostgreSQL store; `ready_ns` is when a row became claimable (enqueued, due, redriven).
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
    output: Payload?, data: Data, nowNs: Int64
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
            db,
            sql:
              "SELECT id, pending, data FROM lanes_steps WHERE run_id = ? AND step = ? AND state = 'waiting'",
            arguments: [runID, d])
        else { continue }
        if handed == nil {
          var input = try DataCoding.decode(data)
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
          try count(db, queue: queue, column: "skipped")
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

  /// Adds to a queue's totals (creating its row).
  static func count(_ db: Database, queue: String, column: String, by n: Int = 1) throws {
    try db.execute(sql: "INSERT OR IGNORE INTO lanes_queues(name) VALUES (?)", arguments: [queue])
    try db.execute(
      sql: "UPDATE lanes_queues SET \(column) = \(column) + ? WHERE name = ?", arguments: [n, queue])
  }
}

/// What `open` does with what a previous process left.
enum Recovery {
  struct Result: Sendable {
    var recovery: StoreRecovery
    var nextDue: [String: Int64]
  }

  static func run(_ db: Database, model: TopologyModel, nowNs: Int64) throws -> Result {
    var recovery = StoreRecovery()
    // Rows whose workflow or step no longer exists: dead, with that reason.
    let unfinished = try Row.fetchAll(
      db,
      sql:
        "SELECT id, run_id, workflow, step, queue, state, attempt, data FROM lanes_steps WHERE state IN ('waiting','queued','running','retrying') ORDER BY id"
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
        try Rows.count(db, queue: queue, column: "dead_lettered")
        recovery.deadLetteredAtOpen += 1
        continue
      }
      if state == "running" {
        if attempt >= known.maxAttempts {
          let reason =
            "the process died while this step ran (\(attempt) attempt\(attempt == 1 ? "" : "s"))"
          try db.execute(
            sql:
              "UPDATE lanes_steps SET state = 'dead', error = ?, finished_ns = ?, lease_ns = NULL WHERE id = ?",
            arguments: [reason, nowNs, id])
          try Rows.count(db, queue: queue, column: "dead_lettered")
          _ = try Rows.propagate(
            db, model: model, runID: row["run_id"], workflow: workflow, step: step, succeeded: false,
            output: nil,
            data: row["data"] as Data, nowNs: nowNs)
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
      case "queued": recovery.queued = n - recovery.running
      case "retrying": recovery.retrying = n
      default: recovery.dead = n - recovery.deadLetteredAtOpen
      }
    }
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
    return stats
  }
}
