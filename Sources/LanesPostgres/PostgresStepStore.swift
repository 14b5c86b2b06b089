import ExecutionCore
import Logging
import PostgresNIO
import Synchronization

import struct Foundation.UUID

/// How a PostgreSQL store behaves; the defaults suit a service.
public struct PostgresStoreOptions: Sendable {
  /// How long a claim holds a step before other nodes may rescue it (`--lease`), on the database's
  /// clock. A running step's lease is extended every third of it.
  public var lease: Duration = .seconds(30)
  /// How often this node returns expired leases to their queues, beats its heartbeat and trims
  /// history (nil: a third of the lease, at most 5 seconds).
  public var maintenanceInterval: Duration?
  /// The most one operation may take before it fails with `StoreError.unavailable`.
  public var operationTimeout: Duration = .seconds(10)
  /// The most connecting may take.
  public var connectTimeout: Duration = .seconds(3)
  /// Connections for operations (the listener, claims and the group commit have their own).
  public var poolSize = 4
  /// Whether claims, starts and finishes wait for their WAL flush (`synchronous_commit`), and a
  /// worker waits for its step's start to commit before the body runs (`--durability power`).
  /// Off by default: they commit on connections of their own with `synchronous_commit = off`, and
  /// a worker hands its step's start and end to the group commit without waiting for either
  /// (`startsWithoutCommit`; at most `Runtime.journaledEndingsInFlight` endings in flight per
  /// worker, which a kill -9 makes run again). That keeps
  /// every promise against a Lanes node dying (kill -9 included: the commit is PostgreSQL's, not the
  /// node's); only a crash of PostgreSQL itself (or its machine) can lose the last such commits
  /// (at most three `wal_writer_delay`s, 0.6 s by default), whose steps then run again after their
  /// leases: at-least-once still holds. Enqueues always wait for the flush (the acknowledgement
  /// is the commit), as do control actions. On: every claim, start and finish waits for an fsync.
  public var durableStepCommits = false
  /// How many steps per queue a node may hold claimed beyond its free workers (`StepStore`'s
  /// `claimAhead`): one claim commit feeds that many steps, and a claimed step's attempt is counted
  /// only when a worker starts it (0: claim only for free workers, counting the attempt at claim).
  public var claimAhead = 128
  /// How many times a step may come back `claimed` from an expired lease (its node died or
  /// stalled before the step's start was recorded) before it is dead-lettered: without
  /// `durableStepCommits` a worker runs a step without waiting for its start's commit, so a step
  /// that kills its node at once could otherwise come back forever, uncounted.
  public var orphanLimit = 50
  /// How long finished (succeeded, skipped) rows stay in `lanes_history`.
  public var historyRetention: Duration = .seconds(24 * 3600)
  /// Listen for notifications (false: poll only, for a transaction-mode pooler such as PgBouncer,
  /// which does not forward them).
  public var listen = true
  /// How long the listener waits before reconnecting after losing its connection.
  public var listenerReconnectDelay: Duration = .milliseconds(200)
  /// This node's API address (`lanes serve`'s), shown to the other nodes; nil when it has none.
  public var apiAddress: String?
  /// Where the store says that the cluster's nodes run different workflow sets, or that steps
  /// wait for a node that knows them: once per difference, at open and when a node with other
  /// workflows joins (nil: a warning on the `lanes.postgres.cluster` logger). `lanes` prints them
  /// on standard error.
  public var report: (@Sendable (String) -> Void)?

  /// Default options.
  public init() {}
}

/// A node of the cluster as the database has it.
public struct StoredNode: Sendable, Hashable {
  /// Its id (fresh per boot).
  public var id: String
  /// Its API address, if it serves one.
  public var address: String?
  /// Since when it runs, nanoseconds since the epoch on the database's clock.
  public var startedAtNs: Int64
  /// Age of its last heartbeat, nanoseconds on the database's clock.
  public var heartbeatAgeNs: Int64
  /// Its workflows and their background steps, as a fingerprint: nodes with different ones are a
  /// misconfigured cluster.
  public var workflows: String
}

/// The PostgreSQL store: several Lanes processes (nodes) on one database share the queues.
///
/// Claims take rows with `FOR UPDATE SKIP LOCKED` in batches (nodes never take the same step and
/// never wait on each other), leases live on the database's clock only (`now()`; a node's own
/// clock is never read), and every finish or extension is fenced on `id AND attempt AND
/// lease_owner`, so a node that stalled past its lease cannot complete a step another node now
/// owns: such completions are refused and counted. Notifications (LISTEN/NOTIFY) wake idle
/// workers at once; a lost listener only slows pick-up to the poll interval.
public final class PostgresStepStore: StepStore {
  /// The database.
  public let url: PostgresURL
  /// The options it was created with.
  public let options: PostgresStoreOptions
  /// This node's id for this boot.
  public let nodeID: UUID

  let pool: ConnectionPool
  /// Claims, starts and finishes: the hot path (see `PostgresStoreOptions.durableStepCommits`).
  let hotPool: ConnectionPool
  let signals = WorkSignals()
  let finishes: GroupCommit
  let logger: Logger
  let state = Mutex(MutableState())

  static let channel = "lanes_work"

  /// What a claim of this node refers to, so finishing needs no extra round trip.
  struct ClaimInfo: Sendable {
    var runID: UInt64
    var workflow: String
    var step: String
    var queue: String
    /// `extendLeases` already reported (and counted) it stale.
    var reportedStale = false
  }

  /// What the store knows of a workflow's background steps.
  struct WorkflowShape: Sendable {
    /// Step index in topology order.
    var order: [String: Int] = [:]
    var queue: [String: String] = [:]
    var maxAttempts: [String: Int] = [:]
    /// Steps that name the step among their dependencies.
    var directDependents: [String: [String]] = [:]
    /// Steps that depend on the step directly or through others.
    var allDependents: [String: [String]] = [:]
  }

  struct MutableState: Sendable {
    var claims: [Int64: ClaimInfo] = [:]
    var shapes: [String: WorkflowShape] = [:]
    var opened = false
    var closed = false
    var background: [Task<Void, Never>] = []
    var listenerPID: Int32?
    var listenerConnects = 0
    /// The (workflow, step) pairs this node runs, by queue: it claims only those.
    var known: [String: (workflows: [String], steps: [String])] = [:]
    /// This node's workflows as `fingerprint(of:)` writes them.
    var fingerprint = ""
    /// Differences already reported (each is said once).
    var reported: Set<String> = []
  }

