import ExecutionCore
import Logging
import PostgresNIO

/// The store's tables, versioned: `lanes_meta` holds a marker (`store` = `lanes`) and the schema
/// version; each migration takes the schema one version up, all of them inside one transaction
/// under an advisory lock, so nodes starting together migrate once and never see half a schema.
enum PostgresSchema {
  /// The version this binary writes.
  static let latest = 5

  /// The advisory lock key migrations hold ('LANES' in ASCII).
  static let lockKey: Int64 = 0x4C_41_4E_45_53

  /// Statements of each version, in order (version n is `migrations[n - 1]`).
  static let migrations: [[String]] = [
    // 1: steps, queues, per-node totals, run ids.
    [
      "CREATE TABLE lanes_meta (key text PRIMARY KEY, value text NOT NULL)",
      "INSERT INTO lanes_meta (key, value) VALUES ('store', 'lanes')",
      // The hot table: rows that are not finished. States as in `StepStore`'s documentation:
      // waiting, queued, running, retrying, dead (succeeded and skipped rows move to history).
      """
      CREATE TABLE lanes_steps (
        id bigserial PRIMARY KEY,
        run_id bigint NOT NULL,
        workflow text NOT NULL,
        step text NOT NULL,
        queue text NOT NULL,
        state text NOT NULL CHECK (state IN ('waiting', 'queued', 'running', 'retrying', 'dead')),
        pending bigint NOT NULL,
        attempt bigint NOT NULL DEFAULT 0,
        max_attempts bigint NOT NULL,
        input text NOT NULL,
        dep_ids text[] NOT NULL,
        dep_outputs text[] NOT NULL,
        error text,
        lease_owner uuid,
        lease_until timestamptz,
        lease_expiries bigint NOT NULL DEFAULT 0,
        run_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (run_id, step)
      )
      """,
      // Claims read this one: only claimable rows, so it stays small whatever the dead letters.
      """
      CREATE INDEX lanes_steps_claimable ON lanes_steps (queue, run_at, id)
        WHERE state IN ('queued', 'retrying')
      """,
      "CREATE INDEX lanes_steps_leases ON lanes_steps (lease_until) WHERE state = 'running'",
      "CREATE INDEX lanes_steps_dead ON lanes_steps (queue, finished_at, id) WHERE state = 'dead'",
      "CREATE TABLE lanes_queues (queue text PRIMARY KEY, paused boolean NOT NULL DEFAULT false)",
      // Totals per queue and node: each node bumps its own rows, so nodes never wait on each
      // other's counter updates; rows of nodes gone are folded into the nil-UUID node.
      """
      CREATE TABLE lanes_totals (
        queue text NOT NULL,
        node uuid NOT NULL,
        accepted bigint NOT NULL DEFAULT 0,
        succeeded bigint NOT NULL DEFAULT 0,
        retried bigint NOT NULL DEFAULT 0,
        dead_lettered bigint NOT NULL DEFAULT 0,
        stale bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (queue, node)
      )
      """,
      "CREATE TABLE lanes_run_ids (one boolean PRIMARY KEY DEFAULT true CHECK (one), next bigint NOT NULL)",
      "INSERT INTO lanes_run_ids (next) VALUES (1)",
    ],
    // 2: the cluster's nodes, and history for finished rows (out of the hot table).
    [
      """
      CREATE TABLE lanes_nodes (
        id uuid PRIMARY KEY,
        address text,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        workflows text NOT NULL DEFAULT ''
      )
      """,
      """
      CREATE TABLE lanes_history (
        id bigint PRIMARY KEY,
        run_id bigint NOT NULL,
        workflow text NOT NULL,
        step text NOT NULL,
        queue text NOT NULL,
        state text NOT NULL CHECK (state IN ('succeeded', 'skipped')),
        attempts bigint NOT NULL,
        output text,
        created_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now()
      )
      """,
      "CREATE INDEX lanes_history_finished ON lanes_history (finished_at)",
      "CREATE INDEX lanes_history_run ON lanes_history (run_id)",
    ],
    // 3: each node's report, rewritten about once a second (PostgresStepStore+Cluster.swift):
    // the figures as columns a person can query, the critical-path buckets as compact text.
    [
      """
      ALTER TABLE lanes_nodes
        ADD COLUMN reported_at timestamptz,
        ADD COLUMN runs_per_second float8,
        ADD COLUMN busy_workers int8,
        ADD COLUMN workers int8,
        ADD COLUMN critical_p99_us int8,
        ADD COLUMN critical_path text
      """
    ],
    // 4: claiming ahead. A node claims more rows than it has free workers in one commit; such a
    // row is `claimed` (leased to the node, its attempt not counted yet) until a worker starts it
    // (`running`, attempt + 1). An expired `claimed` lease goes back to its queue uncounted.
    [
      "ALTER TABLE lanes_steps DROP CONSTRAINT lanes_steps_state_check",
      """
      ALTER TABLE lanes_steps ADD CONSTRAINT lanes_steps_state_check
        CHECK (state IN ('waiting', 'queued', 'claimed', 'running', 'retrying', 'dead'))
      """,
      "DROP INDEX lanes_steps_leases",
      "CREATE INDEX lanes_steps_leases ON lanes_steps (lease_until) WHERE state IN ('claimed', 'running')",
    ],
    // 5: starts not waited for. A worker may run a claimed step before its start commits, so a
    // node that dies in that round trip leaves it `claimed`: `orphans` counts such returns, and a
    // step returned `PostgresStoreOptions.orphanLimit` times is dead-lettered.
    [
      "ALTER TABLE lanes_steps ADD COLUMN orphans bigint NOT NULL DEFAULT 0"
    ],
  ]

