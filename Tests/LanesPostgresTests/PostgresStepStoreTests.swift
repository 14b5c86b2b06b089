import ExecutionCore
import Foundation
import LanesTestSupport
import Synchronization
import Testing

@testable import LanesPostgres

/// The workflow the tests use: a → b → c, and a → d, all background, on queue "q"; and "solo"
/// with one step on queue "other".
func testTopology(maxAttempts: Int = 3) -> StoreTopology {
  StoreTopology(
    workflows: [
      "chain": [
        StoreTopology.Step(id: "a", queue: "q", maxAttempts: maxAttempts, dependencies: ["start"]),
        StoreTopology.Step(id: "b", queue: "q", maxAttempts: maxAttempts, dependencies: ["a"]),
        StoreTopology.Step(id: "c", queue: "q", maxAttempts: maxAttempts, dependencies: ["b"]),
        StoreTopology.Step(id: "d", queue: "q", maxAttempts: maxAttempts, dependencies: ["a"]),
      ],
      "solo": [StoreTopology.Step(id: "only", queue: "other", maxAttempts: maxAttempts, dependencies: [])],
    ],
    queues: ["q", "other"])
}

/// Options with the tests' deadlines (see `openStore`).
func patientOptions() -> PostgresStoreOptions {
  var options = PostgresStoreOptions()
  options.operationTimeout = .seconds(60)
  options.connectTimeout = .seconds(30)
  return options
}

/// A store on `url` whose maintenance (rescue) runs only when a test asks, unless told otherwise.
func openStore(
  _ url: String, lease: Duration = .seconds(30), topology: StoreTopology = testTopology(),
  configure: (inout PostgresStoreOptions) -> Void = { _ in }
) async throws -> PostgresStepStore {
  var options = PostgresStoreOptions()
  options.lease = lease
  options.maintenanceInterval = .seconds(3600)
  // Generous: the whole test run shares two cores and blocks cooperative threads at times, and a
  // stopped server is refused at once anyway (what the lost-database test relies on).
  options.operationTimeout = .seconds(60)
  options.connectTimeout = .seconds(30)
  configure(&options)
  let store = try PostgresStepStore(url: url, options: options)
  _ = try await store.open(topology)
  return store
}

/// Enqueues run `run` of "chain" (a queued with the blocking step's output, b, c, d waiting).
func enqueueChain(_ store: PostgresStepStore, run: UInt64) async throws {
  let known = StepInput(
    input: try Payload(json: #"{"order":\#(run)}"#),
    dependencyOutputs: [DependencyOutput(id: "start", output: .string("started"))])
  try await store.enqueue([
    NewStoredStep(runID: run, workflow: "chain", step: "a", queue: "q", pendingDependencies: 0, data: known),
    NewStoredStep(runID: run, workflow: "chain", step: "b", queue: "q", pendingDependencies: 1, data: known),
    NewStoredStep(runID: run, workflow: "chain", step: "c", queue: "q", pendingDependencies: 1, data: known),
    NewStoredStep(runID: run, workflow: "chain", step: "d", queue: "q", pendingDependencies: 1, data: known),
  ])
}

func enqueueSolo(_ store: PostgresStepStore, runs: Range<UInt64>) async throws {
  try await store.enqueue(
    runs.map {
      NewStoredStep(
        runID: $0, workflow: "solo", step: "only", queue: "other", pendingDependencies: 0, data: StepInput())
    })
}

/// What a store reported through `PostgresStoreOptions.report`.
final class Said: Sendable {
  let state = Mutex<[String]>([])
  var lines: [String] { state.withLock { $0 } }
  @Sendable func append(_ line: String) { state.withLock { $0.append(line) } }
}

/// Claims up to `limit` steps of `queue` and starts them (counts their attempts), as a worker
/// does before it runs a step.
func claimAndStart(_ store: PostgresStepStore, queue: String, limit: Int) async throws -> [ClaimedStep] {
  let claimed = try await store.claim(queue: queue, limit: limit)
  let lost = try await store.started(claimed.map(\.claim))
  #expect(lost.isEmpty, "a fresh claim could not start")
  return claimed
}

/// Waits until the database's own clock has passed every lease of `queue`'s claimed and running
/// rows.
func waitForLeasesToExpire(_ server: TestPostgres, database: String) async throws {
  let expired = await eventually(within: .seconds(30), every: .milliseconds(100)) {
    (try? server.psql(
      "SELECT count(*) FROM lanes_steps WHERE state IN ('claimed', 'running') AND lease_until >= now()",
      database: database))
      == "0"
  }
  #expect(expired, "leases never expired on the database's clock")
}

@Suite("PostgreSQL URL")
struct PostgresURLTests {
  @Test("parses both schemes, passwords, default port, IPv6, %-escapes")
  func parses() throws {
    let url = try PostgresURL(parsing: "postgres://lanes:s%40cret@db.example:6543/jobs")
    #expect(
      url == PostgresURL(user: "lanes", password: "s@cret", host: "db.example", port: 6543, database: "jobs"))
    #expect(url.description == "postgres://lanes@db.example:6543/jobs")
    let other = try PostgresURL(parsing: "postgresql://me@[::1]/db")
    #expect(other.host == "::1" && other.port == 5432 && other.password == nil)
    #expect(other.description == "postgres://me@[::1]:5432/db")
  }

  @Test(
    "bad URLs name the bad part and hide the password",
    arguments: [
      ("mysql://u@h/d", "scheme"), ("postgres://h:5432/d", "user"),
      ("postgres://u@h:99999/d", "port '99999'"),
      ("postgres://u@h:5432", "database is missing"), ("postgres://u@:5432/d", "host is empty"),
      ("postgres://u:pw@h/d?sslmode=require", "query parameters"), ("postgres://u@h/", "database name"),
    ])
  func rejects(text: String, part: String) {
    #expect {
      try PostgresURL(parsing: text)
    } throws: { error in
      let message = "\(error)"
      return message.contains(part) && !message.contains(":pw@")
        && message.contains("postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
    }
  }
}