  /// Creates a store for `url` (nothing is contacted before `open`).
  public init(url: PostgresURL, options: PostgresStoreOptions = PostgresStoreOptions()) {
    self.url = url
    self.options = options
    self.nodeID = UUID()
    self.pool = ConnectionPool(
      url: url, size: options.poolSize, connectTimeout: options.connectTimeout,
      operationTimeout: options.operationTimeout)
    // One claim and two group-commit batches in flight at once.
    self.hotPool = ConnectionPool(
      url: url, size: 3, connectTimeout: options.connectTimeout, operationTimeout: options.operationTimeout,
      // A generic plan for the group commit's prepared statement: planning it afresh for each
      // batch (PostgreSQL's first choice) cost more than running it.
      settings: [("plan_cache_mode", "force_generic_plan")]
        + (options.durableStepCommits ? [] : [("synchronous_commit", "off")]))
    var logger = Logger(label: "lanes.postgres")
    logger.logLevel = .critical
    self.logger = logger
    self.finishes = GroupCommit(
      pool: hotPool, logger: logger, node: nodeID, leaseSeconds: options.lease.seconds,
      concurrency: options.durableStepCommits || options.claimAhead <= 0 ? 2 : 1)
  }

  /// Creates a store for a `postgres://` or `postgresql://` URL; throws naming the bad part.
  public convenience init(
    url text: String, options: PostgresStoreOptions = PostgresStoreOptions()
  ) throws(PostgresURLError) {
    self.init(url: try PostgresURL(parsing: text), options: options)
  }

  /// The URL without its password.
  public var name: String { url.description }

  var leaseSeconds: Double { options.lease.seconds }

  /// Steps a queue's feeder may hold claimed and not started (`PostgresStoreOptions.claimAhead`).
  public var claimAhead: Int { max(0, options.claimAhead) }

  /// True: other nodes could run what this one claims ahead, so it holds only what its workers
  /// take in 25 ms at their recent pace.
  public var claimsAheadByPace: Bool { true }

  /// True unless `durableStepCommits`: a worker does not wait for a round trip per step.
  public var startsWithoutCommit: Bool { !options.durableStepCommits && claimAhead > 0 }

  var maintenanceInterval: Duration {
    options.maintenanceInterval ?? min(options.lease / 3, .seconds(5))
  }

  // MARK: - Open and close

  public func open(_ topology: StoreTopology) async throws -> StoreRecovery {
    let shapes = Self.shapes(of: topology)
    let fingerprint = Self.fingerprint(of: topology)
    var known: [String: (workflows: [String], steps: [String])] = [:]
    for (workflow, steps) in topology.workflows {
      for step in steps {
        known[step.queue, default: ([], [])].workflows.append(workflow)
        known[step.queue, default: ([], [])].steps.append(step.id)
      }
    }
    state.withLock {
      $0.shapes = shapes
      $0.known = known
      $0.fingerprint = fingerprint
    }
    let url = self.url
    let logger = self.logger
    let node = nodeID
    let address = options.apiAddress
    try await pool.withConnection("open the store") { connection in
      try await PostgresSchema.migrate(connection, url: url, logger: logger)
      try await connection.query(
        """
        INSERT INTO lanes_nodes (id, address, workflows) VALUES (\(node), \(address), \(fingerprint))
        """, logger: logger)
      for queue in topology.queues {
        try await connection.query(
          "INSERT INTO lanes_queues (queue) VALUES (\(queue)) ON CONFLICT DO NOTHING", logger: logger)
      }
    }
    var recovery = StoreRecovery()
    let rescued = try await rescueExpiredLeases()
    recovery.running = rescued.requeued
    recovery.claimedAhead = rescued.returned
    recovery.deadLetteredAtOpen += rescued.deadLettered
    let stats = try await stats()
    for (queue, queueStats) in stats {
      recovery.queued += queueStats.queued
      recovery.retrying += queueStats.retrying
      recovery.dead += queueStats.dead
      if queueStats.paused { recovery.pausedQueues.append(queue) }
      recovery.totals[queue] = queueStats
    }
    recovery.queued = max(0, recovery.queued - recovery.running - recovery.claimedAhead)
    recovery.pausedQueues.sort()
    // A rolling deploy runs nodes with different workflow sets for a while: each claims only the
    // steps it knows and says what differs, rather than failing steps another node can run.
    reportDifferences(try await differences())
    startBackground()
    state.withLock { $0.opened = true }
    return recovery
  }

  /// What differs between this node's workflows and the cluster's: one sentence per live node
  /// whose workflow set differs (naming the workflows), and one per (workflow, step) that has
  /// unfinished steps in the store but is not among this node's (they wait for a node that knows
  /// them; this node never claims them, never dead-letters them). Empty when all agree.
  public func workflowDifferences() async throws(StoreError) -> [String] {
    try await differences().map(\.sentence)
  }

  /// `workflowDifferences`, each with a key that stays the same while the difference does (a
  /// count of waiting steps may change; it is still the same difference).
  func differences() async throws(StoreError) -> [(key: String, sentence: String)] {
    let (mine, shapes) = state.withLock { ($0.fingerprint, $0.shapes) }
    let logger = self.logger
    let node = nodeID
    let stale = max(3 * maintenanceInterval.seconds, leaseSeconds)
    let (others, unknown) = try await pool.withConnection("compare workflow sets") { connection in
      let nodeRows = try await connection.query(
        """
        SELECT id::text, coalesce(address, ''), workflows FROM lanes_nodes
        WHERE id <> \(node) AND workflows <> \(mine)
          AND heartbeat_at > now() - \(stale) * interval '1 second'
        ORDER BY started_at, id
        """, logger: logger)
      var others: [(String, String, String)] = []
      for try await row in nodeRows.decode((String, String, String).self) { others.append(row) }
      let stepRows = try await connection.query(
        """
        SELECT workflow, step, count(*)::int8 FROM lanes_steps
        WHERE state IN ('waiting', 'queued', 'retrying') GROUP BY 1, 2 ORDER BY 1, 2
        """, logger: logger)
      var unknown: [(String, String, Int64)] = []
      for try await (workflow, step, count) in stepRows.decode((String, String, Int64).self)
      where shapes[workflow]?.order[step] == nil {
        unknown.append((workflow, step, count))
      }
      return (others, unknown)
    }
    var sentences: [(key: String, sentence: String)] = []
    let here = Self.parseFingerprint(mine)
    for (id, address, theirs) in others {
      let there = Self.parseFingerprint(theirs)
      var parts: [String] = []
      let onlyThere = there.keys.filter { here[$0] == nil }.sorted()
      let onlyHere = here.keys.filter { there[$0] == nil }.sorted()
      let changed = here.keys.filter { there[$0] != nil && there[$0] != here[$0] }.sorted()
      if !onlyThere.isEmpty { parts.append("only there: \(onlyThere.joined(separator: ", "))") }
      if !onlyHere.isEmpty { parts.append("only here: \(onlyHere.joined(separator: ", "))") }
      for workflow in changed {
        parts.append("'\(workflow)' differs (there: \(there[workflow]!); here: \(here[workflow]!))")
      }
      let name = address.isEmpty ? "node \(id)" : "node \(id) at \(address)"
      sentences.append(
        (
          "node \(id) \(theirs)",
          "\(name) runs a different workflow set (\(parts.joined(separator: "; "))): each node claims only the steps it knows; deploy the same workflow files to every node"
        ))
    }
    for (workflow, step, count) in unknown {
      sentences.append(
        (
          "steps \(workflow) \(step)",
          "\(count) step\(count == 1 ? "" : "s") of workflow '\(workflow)', step '\(step)', wait\(count == 1 ? "s" : "") for a node that knows \(count == 1 ? "it" : "them") (this node's workflow files do not): start such a node, or delete them"
        ))
    }
    return sentences
  }