  /// Creates or migrates the schema up to `target` (the latest unless a test says otherwise);
  /// returns the version found before. Throws `notAStore` for tables that are not a Lanes store's
  /// and `newerSchema` for a version above `latest`.
  @discardableResult
  static func migrate(
    _ connection: PostgresConnection, url: PostgresURL, logger: Logger, upTo target: Int = latest
  ) async throws -> Int {
    try await transaction(connection, logger: logger) {
      try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
      var found = 0
      let rows = try await connection.query(
        "SELECT to_regclass('lanes_meta') IS NOT NULL, to_regclass('lanes_steps') IS NOT NULL",
        logger: logger)
      var hasMeta = false
      var hasSteps = false
      for try await (meta, steps) in rows.decode((Bool, Bool).self) {
        hasMeta = meta
        hasSteps = steps
      }
      if hasMeta {
        var marker: String?
        var version: String?
        let metaRows = try await connection.query(
          "SELECT key, value FROM lanes_meta WHERE key IN ('store', 'schema_version')", logger: logger)
        for try await (key, value) in metaRows.decode((String, String).self) {
          if key == "store" { marker = value } else { version = value }
        }
        guard marker == "lanes" else {
          throw StoreError(
            .notAStore,
            "\(url): the table lanes_meta exists but is not a Lanes store's (no 'store' = 'lanes' row): use another database, or drop the lanes_* tables"
          )
        }
        guard let version, let number = Int(version) else {
          throw StoreError(
            .notAStore, "\(url): lanes_meta has no valid schema_version: the store is damaged")
        }
        found = number
      } else if hasSteps {
        throw StoreError(
          .notAStore,
          "\(url): a table lanes_steps exists without lanes_meta: not a Lanes store (or a damaged one); use another database"
        )
      }
      if found > latest {
        throw StoreError(
          .newerSchema,
          "\(url): the store's schema is version \(found), written by a newer Lanes; this one knows up to version \(latest): run the newer Lanes (or point at another database)"
        )
      }
      guard found < target else { return found }
      for version in (found + 1)...target {
        for statement in migrations[version - 1] {
          try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
      }
      try await connection.query(
        """
        INSERT INTO lanes_meta (key, value) VALUES ('schema_version', \(String(target)))
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
        """, logger: logger)
      return found
    }
  }

  /// Runs `body` between BEGIN and COMMIT; rolls back when it throws.
  @discardableResult
  static func transaction<T>(
    _ connection: PostgresConnection, logger: Logger, _ body: () async throws -> T
  ) async throws -> T {
    try await connection.query("BEGIN", logger: logger)
    do {
      let value = try await body()
      try await connection.query("COMMIT", logger: logger)
      return value
    } catch {
      _ = try? await connection.query("ROLLBACK", logger: logger)
      throw error
    }
  }
}