@Suite("PostgreSQL store", .serialized, .enabled(if: TestPostgres.shouldRun, "PostgreSQL is not installed"))
struct PostgresStepStoreTests {
  @Test("creates the schema, migrates an older one keeping its rows, refuses a newer one and a foreign one")
  func schema() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("schema")
      // A version-1 store, as an older Lanes left it, with a row in it.
      let old = PostgresStepStore(url: try PostgresURL(parsing: url), options: patientOptions())
      _ = try await old.pool.withConnection("test") { connection in
        try await PostgresSchema.migrate(connection, url: old.url, logger: old.logger, upTo: 1)
      }
      await old.pool.close()
      #expect(
        try server.psql("SELECT value FROM lanes_meta WHERE key = 'schema_version'", database: "schema")
          == "1")
      #expect(try server.psql("SELECT to_regclass('lanes_nodes') IS NULL", database: "schema") == "t")
      try server.psql(
        """
        INSERT INTO lanes_steps (run_id, workflow, step, queue, state, pending, max_attempts, input, dep_ids, dep_outputs)
        VALUES (7, 'solo', 'only', 'other', 'queued', 0, 3, 'null', '{}', '{}')
        """, database: "schema")

      let store = try await openStore(url)
      #expect(
        try server.psql("SELECT value FROM lanes_meta WHERE key = 'schema_version'", database: "schema")
          == "\(PostgresSchema.latest)")
      #expect(try server.psql("SELECT count(*) FROM lanes_nodes", database: "schema") == "1")
      let claimed = try await store.claim(queue: "other", limit: 5)
      #expect(claimed.map(\.runID) == [7])
      await store.close()
      #expect(try server.psql("SELECT count(*) FROM lanes_nodes", database: "schema") == "0")

      try server.psql("UPDATE lanes_meta SET value = '99' WHERE key = 'schema_version'", database: "schema")
      await #expect {
        try await openStore(url)
      } throws: { error in
        (error as? StoreError)?.kind == .newerSchema && "\(error)".contains("version 99")
      }

      let foreign = try server.createDatabase("alien")
      try server.psql("CREATE TABLE lanes_meta (key text PRIMARY KEY, value text)", database: "alien")
      await #expect {
        try await openStore(foreign)
      } throws: { error in
        (error as? StoreError)?.kind == .notAStore && "\(error)".contains("not a Lanes store")
      }
    }
  }

  @Test("two nodes claiming at once never take the same step, and take all of them")
  func concurrentClaims() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("claims")
      let first = try await openStore(url)
      let second = try await openStore(url)
      #expect(first.nodeID != second.nodeID)
      try await enqueueSolo(first, runs: 1..<1001)
      let taken = try await withThrowingTaskGroup(of: [Int64].self) { group in
        for store in [first, second, first, second] {
          group.addTask {
            var ids: [Int64] = []
            while true {
              let claimed = try await store.claim(queue: "other", limit: 7)
              if claimed.isEmpty { return ids }
              for step in claimed {
                ids.append(step.claim.id)
                #expect(try await store.finish(step.claim, .succeeded(output: .null)))
              }
            }
          }
        }
        return try await group.reduce(into: [Int64]()) { $0 += $1 }
      }
      #expect(taken.count == 1000)
      #expect(Set(taken).count == 1000)
      let stats = try #require(try await second.stats()["other"])
      #expect(stats.accepted == 1000 && stats.succeeded == 1000 && stats.staleCompletions == 0)
      #expect(stats.queued == 0 && stats.running == 0)
      #expect(
        try server.psql("SELECT count(*) FROM lanes_history WHERE state = 'succeeded'", database: "claims")
          == "1000")
      #expect(try server.psql("SELECT count(*) FROM lanes_steps", database: "claims") == "0")
      await first.close()
      await second.close()
    }
  }

  @Test("fencing: a node whose lease expired cannot finish a step another node rescued and took")
  func fencing() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("fencing")
      let nodeA = try await openStore(url, lease: .seconds(1))
      let nodeB = try await openStore(url, lease: .seconds(30))
      try await enqueueSolo(nodeA, runs: 1..<2)
      let claimA = try #require(try await claimAndStart(nodeA, queue: "other", limit: 1).first)
      #expect(claimA.claim.attempt == 1)
      // Before expiry nobody can rescue it.
      #expect(try await nodeB.rescueExpiredLeases().requeued == 0)
      try await waitForLeasesToExpire(server, database: "fencing")
      #expect(try await nodeB.rescueExpiredLeases().requeued == 1)
      let claimB = try #require(try await claimAndStart(nodeB, queue: "other", limit: 1).first)
      #expect(claimB.claim.id == claimA.claim.id && claimB.claim.attempt == 2)
      // A cannot start it again either.
      #expect(try await nodeA.started([claimA.claim]) == [claimA.claim])
      // A wakes up and tries to complete: refused and counted, nothing changed.
      #expect(try await nodeA.finish(claimA.claim, .succeeded(output: .string("from A"))) == false)
      #expect(try await nodeA.finish(claimA.claim, .dead(error: "late")) == false)
      var stats = try #require(try await nodeB.stats()["other"])
      #expect(stats.staleCompletions == 2 && stats.running == 1 && stats.succeeded == 0)
      #expect(try await nodeB.finish(claimB.claim, .succeeded(output: .string("from B"))))
      stats = try #require(try await nodeA.stats()["other"])
      #expect(stats.succeeded == 1 && stats.deadLettered == 0 && stats.running == 0)
      #expect(
        try server.psql("SELECT output || ' ' || attempts FROM lanes_history", database: "fencing")
          == #""from B" 2"#)
      await nodeA.close()
      await nodeB.close()
    }
  }

  @Test("a lease lost to a rescue is reported by extendLeases and counted once, finish included")
  func lostLease() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("lostlease")
      let nodeA = try await openStore(url, lease: .seconds(1))
      let nodeB = try await openStore(url)
      try await enqueueSolo(nodeA, runs: 1..<2)
      let claim = try #require(try await claimAndStart(nodeA, queue: "other", limit: 1).first).claim
      #expect(try await nodeA.extendLeases([claim]).isEmpty)
      try await waitForLeasesToExpire(server, database: "lostlease")
      #expect(try await nodeB.rescueExpiredLeases().requeued == 1)
      #expect(try await nodeA.extendLeases([claim]) == [claim])
      #expect(try await nodeA.finish(claim, .succeeded(output: .null)) == false)
      let stats = try #require(try await nodeB.stats()["other"])
      #expect(stats.staleCompletions == 1 && stats.queued == 1 && stats.succeeded == 0)
      await nodeA.close()
      await nodeB.close()
    }
  }

  @Test("an extended lease is not rescued while its holder extends it")
  func extendedNotRescued() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("alive")
      let nodeA = try await openStore(url, lease: .seconds(2))
      let nodeB = try await openStore(url)
      try await enqueueSolo(nodeA, runs: 1..<2)
      // Claimed ahead (not started): its lease is extended too, as the runtime does for the steps
      // its feeder holds.
      let claim = try #require(try await nodeA.claim(queue: "other", limit: 1).first).claim
      let firstEnd = try server.psql("SELECT lease_until FROM lanes_steps", database: "alive")
      // Extend every half lease until the database's clock is a whole lease past the first end.
      var rounds = 0
      while try server.psql(
        "SELECT now() > '\(firstEnd)'::timestamptz + interval '2 seconds'", database: "alive") != "t"
      {
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await nodeA.extendLeases([claim]).isEmpty)
        let rescued = try await nodeB.rescueExpiredLeases()
        #expect(rescued.requeued == 0 && rescued.returned == 0)
        rounds += 1
      }
      #expect(rounds >= 2)
      #expect(try await nodeA.started([claim]).isEmpty)
      #expect(try await nodeA.finish(claim, .succeeded(output: .null)))
      await nodeA.close()
      await nodeB.close()
    }
  }

  @Test("a node whose own clock is ten minutes off holds leases exactly as long as the database says")
  func clockSkew() async throws {
    let faketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
    let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    try #require(
      FileManager.default.fileExists(atPath: faketime) || !inCI,
      "libfaketime is missing: apt-get install -y faketime (.ci/run does)")
    guard FileManager.default.fileExists(atPath: faketime) else { return }
    try await TestPostgres.with { server in
      let url = try server.createDatabase("skew")
      // The probe's workflow (a store dead-letters at open the steps its workflows lack).
      let bench = StoreTopology(
        workflows: [
          "bench": [StoreTopology.Step(id: "noop", queue: "bench", maxAttempts: 3, dependencies: [])]
        ],
        queues: ["bench"])
      let observer = try await openStore(url, topology: bench)
      try await observer.enqueue([
        NewStoredStep(
          runID: 1, workflow: "bench", step: "noop", queue: "bench", pendingDependencies: 0, data: StepInput()
        )
      ])
      // The node runs in its own process with its wall clock set back ten minutes (the monotonic
      // clock is left alone), driven through a FIFO so it needs no timer of its own.
      let fifo = server.folder.appendingPathComponent("commands").path
      #expect(mkfifo(fifo, 0o600) == 0)
      let node = try ChildProcess(
        ChildProcess.builtProduct("PostgresBench"), ["skew-probe", url, "2", fifo],
        environment: [
          "LD_PRELOAD": faketime, "FAKETIME": "-10m", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        ])
      defer { _ = node.wait(timeout: 30) }
      // The node opens its end once it opened the store (non-blocking tries: it may fail first).
      var descriptor: Int32 = -1
      let opened = await eventually(within: .seconds(60)) {
        descriptor = open(fifo, O_WRONLY | O_NONBLOCK)
        return descriptor >= 0 || !isRunning(node.pid)
      }
      try #require(opened && descriptor >= 0, "the node never opened its FIFO: \(node.errorSoFar)")
      _ = fcntl(descriptor, F_SETFL, 0)
      let commands = try #require(fdopen(descriptor, "w"), "cannot open the FIFO")
      defer { fclose(commands) }
      func send(_ command: String, expect reply: String) async -> Bool {
        let before = node.outputSoFar.components(separatedBy: reply).count
        fputs(command + "\n", commands)
        fflush(commands)
        return await eventually(within: .seconds(60)) {
          node.outputSoFar.components(separatedBy: reply).count > before || !isRunning(node.pid)
        }
      }
      #expect(await send("claim", expect: "claimed 1 1"), "\(node.outputSoFar) \(node.errorSoFar)")
      // Its clock really is off.
      let clockLine = node.outputSoFar.split(separator: "\n").first { $0.hasPrefix("clock ") }
      let nodeClock = Int64(clockLine?.dropFirst(6) ?? "") ?? 0
      #expect(abs(Int64(Date().timeIntervalSince1970) - nodeClock) > 500, "faketime had no effect")
      // The lease it took ends within the lease from the database's now, not ten minutes off.
      let remaining =
        Double(
          try server.psql("SELECT extract(epoch FROM lease_until - now()) FROM lanes_steps", database: "skew")
        )
        ?? -1
      #expect(remaining > 0 && remaining <= 2.0)
      // It extends every half lease until the database's clock is past the first end plus a whole
      // lease: nobody can rescue its step meanwhile, and then its finish applies.
      let firstEnd = try server.psql("SELECT lease_until FROM lanes_steps", database: "skew")
      var rounds = 0
      while try server.psql(
        "SELECT now() > '\(firstEnd)'::timestamptz + interval '2 seconds'", database: "skew") != "t"
      {
        try await Task.sleep(for: .milliseconds(500))
        #expect(await send("extend", expect: "extended lost=0"))
        #expect(try await observer.rescueExpiredLeases().requeued == 0)
        rounds += 1
      }
      #expect(rounds >= 2)
      #expect(!node.outputSoFar.contains("lost=1"))
      #expect(await send("finish", expect: "finished true"), "\(node.outputSoFar)")
      #expect(await send("exit", expect: "closed"))
      let stats = try #require(try await observer.stats()["bench"])
      #expect(stats.succeeded == 1 && stats.staleCompletions == 0)
      await observer.close()
    }
  }

  @Test("success queues dependents (with the outputs they see); death skips them, transitively")
  func dependents() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("deps")
      let store = try await openStore(url)
      try await enqueueChain(store, run: 1)
      var stats = try #require(try await store.stats()["q"])
      #expect(stats.queued == 1 && stats.waiting == 3)
      let a = try #require(try await store.claim(queue: "q", limit: 10).first)
      #expect(a.step == "a" && a.data.dependencyOutputs.map(\.id) == ["start"])
      #expect(a.data.input.text == #"{"order":1}"#)
      #expect(try await store.finish(a.claim, .succeeded(output: try Payload(json: #"{"paid": true}"#))))
      // Started: running (a claimed one still waits for a worker, and counts as queued).
      let next = try await claimAndStart(store, queue: "q", limit: 10)
      #expect(Set(next.map(\.step)) == ["b", "d"])
      let b = try #require(next.first { $0.step == "b" })
      #expect(b.data.dependencyOutputs.map(\.id) == ["start", "a"])
      #expect(b.data.dependencyOutputs.last?.output.text == #"{"paid":true}"#)
      #expect(try await store.finish(b.claim, .succeeded(output: .string("b done"))))
      let c = try #require(try await claimAndStart(store, queue: "q", limit: 10).first)
      #expect(c.step == "c" && c.data.dependencyOutputs.map(\.id) == ["start", "a", "b"])

      // Run 2: a dies, so b, c and d are skipped (b's dependent c too).
      try await enqueueChain(store, run: 2)
      let a2 = try #require(try await store.claim(queue: "q", limit: 1).first)
      #expect(a2.runID == 2)
      #expect(try await store.finish(a2.claim, .dead(error: "card declined")))
      stats = try #require(try await store.stats()["q"])
      #expect(stats.dead == 1 && stats.waiting == 0 && stats.queued == 0 && stats.deadLettered == 1)
      #expect(
        try server.psql(
          "SELECT string_agg(step, ',' ORDER BY step) FROM lanes_history WHERE run_id = 2 AND state = 'skipped'",
          database: "deps")
          == "b,c,d")
      await store.close()
    }
  }

  @Test("a retry is claimable only once due on the database's clock; the waiter wakes for it")
  func retry() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("retry")
      let store = try await openStore(url)
      try await enqueueSolo(store, runs: 1..<2)
      let first = try #require(try await claimAndStart(store, queue: "other", limit: 1).first)
      #expect(try await store.finish(first.claim, .retry(error: "flaky", delay: .seconds(2))))
      #expect(try await store.claim(queue: "other", limit: 1).isEmpty)
      #expect(
        try server.psql(
          "SELECT state || ' ' || (run_at > now() + interval '1 second') FROM lanes_steps", database: "retry")
          == "retrying true")
      // The waiter's limit is the due time, not the (long) poll timeout.
      let reason = await store.waitForWorkReason(queue: "other", timeout: .seconds(600))
      #expect(reason == .timeout || reason == .notified)
      let again = await eventually(within: .seconds(30), every: .milliseconds(100)) {
        (try? server.psql("SELECT run_at <= now() FROM lanes_steps", database: "retry")) == "t"
      }
      #expect(again)
      let second = try #require(try await claimAndStart(store, queue: "other", limit: 1).first)
      #expect(second.claim.attempt == 2)
      #expect(second.readySinceNs > 0)
      let stats = try #require(try await store.stats()["other"])
      #expect(stats.retried == 1 && stats.running == 1)
      await store.close()
    }
  }

  @Test("pause holds a queue for every node and survives a restart; resume wakes them")
  func pause() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("pause")
      let nodeA = try await openStore(url)
      let nodeB = try await openStore(url)
      try await enqueueSolo(nodeA, runs: 1..<4)
      try await nodeA.setPaused(queue: "other", true)
      #expect(try await nodeB.claim(queue: "other", limit: 10).isEmpty)
      #expect(try await nodeB.stats()["other"]?.paused == true)
      let nodeC = PostgresStepStore(url: try PostgresURL(parsing: url), options: patientOptions())
      let recovery = try await nodeC.open(testTopology())
      #expect(recovery.pausedQueues == ["other"] && recovery.queued == 3)
      await nodeC.close()
      try await nodeB.setPaused(queue: "other", false)
      #expect(try await nodeA.claim(queue: "other", limit: 10).count == 3)
      await nodeA.close()
      await nodeB.close()
    }
  }

  @Test("dead letters: listed oldest first, redriven with fresh attempts, deleted")
  func deadLetters() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("dead")
      let store = try await openStore(url)
      try await enqueueSolo(store, runs: 1..<3)
      for step in try await store.claim(queue: "other", limit: 2) {
        #expect(try await store.finish(step.claim, .dead(error: "boom \(step.runID)")))
      }
      let letters = try await store.deadLetters(queue: "other", limit: 10)
      #expect(letters.map(\.error).sorted() == ["boom 1", "boom 2"])
      #expect(letters.allSatisfy { $0.attempts == 1 && $0.diedAtNs > 0 })
      #expect(try await store.redrive(queue: "other") == 2)
      let again = try await store.claim(queue: "other", limit: 10)
      #expect(again.count == 2 && again.allSatisfy { $0.claim.attempt == 1 })
      for step in again { #expect(try await store.finish(step.claim, .dead(error: "again"))) }
      #expect(try await store.deleteDeadLetters(queue: "other") == 2)
      let stats = try #require(try await store.stats()["other"])
      #expect(stats.dead == 0 && stats.deadLettered == 4)
      await store.close()
    }
  }

  @Test("handed back: queued again with the attempt not counted; close hands back what is left")
  func handBack() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("handback")
      let nodeA = try await openStore(url)
      try await enqueueSolo(nodeA, runs: 1..<3)
      let claims = try await nodeA.claim(queue: "other", limit: 2)
      #expect(try await nodeA.finish(claims[0].claim, .handedBack))
      await nodeA.close()  // still holds claims[1]
      let nodeB = try await openStore(url)
      let again = try await nodeB.claim(queue: "other", limit: 10)
      #expect(again.count == 2 && again.allSatisfy { $0.claim.attempt == 1 })
      await nodeB.close()
    }
  }

  @Test(
    "nodes with different workflow sets (a rolling deploy): each claims only the steps it knows, none is dead-lettered for being unknown to one node, and the difference is said"
  )
  func differentWorkflowSets() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("rolling")
      // The old release knows only "solo"; the new one adds "chain" (on queue "q").
      let oldTopology = StoreTopology(
        workflows: [
          "solo": [StoreTopology.Step(id: "only", queue: "other", maxAttempts: 3, dependencies: [])]
        ],
        queues: ["q", "other"])
      let saidByOld = Said()
      let saidByNew = Said()
      let saidByLate = Said()
      let old = try await openStore(url, topology: oldTopology) { $0.report = saidByOld.append }
      #expect(saidByOld.lines.isEmpty, "a node alone has nothing to say: \(saidByOld.lines)")
      let new = try await openStore(url) { $0.report = saidByNew.append }
      let oldID = old.nodeID.uuidString.lowercased()
      #expect(saidByNew.lines.count == 1)
      #expect(
        saidByNew.lines.first?.contains("node \(oldID) runs a different workflow set (only here: chain)")
          == true,
        "\(saidByNew.lines)")
      try await enqueueChain(new, run: 1)
      try await enqueueSolo(new, runs: 2..<4)

      // The old node leaves "chain" alone and takes what it knows.
      #expect(try await old.claim(queue: "q", limit: 10).isEmpty)
      let oldClaims = try await old.claim(queue: "other", limit: 10)
      #expect(oldClaims.map(\.runID).sorted() == [2, 3])
      for step in oldClaims { #expect(try await old.finish(step.claim, .succeeded(output: .null))) }
      // A node of the old release opening now says what waits for the new one, and dead-letters
      // nothing; the old node says it once when its maintenance compares the nodes.
      let late = try await openStore(url, topology: oldTopology) { $0.report = saidByLate.append }
      #expect(
        saidByLate.lines.contains {
          $0.contains("1 step of workflow 'chain', step 'a', waits for a node that knows it")
        },
        "\(saidByLate.lines)")
      #expect(
        saidByLate.lines.contains {
          $0.contains(
            "node \(new.nodeID.uuidString.lowercased()) runs a different workflow set (only there: chain)")
        }, "\(saidByLate.lines)")
      #expect(try await late.claim(queue: "q", limit: 10).isEmpty)
      old.reportDifferences(try await old.differences())
      old.reportDifferences(try await old.differences())
      #expect(saidByOld.lines.filter { $0.contains("only there: chain") }.count == 1, "\(saidByOld.lines)")
      #expect(
        try server.psql("SELECT count(*) FROM lanes_steps WHERE state = 'dead'", database: "rolling") == "0")

      // The new node runs "chain" through to its end.
      let a = try #require(try await new.claim(queue: "q", limit: 10).first)
      #expect(a.step == "a")
      #expect(try await new.finish(a.claim, .succeeded(output: .null)))
      let next = try await new.claim(queue: "q", limit: 10)
      #expect(next.map(\.step).sorted() == ["b", "d"])
      await late.close()
      await old.close()
      await new.close()
    }
  }

  @Test("a dead node's claimed-ahead steps return with no attempt counted, its started one with it")
  func claimedAheadOfDeadNode() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("ahead")
      let rescuer = try await openStore(url, topology: testTopology(maxAttempts: 1))
      try await enqueueSolo(rescuer, runs: 1..<5)
      let dying = try await openStore(url, lease: .seconds(1), topology: testTopology(maxAttempts: 1))
      let claimed = try await dying.claim(queue: "other", limit: 4)
      #expect(claimed.map(\.runID) == [1, 2, 3, 4] && claimed.allSatisfy { $0.claim.attempt == 1 })
      // Claimed ahead: still waiting for a worker, as the stats say, with no attempt counted.
      var stats = try #require(try await rescuer.stats()["other"])
      #expect(stats.queued == 4 && stats.running == 0)
      #expect(try await dying.started([claimed[0].claim]).isEmpty)
      stats = try #require(try await rescuer.stats()["other"])
      #expect(stats.queued == 3 && stats.running == 1)
      #expect(
        try server.psql(
          "SELECT string_agg(state || ' ' || attempt, ',' ORDER BY run_id) FROM lanes_steps",
          database: "ahead")
          == "running 1,claimed 0,claimed 0,claimed 0")
      await dying.abandon()  // killed: no hand-back, the leases stay
      try await waitForLeasesToExpire(server, database: "ahead")
      let rescued = try await rescuer.rescueExpiredLeases()
      // The started one used its only attempt: dead. The others never ran: queued, uncounted.
      #expect(rescued.requeued == 0 && rescued.returned == 3 && rescued.deadLettered == 1)
      #expect(
        try server.psql(
          "SELECT string_agg(state || ' ' || attempt || ' ' || lease_expiries, ',' ORDER BY run_id) FROM lanes_steps",
          database: "ahead")
          == "dead 1 1,queued 0 0,queued 0 0,queued 0 0")
      // Taken again, oldest first, each as its first attempt.
      let again = try await claimAndStart(rescuer, queue: "other", limit: 10)
      #expect(again.map(\.runID) == [2, 3, 4] && again.allSatisfy { $0.claim.attempt == 1 })
      for step in again { #expect(try await rescuer.finish(step.claim, .succeeded(output: .null))) }
      stats = try #require(try await rescuer.stats()["other"])
      #expect(stats.succeeded == 3 && stats.deadLettered == 1 && stats.staleCompletions == 0)
      await rescuer.close()
    }
  }

  @Test("a node reopened after a crash counts claimed-ahead steps apart from running ones")
  func recoveryCountsClaimedAhead() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("recovery")
      let dying = try await openStore(url, lease: .seconds(1))
      try await enqueueSolo(dying, runs: 1..<4)
      let claimed = try await dying.claim(queue: "other", limit: 3)
      #expect(try await dying.started([claimed[0].claim]).isEmpty)
      await dying.abandon()
      try await waitForLeasesToExpire(server, database: "recovery")
      let node = PostgresStepStore(url: try PostgresURL(parsing: url), options: patientOptions())
      let recovery = try await node.open(testTopology())
      #expect(recovery.running == 1 && recovery.claimedAhead == 2 && recovery.queued == 0)
      let again = try await claimAndStart(node, queue: "other", limit: 10)
      #expect(again.map(\.claim.attempt).sorted() == [1, 1, 2])
      await node.close()
    }
  }

  @Test("finish then start: one commit; a start of a claim taken by another node is refused")
  func finishThenStart() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("thenstart")
      let nodeA = try await openStore(url, lease: .seconds(1))
      let nodeB = try await openStore(url)
      try await enqueueSolo(nodeA, runs: 1..<4)
      let steps = try await nodeA.claim(queue: "other", limit: 3)
      #expect(try await nodeA.started([steps[0].claim]).isEmpty)
      // Starting twice is harmless (a retried call after a lost answer).
      #expect(try await nodeA.started([steps[0].claim]).isEmpty)
      let (fresh, lost) = try await nodeA.finish(
        steps[0].claim, .succeeded(output: .null), thenStart: [steps[1].claim])
      #expect(fresh && lost.isEmpty)
      #expect(
        try server.psql(
          "SELECT string_agg(state || ' ' || attempt, ',' ORDER BY run_id) FROM lanes_steps",
          database: "thenstart") == "running 1,claimed 0")
      // Step 3's lease runs out before it starts; another node takes it (and step 2's once
      // that one's lease, renewed at its start, runs out too).
      try await waitForLeasesToExpire(server, database: "thenstart")
      let rescued = try await nodeB.rescueExpiredLeases()
      #expect(rescued.requeued == 1 && rescued.returned == 1)
      let taken = try await claimAndStart(nodeB, queue: "other", limit: 10)
      #expect(Set(taken.map(\.runID)) == [2, 3])
      let (late, refused) = try await nodeA.finish(
        steps[1].claim, .succeeded(output: .null), thenStart: [steps[2].claim])
      #expect(!late && refused == [steps[2].claim])
      let stats = try #require(try await nodeB.stats()["other"])
      #expect(stats.succeeded == 1 && stats.staleCompletions == 1 && stats.running == 2)
      await nodeA.close()
      await nodeB.close()
    }
  }

  @Test("starts not waited for: a start and the success after it in one batch count once; power mode waits")
  func startsWithoutWaiting() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("nowait")
      let node = try await openStore(url)
      #expect(node.startsWithoutCommit)
      try await enqueueSolo(node, runs: 1..<41)
      let claimed = try await node.claim(queue: "other", limit: 40)
      #expect(claimed.count == 40)
      // Each step starts without waiting and ends at once, as a no-op does: most starts and their
      // successes meet in one batch of the group commit (the start folds into the success).
      let fresh = try await withThrowingTaskGroup(of: Bool.self) { group in
        for step in claimed {
          #expect(try await node.startedWithoutWaiting([step.claim]).isEmpty)
          group.addTask { try await node.finish(step.claim, .succeeded(output: .null)) }
        }
        var all: [Bool] = []
        for try await one in group { all.append(one) }
        return all
      }
      #expect(fresh.count == 40 && fresh.allSatisfy { $0 })
      let stats = try #require(try await node.stats()["other"])
      #expect(stats.succeeded == 40 && stats.staleCompletions == 0 && stats.running == 0 && stats.queued == 0)
      #expect(
        try server.psql("SELECT count(*) || ' ' || max(attempts) FROM lanes_history", database: "nowait")
          == "40 1")
      await node.close()
      let power = try await openStore(url) { $0.durableStepCommits = true }
      #expect(!power.startsWithoutCommit)
      await power.close()
    }
  }

  @Test("two successes of one row in a batch (the row claimed again) delete it once: one success, one stale")
  func duplicateSuccessInABatch() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("twice")
      let node = try await openStore(url)
      try await enqueueSolo(node, runs: 1..<2)
      let step = try #require(try await node.claim(queue: "other", limit: 1).first)
      let success = GroupCommit.Work.success(
        id: step.claim.id, attempt: Int64(step.claim.attempt), queue: "other", output: "null")
      _ = try await node.finishes.submit([success, success])
      let stats = try #require(try await node.stats()["other"])
      #expect(stats.succeeded == 1 && stats.staleCompletions == 1)
      #expect(try server.psql("SELECT count(*) FROM lanes_history", database: "twice") == "1")
      await node.close()
    }
  }

  @Test(
    "a step whose nodes die before its start is recorded comes back uncounted, then dead at the orphan limit")
  func orphanLimit() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("orphans")
      let rescuer = try await openStore(url, topology: testTopology(maxAttempts: 1)) { $0.orphanLimit = 3 }
      try await enqueueSolo(rescuer, runs: 1..<2)
      for round in 1...3 {
        let dying = try await openStore(url, lease: .seconds(1), topology: testTopology(maxAttempts: 1))
        let step = try #require(try await dying.claim(queue: "other", limit: 1).first)
        #expect(step.claim.attempt == 1)
        // Killed while its start was still on the way: the row stays claimed.
        await dying.abandon()
        try await waitForLeasesToExpire(server, database: "orphans")
        let rescued = try await rescuer.rescueExpiredLeases()
        if round < 3 {
          #expect(rescued.returned == 1 && rescued.deadLettered == 0)
        } else {
          #expect(rescued.returned == 0 && rescued.deadLettered == 1)
        }
      }
      let letters = try await rescuer.deadLetters(queue: "other", limit: 10)
      #expect(letters.count == 1 && letters.first?.attempts == 0)
      #expect(letters.first?.error.contains("3 nodes died or stalled holding this step claimed") == true)
      // A redrive gives it a clean slate.
      #expect(try await rescuer.redrive(queue: "other") == 1)
      #expect(try server.psql("SELECT orphans FROM lanes_steps", database: "orphans") == "0")
      await rescuer.close()
    }
  }

  @Test("a step whose node died on every attempt ends dead with the reason, its dependents skipped")
  func poisonStep() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("poison")
      let rescuer = try await openStore(url, topology: testTopology(maxAttempts: 2))
      try await enqueueChain(rescuer, run: 1)
      for attempt in 1...2 {
        let dying = try await openStore(url, lease: .seconds(1), topology: testTopology(maxAttempts: 2))
        let step = try #require(try await claimAndStart(dying, queue: "q", limit: 1).first)
        #expect(step.claim.attempt == attempt)
        await dying.abandon()  // dies: no hand-back, the lease stays
        try await waitForLeasesToExpire(server, database: "poison")
        let rescued = try await rescuer.rescueExpiredLeases()
        #expect(rescued.requeued == (attempt == 1 ? 1 : 0) && rescued.deadLettered == (attempt == 2 ? 1 : 0))
      }
      let letter = try #require(try await rescuer.deadLetters(queue: "q", limit: 1).first)
      #expect(letter.error == "lease expired 2 times (the node died or stalled while it ran)")
      #expect(letter.attempts == 2)
      #expect(
        try server.psql("SELECT count(*) FROM lanes_history WHERE state = 'skipped'", database: "poison")
          == "3")
      await rescuer.close()
    }
  }

  @Test("a notification wakes a waiter; a terminated listener falls back to polling, then reconnects")
  func notifications() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("notify")
      let waiter = try await openStore(url) { $0.listenerReconnectDelay = .seconds(2) }
      let producer = try await openStore(url)
      #expect(await eventually { waiter.listenerBackendPID != nil })
      // The poll timeout is ten minutes: only the notification can end this wait soon.
      async let reason = waiter.waitForWorkReason(queue: "other", timeout: .seconds(600))
      try await Task.sleep(for: .milliseconds(100))
      try await enqueueSolo(producer, runs: 1..<2)
      #expect(await reason == .notified)
      #expect(try await waiter.claim(queue: "other", limit: 5).count == 1)

      // The database side drops the listener: pick-up falls back to the poll interval.
      let pid = try #require(waiter.listenerBackendPID)
      #expect(try server.psql("SELECT pg_terminate_backend(\(pid))", database: "notify") == "t")
      #expect(await eventually { waiter.listenerBackendPID == nil })
      try await enqueueSolo(producer, runs: 2..<3)
      let polled = await waiter.waitForWorkReason(queue: "other", timeout: .milliseconds(300))
      #expect(polled == .timeout || polled == .reconnected)
      #expect(try await waiter.claim(queue: "other", limit: 5).count == 1)

      // It reconnects by itself, and notifications wake waiters again.
      #expect(await eventually { waiter.listenerBackendPID != nil && waiter.listenerConnections == 2 })
      #expect(waiter.listenerBackendPID != pid)
      async let woken = waiter.waitForWorkReason(queue: "other", timeout: .seconds(600))
      try await Task.sleep(for: .milliseconds(100))
      try await enqueueSolo(producer, runs: 3..<4)
      #expect(await woken == .notified)
      await waiter.close()
      await producer.close()
    }
  }

  @Test("a lost database fails calls quickly with 'unavailable'; the store works again once it is back")
  func lostDatabase() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("lost")
      let store = try await openStore(url)
      try await enqueueSolo(store, runs: 1..<3)
      try server.kill()
      for _ in 0..<3 {
        await #expect {
          _ = try await store.claim(queue: "other", limit: 1)
        } throws: { error in
          (error as? StoreError)?.kind == .unavailable && "\(error)".contains("postgres://lanes@127.0.0.1")
        }
      }
      await #expect(throws: StoreError.self) { try await enqueueSolo(store, runs: 3..<4) }
      try server.start()
      // Back: the first calls may still meet connections the restart closed; then it works.
      var claimed: [ClaimedStep] = []
      for _ in 0..<100 where claimed.isEmpty {
        claimed = (try? await store.claim(queue: "other", limit: 5)) ?? []
        if claimed.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
      }
      #expect(claimed.count == 2)
      for step in claimed { #expect(try await store.finish(step.claim, .succeeded(output: .null))) }
      // The listener reconnects on its own (every 200 ms); beside the cluster suite on two cores a
      // connect has taken over 20 s, so the wait is generous.
      #expect(await eventually(within: .seconds(90)) { store.listenerBackendPID != nil })
      await store.close()
    }
  }

  @Test("a database that cannot be reached at open is a clear error")
  func unreachableAtOpen() async throws {
    let port = try TestPostgres.freePort()
    await #expect {
      try await openStore("postgres://lanes@127.0.0.1:\(port)/nowhere")
    } throws: { error in
      guard let error = error as? StoreError else { return false }
      return error.kind == .unavailable && error.message.contains("cannot reach the database")
        && error.message.contains("127.0.0.1:\(port)")
    }
  }
}