  /// Says each difference once (the report hook, else a warning on the log).
  func reportDifferences(_ sentences: [(key: String, sentence: String)]) {
    let fresh = state.withLock { s in sentences.filter { s.reported.insert($0.key).inserted }.map(\.sentence)
    }
    for sentence in fresh {
      if let report = options.report {
        report(sentence)
      } else {
        Logger(label: "lanes.postgres.cluster").warning("\(sentence)")
      }
    }
  }

  /// "wf: a(q) b(q, after a); wf2: …" into workflow → its steps as written.
  static func parseFingerprint(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    for part in text.split(separator: "; ") {
      guard let colon = part.firstIndex(of: ":") else { continue }
      result[String(part[..<colon])] = String(part[part.index(after: colon)...].drop { $0 == " " })
    }
    return result
  }

  public func close() async {
    await stopBackground()
    let node = nodeID
    let logger = self.logger
    // Hand back what this node still holds (graceful stop), and leave the cluster.
    _ = try? await pool.withConnection("hand back this node's steps") { connection in
      try await connection.query(
        """
        WITH back AS (
          UPDATE lanes_steps SET state = 'queued',
            attempt = attempt - CASE WHEN state = 'running' THEN 1 ELSE 0 END, lease_owner = NULL,
            lease_until = NULL
          WHERE state IN ('claimed', 'running') AND lease_owner = \(node)
          RETURNING queue
        )
        SELECT pg_notify('lanes_work', queue) FROM (SELECT DISTINCT queue FROM back) q
        """, logger: logger)
      try await connection.query("DELETE FROM lanes_nodes WHERE id = \(node)", logger: logger)
    }
    await pool.close()
    await hotPool.close()
  }

  func stopBackground() async {
    let tasks = state.withLock { s -> [Task<Void, Never>] in
      s.closed = true
      defer { s.background = [] }
      return s.background
    }
    for task in tasks { task.cancel() }
    // Bounded: a listener stuck in a LISTEN its dead connection never answers must not hang close
    // (seen when the server died while the listener was reconnecting).
    for task in tasks { try? await withDeadline(.seconds(2), onTimeout: {}) { await task.value } }
    signals.wakeAll(.cancelled, close: true)
  }

  /// Stops the way a killed process does: no hand-back, the node row and the leases stay (tests).
  func abandon() async {
    await stopBackground()
    await pool.close()
    await hotPool.close()
  }

  // MARK: - Run ids and enqueue

  public func reserveRunIDs(count: Int) async throws -> Range<UInt64> {
    precondition(count > 0, "reserve at least one run id")
    let logger = self.logger
    let next = try await pool.withConnection("reserve run ids") { connection in
      let rows = try await connection.query(
        "UPDATE lanes_run_ids SET next = next + \(Int64(count)) RETURNING next", logger: logger)
      var next: Int64 = 0
      for try await value in rows.decode(Int64.self) { next = value }
      return next
    }
    let end = UInt64(next)
    return (end - UInt64(count))..<end
  }

  /// The most finishes and starts waiting for their commit before `claim` waits for them.
  static let finishBacklogLimit = 256

  /// Rows per INSERT statement (10 parameters each, under PostgreSQL's 65535).
  static let enqueueChunk = 1000

  public func enqueue(_ steps: [NewStoredStep]) async throws {
    guard !steps.isEmpty else { return }
    let shapes = state.withLock { $0.shapes }
    for step in steps {
      guard shapes[step.workflow]?.order[step.step] != nil else {
        throw StoreError(
          .other,
          "\(url): cannot enqueue step '\(step.step)' of workflow '\(step.workflow)': it is not a background step of the workflows this store was opened with"
        )
      }
    }
    let logger = self.logger
    let node = nodeID
    var start = 0
    // One statement (one commit) per chunk: inserts, the queues' accepted totals, and one
    // notification per queue that got claimable rows (PostgreSQL also folds duplicate
    // notifications of one transaction).
    while start < steps.count {
      let chunk = Array(steps[start..<min(steps.count, start + Self.enqueueChunk)])
      start += chunk.count
      var binds = PostgresBindings(capacity: chunk.count * 10 + 1)
      var values: [String] = []
      values.reserveCapacity(chunk.count)
      binds.append(node)
      var n = 2
      for step in chunk {
        let shape = shapes[step.workflow]!
        values.append(
          "($\(n), $\(n + 1), $\(n + 2), $\(n + 3), $\(n + 4), $\(n + 5), $\(n + 6), $\(n + 7), $\(n + 8)::text[], $\(n + 9)::text[])"
        )
        n += 10
        binds.append(Int64(bitPattern: step.runID))
        binds.append(step.workflow)
        binds.append(step.step)
        binds.append(step.queue)
        binds.append(step.pendingDependencies > 0 ? "waiting" : "queued")
        binds.append(Int64(step.pendingDependencies))
        binds.append(Int64(shape.maxAttempts[step.step] ?? 1))
        binds.append(step.data.input.text)
        binds.append(step.data.dependencyOutputs.map(\.id))
        binds.append(step.data.dependencyOutputs.map(\.output.text))
      }
      let sql = """
        WITH ins AS (
          INSERT INTO lanes_steps (run_id, workflow, step, queue, state, pending, max_attempts, input,
            dep_ids, dep_outputs)
          VALUES \(values.joined(separator: ", "))
          RETURNING queue, state
        ),
        counted AS (SELECT queue, count(*) AS n FROM ins GROUP BY queue ORDER BY queue),
        totals AS (
          INSERT INTO lanes_totals (queue, node, accepted) SELECT queue, $1, n FROM counted ORDER BY queue
          ON CONFLICT (queue, node) DO UPDATE SET accepted = lanes_totals.accepted + EXCLUDED.accepted
        )
        SELECT pg_notify('lanes_work', queue) FROM (SELECT DISTINCT queue FROM ins WHERE state = 'queued') q
        """
      let query = PostgresQuery(unsafeSQL: sql, binds: binds)
      try await pool.withConnection("enqueue steps") { connection in
        let rows = try await connection.query(query, logger: logger)
        for try await _ in rows {}
      }
    }
  }

  // MARK: - Claim, finish, extend

  /// Claims up to `limit` steps in one commit. With `claimAhead` above 0 they become `claimed`
  /// (leased to this node, attempt not counted: `started` counts it); with 0, `running` with the
  /// attempt counted here.
  public func claim(queue: String, limit: Int) async throws -> [ClaimedStep] {
    guard limit > 0 else { return [] }
    let ahead = claimAhead > 0
    // Back-pressure: a worker is free again before its finish commits, so while finishes queue up
    // (a slow or just-restarted database) claiming more would only pile up leased rows whose
    // leases run out before their finishes land. Claim again once the backlog is down.
    while finishes.backlog >= Self.finishBacklogLimit, !Task.isCancelled {
      try? await Task.sleep(for: .milliseconds(1))
    }
    let logger = self.logger
    let node = nodeID
    let lease = leaseSeconds
    // Only the (workflow, step) pairs this node runs: others wait for a node that knows them.
    let known = state.withLock { $0.known[queue] } ?? ([], [])
    let (workflows, steps) = known
    // The CTE is MATERIALIZED: an optimisation fence, so the planner cannot turn the LIMIT'ed,
    // locked selection into a join that updates more rows than asked (Oban's lesson).
    let rows = try await hotPool.withConnection("claim steps") { connection in
      let rows = try await connection.query(
        """
        WITH picked AS MATERIALIZED (
          SELECT id FROM lanes_steps
          WHERE queue = \(queue) AND state IN ('queued', 'retrying') AND run_at <= now()
            AND (workflow, step) IN (SELECT * FROM unnest(\(workflows)::text[], \(steps)::text[]))
            AND NOT EXISTS (SELECT 1 FROM lanes_queues q WHERE q.queue = \(queue) AND q.paused)
          ORDER BY run_at, id
          LIMIT \(Int64(limit))
          FOR UPDATE SKIP LOCKED
        )
        UPDATE lanes_steps s SET state = CASE WHEN \(ahead) THEN 'claimed' ELSE 'running' END,
          attempt = s.attempt + CASE WHEN \(ahead) THEN 0 ELSE 1 END, lease_owner = \(node),
          lease_until = now() + \(lease) * interval '1 second'
        FROM picked WHERE s.id = picked.id
        RETURNING s.id, s.attempt + CASE WHEN \(ahead) THEN 1 ELSE 0 END, s.run_id, s.workflow, s.step, s.input, s.dep_ids, s.dep_outputs,
          (floor(extract(epoch FROM s.run_at) * 1000000))::int8 * 1000
        """, logger: logger)
      var claimed: [(Int64, Int64, Int64, String, String, String, [String], [String], Int64)] = []
      for try await row in rows.decode(
        (Int64, Int64, Int64, String, String, String, [String], [String], Int64).self)
      {
        claimed.append(row)
      }
      return claimed
    }
    let shapes = state.withLock { $0.shapes }
    var result: [ClaimedStep] = []
    result.reserveCapacity(rows.count)
    var infos: [(Int64, ClaimInfo)] = []
    // Oldest first, as picked (RETURNING keeps no order): the workers take them in this order.
    let ordered = rows.sorted { ($0.8, $0.0) < ($1.8, $1.0) }
    for (id, attempt, runID, workflow, step, input, depIDs, depOutputs, readyNs) in ordered {
      let data: StepInput
      do {
        data = try Self.stepInput(
          input: input, ids: depIDs, outputs: depOutputs, order: shapes[workflow]?.order ?? [:])
      } catch {
        throw StoreError(
          .notAStore, "\(url): step row \(id) holds data that is not JSON (\(error)): the store is damaged")
      }
      result.append(
        ClaimedStep(
          claim: StepClaim(id: id, attempt: Int(attempt)), runID: UInt64(bitPattern: runID),
          workflow: workflow, step: step, data: data, readySinceNs: readyNs))
      infos.append(
        (id, ClaimInfo(runID: UInt64(bitPattern: runID), workflow: workflow, step: step, queue: queue)))
    }
    state.withLock { s in
      for (id, info) in infos { s.claims[id] = info }
    }
    return result
  }

  /// The data a step sees: dependency outputs known at insertion first, in their order, then the
  /// background dependencies' outputs added as they succeeded, in workflow order.
  static func stepInput(
    input: String, ids: [String], outputs: [String], order: [String: Int]
  ) throws -> StepInput {
    var entries: [(key: Int, index: Int, DependencyOutput)] = []
    for (index, (id, output)) in zip(ids, outputs).enumerated() {
      entries.append((order[id] ?? -1, index, DependencyOutput(id: id, output: try Payload(json: output))))
    }
    entries.sort { ($0.key, $0.index) < ($1.key, $1.index) }
    return StepInput(input: try Payload(json: input), dependencyOutputs: entries.map(\.2))
  }

  /// Counts the attempts of claimed steps about to begin, in the next group commit (one
  /// statement with the other starts and successes waiting); returns the claims no longer this
  /// node's.
  public func started(_ claims: [StepClaim]) async throws -> [StepClaim] {
    guard !claims.isEmpty else { return [] }
    let applied = try await finishes.submit(claims.map { .start(id: $0.id, attempt: Int64($0.attempt)) })
    return zip(claims, applied).filter { !$0.1 }.map(\.0)
  }

  /// Hands the starts to the next group commit and returns at once (`startsWithoutCommit`): the
  /// step runs while its start commits. A claim lost meanwhile is not reported; its finish is
  /// refused by the fence (counted stale).
  public func startedWithoutWaiting(_ claims: [StepClaim]) async throws -> [StepClaim] {
    guard startsWithoutCommit else { return try await started(claims) }
    finishes.post(claims.map { .start(id: $0.id, attempt: Int64($0.attempt)) })
    return []
  }

  /// The finish and the next starts in one transaction of the group commit: both or neither.
  public func finish(_ claim: StepClaim, _ ending: StepEnding, thenStart next: [StepClaim]) async throws -> (
    fresh: Bool, lost: [StepClaim]
  ) {
    let starts = next.map { GroupCommit.Work.start(id: $0.id, attempt: Int64($0.attempt)) }
    guard let work = try await finishWork(claim, ending) else {
      return (false, try await started(next))
    }
    let applied = try await finishes.submit([work] + starts)
    return (applied[0], zip(next, applied.dropFirst()).filter { !$0.1 }.map(\.0))
  }

  public func finish(_ claim: StepClaim, _ ending: StepEnding) async throws -> Bool {
    guard let work = try await finishWork(claim, ending) else { return false }
    return try await finishes.submit(work)
  }

  /// The group commit's work that ends `claim` with `ending`, or nil when the claim is known
  /// stale already (reported by `extendLeases`, or its row is gone).
  func finishWork(_ claim: StepClaim, _ ending: StepEnding) async throws(StoreError) -> GroupCommit.Work? {
    let known = state.withLock { $0.claims.removeValue(forKey: claim.id) }
    var info: ClaimInfo
    if let known {
      if known.reportedStale { return nil }
      info = known
    } else if let looked = try await lookUp(claim.id) {
      info = looked
    } else {
      // Not this node's claim and the row is gone: stale, with no queue to count it against.
      return nil
    }
    let shape = state.withLock { $0.shapes[info.workflow] } ?? WorkflowShape()
    let node = nodeID
    let id = claim.id
    let attempt = Int64(claim.attempt)
    let queue = info.queue
    // A success with no dependents waiting folds with others like it into one statement.
    if case .succeeded(let output) = ending, (shape.allDependents[info.step] ?? []).isEmpty {
      return .success(id: id, attempt: attempt, queue: queue, output: output.text)
    }
    // A claimed row's claim is for its next attempt (a finish without `started` counts it).
    let fence = "id = $1 AND " + GroupCommit.fence("lanes_steps", attempt: "$2", node: "$3")
    var binds = PostgresBindings()
    binds.append(id)
    binds.append(attempt)
    binds.append(node)
    binds.append(queue)
    let sql: String
    switch ending {
    case .succeeded(let output):
      binds.append(output.text)
      binds.append(shape.directDependents[info.step] ?? [])
      binds.append(shape.allDependents[info.step] ?? [])
      sql = """
        WITH done AS (
          DELETE FROM lanes_steps WHERE \(fence)
          RETURNING id, run_id, workflow, step, queue, created_at
        ),
        history AS (
          INSERT INTO lanes_history (id, run_id, workflow, step, queue, state, attempts, output, created_at)
          SELECT id, run_id, workflow, step, queue, 'succeeded', $2, $5, created_at FROM done
        ),
        dependents AS (
          UPDATE lanes_steps s SET
            dep_ids = s.dep_ids || done.step,
            dep_outputs = s.dep_outputs || $5::text,
            pending = s.pending - CASE WHEN s.step = ANY($6::text[]) THEN 1 ELSE 0 END,
            state = CASE WHEN s.step = ANY($6::text[]) AND s.pending = 1 THEN 'queued' ELSE s.state END,
            run_at = CASE WHEN s.step = ANY($6::text[]) AND s.pending = 1 THEN now() ELSE s.run_at END
          FROM done
          WHERE s.run_id = done.run_id AND s.state = 'waiting' AND s.step = ANY($7::text[])
          RETURNING s.queue, s.state
        ),
        totals AS (
          INSERT INTO lanes_totals (queue, node, succeeded, stale)
          SELECT $4, $3, n, 1 - n FROM (SELECT count(*) AS n FROM done) c
          ON CONFLICT (queue, node) DO UPDATE SET succeeded = lanes_totals.succeeded + EXCLUDED.succeeded,
            stale = lanes_totals.stale + EXCLUDED.stale
        ),
        woken AS (
          SELECT pg_notify('lanes_work', queue) FROM (SELECT DISTINCT queue FROM dependents WHERE state = 'queued') q
        )
        SELECT (SELECT count(*) FROM done), (SELECT count(*) FROM woken)
        """
    case .retry(let error, let delay):
      binds.append(error)
      binds.append(delay.seconds)
      sql = """
        WITH done AS (
          UPDATE lanes_steps SET state = 'retrying', attempt = $2, error = $5, lease_owner = NULL,
            lease_until = NULL,
            run_at = now() + $6 * interval '1 second'
          WHERE \(fence)
          RETURNING queue
        ),
        totals AS (
          INSERT INTO lanes_totals (queue, node, retried, stale)
          SELECT $4, $3, n, 1 - n FROM (SELECT count(*) AS n FROM done) c
          ON CONFLICT (queue, node) DO UPDATE SET retried = lanes_totals.retried + EXCLUDED.retried,
            stale = lanes_totals.stale + EXCLUDED.stale
        ),
        woken AS (SELECT pg_notify('lanes_work', queue) FROM done)
        SELECT (SELECT count(*) FROM done), (SELECT count(*) FROM woken)
        """
    case .dead(let error):
      binds.append(error)
      binds.append(shape.allDependents[info.step] ?? [])
      sql = """
        WITH done AS (
          UPDATE lanes_steps SET state = 'dead', attempt = $2, error = $5, lease_owner = NULL,
            lease_until = NULL, finished_at = now()
          WHERE \(fence)
          RETURNING run_id
        ),
        skipped AS (
          DELETE FROM lanes_steps s USING done
          WHERE s.run_id = done.run_id AND s.state = 'waiting' AND s.step = ANY($6::text[])
          RETURNING s.id, s.run_id, s.workflow, s.step, s.queue, s.attempt, s.created_at
        ),
        history AS (
          INSERT INTO lanes_history (id, run_id, workflow, step, queue, state, attempts, created_at)
          SELECT id, run_id, workflow, step, queue, 'skipped', attempt, created_at FROM skipped
        ),
        totals AS (
          INSERT INTO lanes_totals (queue, node, dead_lettered, stale)
          SELECT $4, $3, n, 1 - n FROM (SELECT count(*) AS n FROM done) c
          ON CONFLICT (queue, node) DO UPDATE SET dead_lettered = lanes_totals.dead_lettered + EXCLUDED.dead_lettered,
            stale = lanes_totals.stale + EXCLUDED.stale
        )
        SELECT (SELECT count(*) FROM done), 0::int8
        """
    case .handedBack:
      sql = """
        WITH done AS (
          UPDATE lanes_steps SET state = 'queued', attempt = $2 - 1, lease_owner = NULL,
            lease_until = NULL
          WHERE \(fence)
          RETURNING queue
        ),
        totals AS (
          INSERT INTO lanes_totals (queue, node, stale)
          SELECT $4, $3, 1 - n FROM (SELECT count(*) AS n FROM done) c
          ON CONFLICT (queue, node) DO UPDATE SET stale = lanes_totals.stale + EXCLUDED.stale
        ),
        woken AS (SELECT pg_notify('lanes_work', queue) FROM done)
        SELECT (SELECT count(*) FROM done), (SELECT count(*) FROM woken)
        """
    }
    return .query(PostgresQuery(unsafeSQL: sql, binds: binds))
  }

  /// A claim this node has no record of (a finish after a restart of the runtime, a test).
  func lookUp(_ id: Int64) async throws(StoreError) -> ClaimInfo? {
    let logger = self.logger
    return try await pool.withConnection("look up a step") { connection in
      let rows = try await connection.query(
        "SELECT run_id, workflow, step, queue FROM lanes_steps WHERE id = \(id)", logger: logger)
      var info: ClaimInfo?
      for try await (runID, workflow, step, queue) in rows.decode((Int64, String, String, String).self) {
        info = ClaimInfo(runID: UInt64(bitPattern: runID), workflow: workflow, step: step, queue: queue)
      }
      return info
    }
  }

  public func extendLeases(_ claims: [StepClaim]) async throws -> [StepClaim] {
    guard !claims.isEmpty else { return [] }
    let logger = self.logger
    let node = nodeID
    let lease = leaseSeconds
    let ids = claims.map(\.id)
    let attempts = claims.map { Int64($0.attempt) }
    let kept = try await pool.withConnection("extend leases") { connection in
      let rows = try await connection.query(
        """
        UPDATE lanes_steps s SET lease_until = now() + \(lease) * interval '1 second'
        FROM unnest(\(ids)::int8[], \(attempts)::int8[]) AS c(id, attempt)
        WHERE s.id = c.id AND s.lease_owner = \(node) AND s.state IN ('claimed', 'running')
          AND s.attempt + CASE WHEN s.state = 'claimed' THEN 1 ELSE 0 END = c.attempt
        RETURNING s.id, c.attempt
        """, logger: logger)
      var kept: Set<StepClaim> = []
      for try await (id, attempt) in rows.decode((Int64, Int64).self) {
        kept.insert(StepClaim(id: id, attempt: Int(attempt)))
      }
      return kept
    }
    let lost = claims.filter { !kept.contains($0) }
    guard !lost.isEmpty else { return [] }
    // Count each lost claim once, against its queue; a later `finish` of it is refused uncounted.
    let queues = state.withLock { s -> [String] in
      var queues: [String] = []
      for claim in lost {
        if var info = s.claims[claim.id], !info.reportedStale {
          info.reportedStale = true
          s.claims[claim.id] = info
          queues.append(info.queue)
        }
      }
      return queues
    }
    if !queues.isEmpty {
      try await pool.withConnection("count stale claims") { connection in
        try await connection.query(
          """
          INSERT INTO lanes_totals (queue, node, stale)
          SELECT queue, \(node), count(*) FROM unnest(\(queues)::text[]) AS q(queue) GROUP BY queue
          ON CONFLICT (queue, node) DO UPDATE SET stale = lanes_totals.stale + EXCLUDED.stale
          """, logger: logger)
      }
    }
    return lost
  }

  // MARK: - Rescue

  /// Returns expired leases (of any node) to their queues: a running step's with the attempt
  /// counted (a step whose attempts are used up becomes dead, "lease expired N times ...", and its
  /// dependents skipped); a claimed step whose start was never recorded (`returned`) with no
  /// attempt counted and its place in the queue kept, one more orphan (dead at `orphanLimit`: a
  /// step that kills its node before its start commits must not come back forever). Run by every
  /// node's maintenance task; public so a runtime or test can run it at once.
  @discardableResult
  public func rescueExpiredLeases() async throws -> (requeued: Int, returned: Int, deadLettered: Int) {
    let logger = self.logger
    let node = nodeID
    let shapes = state.withLock { $0.shapes }
    let orphanLimit = Int64(max(1, options.orphanLimit))
    return try await pool.withConnection("rescue expired leases") { connection in
      try await PostgresSchema.transaction(connection, logger: logger) {
        let rows = try await connection.query(
          """
          WITH expired AS MATERIALIZED (
            SELECT id, state = 'claimed' AS unstarted,
              CASE WHEN state = 'claimed' THEN orphans + 1 >= \(orphanLimit)
                ELSE attempt >= max_attempts END AS dies
            FROM lanes_steps
            WHERE state IN ('claimed', 'running') AND lease_until < now()
            ORDER BY lease_until LIMIT 1000 FOR UPDATE SKIP LOCKED
          )
          UPDATE lanes_steps s SET
            lease_expiries = s.lease_expiries + CASE WHEN expired.unstarted THEN 0 ELSE 1 END,
            orphans = s.orphans + CASE WHEN expired.unstarted THEN 1 ELSE 0 END,
            state = CASE WHEN expired.dies THEN 'dead' ELSE 'queued' END,
            error = CASE
              WHEN expired.dies AND expired.unstarted
              THEN (s.orphans + 1) || ' nodes died or stalled holding this step claimed before its start was recorded (a step that kills its node?); not retried'
              WHEN expired.dies
              THEN 'lease expired ' || (s.lease_expiries + 1)
                || CASE WHEN s.lease_expiries = 0 THEN ' time' ELSE ' times' END
                || ' (the node died or stalled while it ran)'
              ELSE s.error END,
            finished_at = CASE WHEN expired.dies THEN now() ELSE NULL END,
            run_at = CASE WHEN expired.unstarted OR expired.dies THEN s.run_at ELSE now() END,
            lease_owner = NULL, lease_until = NULL
          FROM expired WHERE s.id = expired.id
          RETURNING s.run_id, s.workflow, s.step, s.queue,
            CASE WHEN expired.unstarted AND NOT expired.dies THEN 'returned' ELSE s.state END
          """, logger: logger)
        var requeued: [String: Int64] = [:]
        var returned: [String: Int64] = [:]
        var dead: [String: Int64] = [:]
        var skips: [(Int64, [String])] = []
        for try await (runID, workflow, step, queue, newState) in rows.decode(
          (Int64, String, String, String, String).self)
        {
          if newState == "dead" {
            dead[queue, default: 0] += 1
            if let dependents = shapes[workflow]?.allDependents[step], !dependents.isEmpty {
              skips.append((runID, dependents))
            }
          } else if newState == "returned" {
            returned[queue, default: 0] += 1
          } else {
            requeued[queue, default: 0] += 1
          }
        }
        for (runID, dependents) in skips {
          try await connection.query(
            """
            WITH skipped AS (
              DELETE FROM lanes_steps WHERE run_id = \(runID) AND state = 'waiting' AND step = ANY(\(dependents)::text[])
              RETURNING id, run_id, workflow, step, queue, attempt, created_at
            )
            INSERT INTO lanes_history (id, run_id, workflow, step, queue, state, attempts, created_at)
            SELECT id, run_id, workflow, step, queue, 'skipped', attempt, created_at FROM skipped
            """, logger: logger)
        }
        for (queue, count) in dead {
          try await connection.query(
            """
            INSERT INTO lanes_totals (queue, node, dead_lettered) VALUES (\(queue), \(node), \(count))
            ON CONFLICT (queue, node) DO UPDATE SET dead_lettered = lanes_totals.dead_lettered + EXCLUDED.dead_lettered
            """, logger: logger)
        }
        for queue in Set(requeued.keys).union(returned.keys) {
          try await connection.query("SELECT pg_notify('lanes_work', \(queue))", logger: logger)
        }
        return (
          Int(requeued.values.reduce(0, +)), Int(returned.values.reduce(0, +)), Int(dead.values.reduce(0, +))
        )
      }
    }
  }

  // MARK: - Control

  public func setPaused(queue: String, _ paused: Bool) async throws {
    let logger = self.logger
    try await pool.withConnection("pause or resume a queue") { connection in
      let rows = try await connection.query(
        """
        WITH q AS (
          INSERT INTO lanes_queues (queue, paused) VALUES (\(queue), \(paused))
          ON CONFLICT (queue) DO UPDATE SET paused = EXCLUDED.paused
          RETURNING queue, paused
        )
        SELECT pg_notify('lanes_work', queue) FROM q WHERE NOT paused
        """, logger: logger)
      for try await _ in rows {}
    }
  }

  public func redrive(queue: String) async throws -> Int {
    let logger = self.logger
    return try await pool.withConnection("redrive dead letters") { connection in
      let rows = try await connection.query(
        """
        WITH moved AS (
          UPDATE lanes_steps SET state = 'queued', attempt = 0, lease_expiries = 0, orphans = 0, error = NULL,
            finished_at = NULL, run_at = now()
          WHERE queue = \(queue) AND state = 'dead'
          RETURNING 1
        ),
        woken AS (SELECT pg_notify('lanes_work', \(queue)) WHERE EXISTS (SELECT 1 FROM moved))
        SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM woken)
        """, logger: logger)
      var count = 0
      for try await (moved, _) in rows.decode((Int64, Int64).self) { count = Int(moved) }
      return count
    }
  }

  public func deleteDeadLetters(queue: String) async throws -> Int {
    let logger = self.logger
    return try await pool.withConnection("delete dead letters") { connection in
      let rows = try await connection.query(
        """
        WITH gone AS (DELETE FROM lanes_steps WHERE queue = \(queue) AND state = 'dead' RETURNING 1)
        SELECT count(*) FROM gone
        """, logger: logger)
      var count = 0
      for try await n in rows.decode(Int64.self) { count = Int(n) }
      return count
    }
  }

  public func deadLetters(queue: String, limit: Int) async throws -> [StoredDeadLetter] {
    let logger = self.logger
    return try await pool.withConnection("read dead letters") { connection in
      let rows = try await connection.query(
        """
        SELECT id, run_id, workflow, step, attempt, coalesce(error, ''),
          (floor(extract(epoch FROM coalesce(finished_at, now())) * 1000000))::int8 * 1000
        FROM lanes_steps WHERE queue = \(queue) AND state = 'dead'
        ORDER BY finished_at, id LIMIT \(Int64(max(0, limit)))
        """, logger: logger)
      var letters: [StoredDeadLetter] = []
      for try await (id, runID, workflow, step, attempts, error, diedNs) in rows.decode(
        (Int64, Int64, String, String, Int64, String, Int64).self)
      {
        letters.append(
          StoredDeadLetter(
            id: id, runID: UInt64(bitPattern: runID), workflow: workflow, step: step,
            attempts: Int(attempts), error: error, diedAtNs: diedNs))
      }
      return letters
    }
  }

  public func stats() async throws -> [String: StoredQueueStats] {
    let logger = self.logger
    let topologyQueues = state.withLock { s in Set(s.shapes.values.flatMap { $0.queue.values }) }
    var result: [String: StoredQueueStats] = [:]
    for queue in topologyQueues { result[queue] = StoredQueueStats() }
    let (byState, totals, paused) = try await pool.withConnection("read queue stats") { connection in
      let stateRows = try await connection.query(
        """
        SELECT queue,
          count(*) FILTER (WHERE state = 'waiting'), count(*) FILTER (WHERE state IN ('queued', 'claimed')),
          count(*) FILTER (WHERE state = 'running'), count(*) FILTER (WHERE state = 'retrying'),
          count(*) FILTER (WHERE state = 'dead'),
          coalesce((floor(extract(epoch FROM now() - min(run_at) FILTER (
            WHERE state IN ('queued', 'claimed') OR (state = 'retrying' AND run_at <= now()))) * 1000000))::int8 * 1000, 0)
        FROM lanes_steps GROUP BY queue
        """, logger: logger)
      var byState: [(String, Int64, Int64, Int64, Int64, Int64, Int64)] = []
      for try await row in stateRows.decode((String, Int64, Int64, Int64, Int64, Int64, Int64).self) {
        byState.append(row)
      }
      let totalRows = try await connection.query(
        """
        SELECT queue, sum(accepted)::int8, sum(succeeded)::int8, sum(retried)::int8,
          sum(dead_lettered)::int8, sum(stale)::int8
        FROM lanes_totals GROUP BY queue
        """, logger: logger)
      var totals: [(String, Int64, Int64, Int64, Int64, Int64)] = []
      for try await row in totalRows.decode((String, Int64, Int64, Int64, Int64, Int64).self) {
        totals.append(row)
      }
      let pausedRows = try await connection.query(
        "SELECT queue FROM lanes_queues WHERE paused", logger: logger)
      var paused: [String] = []
      for try await queue in pausedRows.decode(String.self) { paused.append(queue) }
      return (byState, totals, paused)
    }
    for (queue, waiting, queued, running, retrying, dead, oldest) in byState {
      var stats = result[queue] ?? StoredQueueStats()
      stats.waiting = Int(waiting)
      stats.queued = Int(queued)
      stats.running = Int(running)
      stats.retrying = Int(retrying)
      stats.dead = Int(dead)
      stats.oldestReadyAgeNs = max(0, oldest)
      result[queue] = stats
    }
    for (queue, accepted, succeeded, retried, deadLettered, stale) in totals {
      var stats = result[queue] ?? StoredQueueStats()
      stats.accepted = Int(accepted)
      stats.succeeded = Int(succeeded)
      stats.retried = Int(retried)
      stats.deadLettered = Int(deadLettered)
      stats.staleCompletions = Int(stale)
      result[queue] = stats
    }
    for queue in paused {
      var stats = result[queue] ?? StoredQueueStats()
      stats.paused = true
      result[queue] = stats
    }
    return result
  }

  /// The cluster's nodes (this one included), oldest first.
  public func nodes() async throws -> [StoredNode] {
    let logger = self.logger
    return try await pool.withConnection("read nodes") { connection in
      let rows = try await connection.query(
        """
        SELECT id::text, address, (floor(extract(epoch FROM started_at) * 1000000))::int8 * 1000,
          (floor(extract(epoch FROM now() - heartbeat_at) * 1000000))::int8 * 1000, workflows
        FROM lanes_nodes ORDER BY started_at, id
        """, logger: logger)
      var nodes: [StoredNode] = []
      for try await (id, address, started, age, workflows) in rows.decode(
        (String, String?, Int64, Int64, String).self)
      {
        nodes.append(
          StoredNode(
            id: id, address: address, startedAtNs: started, heartbeatAgeNs: max(0, age),
            workflows: workflows))
      }
      return nodes
    }
  }

  // MARK: - Waiting for work

  public func waitForWork(queue: String, timeout: Duration) async {
    _ = await waitForWorkReason(queue: queue, timeout: timeout)
  }

  /// `waitForWork`, saying why it returned (what tests and the dashboard's pick-up figures use).
  public func waitForWorkReason(queue: String, timeout: Duration) async -> WakeReason {
    var limit = timeout
    // A retry falling due sends no notification: wait no longer than until the earliest one.
    if let due = try? await nextDue(queue: queue), due < limit { limit = max(due, .zero) }
    return await signals.wait(queue: queue, timeout: limit)
  }

  /// Time until `queue`'s earliest retry falls due, on the database's clock.
  func nextDue(queue: String) async throws(StoreError) -> Duration? {
    let logger = self.logger
    return try await pool.withConnection("read the next due time") { connection in
      let rows = try await connection.query(
        """
        SELECT (floor(extract(epoch FROM min(run_at) - now()) * 1000000))::int8
        FROM lanes_steps WHERE queue = \(queue) AND state = 'retrying'
        """, logger: logger)
      var micros: Int64?
      for try await value in rows.decode(Int64?.self) { micros = value }
      return micros.map { Duration.microseconds($0) }
    }
  }

  /// The backend pid of the listener connection while it is connected (tests terminate it).
  public var listenerBackendPID: Int32? { state.withLock { $0.listenerPID } }

  /// How many times the listener connected (1 after open; more after reconnects).
  public var listenerConnections: Int { state.withLock { $0.listenerConnects } }

  // MARK: - Background: listener and maintenance

  func startBackground() {
    var tasks: [Task<Void, Never>] = []
    if options.listen {
      tasks.append(Task { [self] in await listenLoop() })
    }
    tasks.append(Task { [self] in await maintenanceLoop() })
    state.withLock { $0.background = tasks }
  }

  func listenLoop() async {
    while !Task.isCancelled {
      var held: PostgresConnection?
      do {
        let connection = try await pool.connect()
        held = connection
        let rows = try await connection.query("SELECT pg_backend_pid()", logger: logger)
        var pid: Int32 = 0
        for try await value in rows.decode(Int32.self) { pid = value }
        try await connection.listen(on: Self.channel) { notifications in
          let again = state.withLock { s -> Bool in
            s.listenerPID = pid
            s.listenerConnects += 1
            return s.listenerConnects > 1
          }
          // Notifications sent while the listener was away are lost: let every waiter look.
          if again { signals.wakeAll(.reconnected) }
          for try await notification in notifications {
            signals.notify(queue: notification.payload)
          }
        }
      } catch {
        // Lost or refused: waiters fall back to their poll interval until the next connect.
      }
      state.withLock { $0.listenerPID = nil }
      // PostgresNIO requires a connection to be closed before it is released.
      if let held { try? await held.close() }
      try? await Task.sleep(for: options.listenerReconnectDelay)
    }
  }

  func maintenanceLoop() async {
    while !Task.isCancelled {
      try? await Task.sleep(for: maintenanceInterval)
      if Task.isCancelled { return }
      _ = try? await rescueExpiredLeases()
      try? await maintain()
      if let differences = try? await differences() { reportDifferences(differences) }
    }
  }

  /// Heartbeat, history retention, and folding totals of nodes gone into one row per queue.
  public func maintain() async throws {
    // A closed store has left the cluster (its row deleted): a late beat must not bring it back
    // as a ghost node the others list as lost for an hour.
    if state.withLock({ $0.closed }) { return }
    let logger = self.logger
    let node = nodeID
    let address = options.apiAddress
    let fingerprint = state.withLock { $0.fingerprint }
    let retention = options.historyRetention.seconds
    let stale = max(3600, leaseSeconds * 10)
    try await pool.withConnection("maintain the store") { connection in
      // A node removed by another (its heartbeat too old) comes back with its next beat.
      try await connection.query(
        """
        INSERT INTO lanes_nodes (id, address, workflows) VALUES (\(node), \(address), \(fingerprint))
        ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()
        """, logger: logger)
      try await connection.query(
        """
        DELETE FROM lanes_history WHERE id IN (
          SELECT id FROM lanes_history WHERE finished_at < now() - \(retention) * interval '1 second'
          LIMIT 10000)
        """, logger: logger)
      try await connection.query(
        "DELETE FROM lanes_nodes WHERE heartbeat_at < now() - \(stale) * interval '1 second'",
        logger: logger)
      try await PostgresSchema.transaction(connection, logger: logger) {
        try await connection.query(
          """
          WITH gone AS (
            DELETE FROM lanes_totals t
            WHERE t.node <> '00000000-0000-0000-0000-000000000000'
              AND NOT EXISTS (SELECT 1 FROM lanes_nodes n WHERE n.id = t.node)
            RETURNING t.*
          )
          INSERT INTO lanes_totals (queue, node, accepted, succeeded, retried, dead_lettered, stale)
          SELECT queue, '00000000-0000-0000-0000-000000000000', sum(accepted), sum(succeeded),
            sum(retried), sum(dead_lettered), sum(stale)
          FROM gone GROUP BY queue
          ON CONFLICT (queue, node) DO UPDATE SET
            accepted = lanes_totals.accepted + EXCLUDED.accepted,
            succeeded = lanes_totals.succeeded + EXCLUDED.succeeded,
            retried = lanes_totals.retried + EXCLUDED.retried,
            dead_lettered = lanes_totals.dead_lettered + EXCLUDED.dead_lettered,
            stale = lanes_totals.stale + EXCLUDED.stale
          """, logger: logger)
      }
    }
  }

  // MARK: - Topology

  static func shapes(of topology: StoreTopology) -> [String: WorkflowShape] {
    var shapes: [String: WorkflowShape] = [:]
    for (workflow, steps) in topology.workflows {
      var shape = WorkflowShape()
      for (index, step) in steps.enumerated() {
        shape.order[step.id] = index
        shape.queue[step.id] = step.queue
        shape.maxAttempts[step.id] = step.maxAttempts
        for dependency in step.dependencies {
          shape.directDependents[dependency, default: []].append(step.id)
        }
      }
      for step in steps {
        var seen: Set<String> = []
        var stack = shape.directDependents[step.id] ?? []
        while let next = stack.popLast() {
          if seen.insert(next).inserted { stack.append(contentsOf: shape.directDependents[next] ?? []) }
        }
        shape.allDependents[step.id] = steps.map(\.id).filter { seen.contains($0) }
      }
      shapes[workflow] = shape
    }
    return shapes
  }

  /// "checkout: charge(payments) email(mail, after charge); …", sorted: equal on nodes with the
  /// same workflows.
  static func fingerprint(of topology: StoreTopology) -> String {
    topology.workflows.keys.sorted().map { workflow in
      let steps = topology.workflows[workflow]!.map { step in
        let after = step.dependencies.isEmpty ? "" : ", after \(step.dependencies.joined(separator: " "))"
        return "\(step.id)(\(step.queue)\(after))"
      }
      return "\(workflow): \(steps.joined(separator: " "))"
    }.joined(separator: "; ")
  }
}

extension Duration {
  var seconds: Double {
    let (s, attoseconds) = components
    return Double(s) + Double(attoseconds) / 1e18
  }

  var nanoseconds: Int64 {
    let (s, attoseconds) = components
    return s * 1_000_000_000 + attoseconds / 1_000_000_000
  }
}
