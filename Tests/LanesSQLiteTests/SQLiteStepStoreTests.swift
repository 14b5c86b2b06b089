import ExecutionCore
import Foundation
import GRDB
import LanesTestSupport
import Testing

@testable import LanesSQLite

/// A fresh directory for one test's store files.
func scratchDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "lanes-sqlite-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Workflow `w`: `a` (3 attempts) → `b` (1 attempt), and `p` (1 attempt), all on queue `q`.
let storeTopology = StoreTopology(
  workflows: [
    "w": [
      .init(id: "a", queue: "q", maxAttempts: 3, dependencies: ["root"]),
      .init(id: "b", queue: "q", maxAttempts: 1, dependencies: ["a"]),
      .init(id: "p", queue: "q", maxAttempts: 1, dependencies: []),
    ]
  ], queues: ["q"])

func newStep(_ run: UInt64, _ step: String, pending: Int = 0, input: Payload = .null) -> NewStoredStep {
  NewStoredStep(
    runID: run, workflow: "w", step: step, queue: "q", pendingDependencies: pending,
    data: StepInput(input: input, dependencyOutputs: [DependencyOutput(id: "root", output: .null)]))
}

func expectStoreError(_ kind: StoreError.Kind, _ body: () async throws -> Void) async -> StoreError? {
  do {
    try await body()
    Issue.record("expected StoreError \(kind), got no error")
    return nil
  } catch let error as StoreError {
    #expect(error.kind == kind, "\(error)")
    return error
  } catch {
    Issue.record("expected StoreError \(kind), got \(error)")
    return nil
  }
}

@Suite("SQLite store: bad cases")
struct SQLiteBadCaseTests {
  /// A lock whose recorded holder is gone from this host is waited for (a child it was spawning
  /// may hold it until its exec); a live holder, another host's, or unreadable text is not.
  @Test func aGoneHolderIsToldFromALiveOne() throws {
    let host = SQLiteStepStore.hostName()
    let child = try ChildProcess(URL(fileURLWithPath: "/bin/true"), [])
    _ = child.wait(timeout: 30)
    #expect(SQLiteStepStore.holderIsGone("pid \(child.pid) on \(host)"))
    #expect(!SQLiteStepStore.holderIsGone("pid \(getpid()) on \(host)"))
    #expect(!SQLiteStepStore.holderIsGone("pid \(child.pid) on another-\(host)"))
    #expect(!SQLiteStepStore.holderIsGone("garbage"))
  }

  @Test func aSecondOpenerIsRefusedNamingTheHolder() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let first = SQLiteStepStore(path: path)
    _ = try await first.open(storeTopology)
    let error = await expectStoreError(.held) {
      _ = try await SQLiteStepStore(path: path).open(storeTopology)
    }
    #expect(error?.message.contains("pid \(getpid())") == true)
    await first.close()
    // Released on close: the next process may open it.
    let again = SQLiteStepStore(path: path)
    _ = try await again.open(storeTopology)
    await again.close()
  }

  @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAlone() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("notes.db").path
    let text = Data(String(repeating: "not a database, just notes\n", count: 200).utf8)
    try text.write(to: URL(fileURLWithPath: path))
    _ = await expectStoreError(.notAStore) { _ = try await SQLiteStepStore(path: path).open(storeTopology) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == text)
  }

  @Test func anotherSQLiteDatabaseIsRefusedAndLeftAlone() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("app.db").path
    let other = try DatabaseQueue(path: path)
    try await other.write {
      try $0.execute(sql: "CREATE TABLE users(id INTEGER); INSERT INTO users VALUES (7)")
    }
    try other.close()
    let error = await expectStoreError(.notAStore) {
      _ = try await SQLiteStepStore(path: path).open(storeTopology)
    }
    #expect(error?.message.contains("users") == true)
    let check = try DatabaseQueue(path: path)
    let tables = try await check.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master") }
    #expect(tables == ["users"])
  }

  @Test func aNewerSchemaIsRefused() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await store.open(storeTopology)
    await store.close()
    let raw = try DatabaseQueue(path: path)
    try await raw.write {
      try $0.execute(sql: "UPDATE lanes_meta SET value = '99' WHERE key = 'schema_version'")
    }
    try raw.close()
    let error = await expectStoreError(.newerSchema) {
      _ = try await SQLiteStepStore(path: path).open(storeTopology)
    }
    #expect(error?.message.contains("schema 99") == true)
  }

  @Test func aReadOnlyFileOrDirectoryIsRefused() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await store.open(storeTopology)
    await store.close()
    chmod(path, 0o444)
    _ = await expectStoreError(.readOnly) { _ = try await SQLiteStepStore(path: path).open(storeTopology) }
    chmod(path, 0o644)
    let locked = dir.appendingPathComponent("ro")
    try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
    chmod(locked.path, 0o555)
    defer { chmod(locked.path, 0o755) }
    _ = await expectStoreError(.readOnly) {
      _ = try await SQLiteStepStore(path: locked.appendingPathComponent("s.db").path).open(storeTopology)
    }
    #expect(!FileManager.default.fileExists(atPath: locked.appendingPathComponent("s.db").path))
  }

  @Test func aFullDiskIsAFullErrorAndKeepsWhatWasCommitted() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path, maxPageCount: 64)
    _ = try await store.open(storeTopology)
    try await store.enqueue([newStep(1, "p")])
    let big = Payload.filler(size: 8_000)
    var run: UInt64 = 2
    let error = await expectStoreError(.full) {
      while run < 1_000 {
        try await store.enqueue([newStep(run, "p", input: big)])
        run += 1
      }
    }
    #expect(error?.message.contains("disk is full") == true, "\(String(describing: error))")
    let counts = try await store.countByState()
    // Every acknowledged enqueue is there; the refused one is not.
    #expect(counts["queued"] == Int(run) - 1)
    await store.close()
  }
}

@Suite("SQLite store: states, recovery, fencing")
struct SQLiteRecoveryTests {
  @Test func claimRunsOldestFirstAndSuccessMovesDependentsWithOutputs() async throws {
    let dir = try scratchDirectory()
    let store = SQLiteStepStore(path: dir.appendingPathComponent("s.db").path)
    _ = try await store.open(storeTopology)
    try await store.enqueue([newStep(1, "a"), newStep(1, "b", pending: 1), newStep(2, "p")])
    let claimed = try await store.claim(queue: "q", limit: 10)
    #expect(claimed.map(\.step) == ["a", "p"])
    #expect(claimed[0].claim.attempt == 1)
    #expect(try await store.finish(claimed[0].claim, .succeeded(output: Payload(json: #"{"n":5}"#))))
    let next = try await store.claim(queue: "q", limit: 10)
    #expect(next.map(\.step) == ["b"])
    #expect(next.first?.data.dependencyOutputs.first { $0.id == "a" }?.output.text == #"{"n":5}"#)
    // Fencing: a finish for an attempt this node no longer holds changes nothing.
    #expect(try await store.finish(StepClaim(id: next[0].claim.id, attempt: 9), .dead(error: "x")) == false)
    #expect(try await store.finish(next[0].claim, .succeeded(output: .null)))
    let stats = try await store.stats()["q"]
    #expect(stats?.succeeded == 2)
    #expect(stats?.staleCompletions == 1)
    #expect(stats?.accepted == 3)
    await store.close()
  }

  @Test func aDeadStepSkipsItsDependents() async throws {
    let dir = try scratchDirectory()
    let store = SQLiteStepStore(path: dir.appendingPathComponent("s.db").path)
    _ = try await store.open(storeTopology)
    try await store.enqueue([newStep(1, "a"), newStep(1, "b", pending: 1)])
    let claimed = try await store.claim(queue: "q", limit: 1)
    #expect(try await store.finish(claimed[0].claim, .dead(error: "boom")))
    let counts = try await store.countByState()
    #expect(counts["dead"] == 1)
    #expect(counts["skipped"] == 1)
    let letters = try await store.deadLetters(queue: "q", limit: 10)
    #expect(letters.map(\.error) == ["boom"])
    await store.close()
  }

  @Test func everyStateIsRecoveredAfterTheProcessDies() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await store.open(storeTopology)
    // Run 1: a retrying (due in an hour), b waiting on it. Run 2: a running (attempt 1 of 3).
    // Run 3: p running on its only attempt (a poison step). Run 4: p dead. Run 5: a queued.
    // Run 6: a step the next topology no longer has.
    try await store.enqueue([newStep(1, "a"), newStep(1, "b", pending: 1)])
    let r1 = try await store.claim(queue: "q", limit: 1)
    #expect(try await store.finish(r1[0].claim, .retry(error: "flaky", delay: .seconds(3600))))
    try await store.enqueue([newStep(2, "a"), newStep(3, "p"), newStep(4, "p")])
    let running = try await store.claim(queue: "q", limit: 3)
    #expect(running.map(\.runID) == [2, 3, 4])
    #expect(try await store.started(running.map(\.claim)).isEmpty)
    #expect(try await store.finish(running[2].claim, .dead(error: "bad input")))
    try await store.enqueue([newStep(5, "a"), newStep(6, "b")])
    try await store.setPaused(queue: "q", true)
    store.abandonForTesting()

    var next = storeTopology
    next.workflows["w"]!.removeAll { $0.id == "b" }
    next.workflows["w"]!.append(.init(id: "b2", queue: "q", maxAttempts: 1, dependencies: []))
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(next)
    #expect(recovery.running == 1)  // run 2's a: back to queued, attempt kept
    #expect(recovery.queued == 1)  // run 5's a
    #expect(recovery.retrying == 1)
    #expect(recovery.dead == 1)  // run 4's p
    // Run 3's p (attempts used up by a dying process), runs 1's and 6's b (step gone).
    #expect(recovery.deadLetteredAtOpen == 3)
    #expect(recovery.pausedQueues == ["q"])
    #expect(recovery.totals["q"]?.accepted == 7)
    #expect(
      recovery.summary
        == "recovered 3 steps: 1 queued, 1 running, 1 waiting to retry, 1 dead letter, 3 dead-lettered at open"
    )
    let letters = try await reopened.deadLetters(queue: "q", limit: 10)
    #expect(
      letters.contains { $0.runID == 3 && $0.error == "the process died while this step ran (1 attempt)" })
    #expect(letters.contains { $0.runID == 6 && $0.error == "workflow 'w' no longer has step 'b'" })
    // Paused stays paused; resumed, the queue gives run 2's a first (it was oldest), attempt 2.
    #expect(try await reopened.claim(queue: "q", limit: 10).isEmpty)
    try await reopened.setPaused(queue: "q", false)
    let claimed = try await reopened.claim(queue: "q", limit: 10)
    #expect(claimed.map(\.runID) == [2, 5])
    #expect(claimed[0].claim.attempt == 2)
    // The retry keeps its due time: not claimable for an hour.
    #expect(try await reopened.stats()["q"]?.retrying == 1)
    await reopened.close()
  }

  @Test func redriveWorksAfterARestart() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await store.open(storeTopology)
    try await store.enqueue([newStep(1, "p")])
    let claimed = try await store.claim(queue: "q", limit: 1)
    #expect(try await store.finish(claimed[0].claim, .dead(error: "down")))
    await store.close()
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(storeTopology)
    #expect(recovery.dead == 1)
    #expect(try await reopened.redrive(queue: "q") == 1)
    let again = try await reopened.claim(queue: "q", limit: 1)
    #expect(again.map(\.runID) == [1])
    #expect(again.first?.claim.attempt == 1)
    #expect(try await reopened.finish(again[0].claim, .succeeded(output: .null)))
    #expect(try await reopened.stats()["q"]?.dead == 0)
    await reopened.close()
  }

  @Test func aGracefulCloseHandsBackRunningStepsWithoutCountingTheAttempt() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await store.open(storeTopology)
    try await store.enqueue([newStep(1, "p")])
    _ = try await store.claim(queue: "q", limit: 1)
    await store.close()
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(storeTopology)
    #expect(recovery.queued == 1)
    #expect(recovery.running == 0)
    #expect(try await reopened.claim(queue: "q", limit: 1).first?.claim.attempt == 1)
    await reopened.close()
  }

  @Test func runIDsNeverRepeatAcrossOpens() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await store.open(storeTopology)
    let first = try await store.reserveRunIDs(count: 10)
    await store.close()
    let reopened = SQLiteStepStore(path: path)
    _ = try await reopened.open(storeTopology)
    let second = try await reopened.reserveRunIDs(count: 10)
    #expect(second.lowerBound >= first.upperBound)
    await reopened.close()
  }

  @Test func retentionDeletesFinishedRows() async throws {
    let dir = try scratchDirectory()
    let store = SQLiteStepStore(path: dir.appendingPathComponent("s.db").path, retention: .zero)
    _ = try await store.open(storeTopology)
    try await store.enqueue([newStep(1, "p")])
    let claimed = try await store.claim(queue: "q", limit: 1)
    #expect(try await store.finish(claimed[0].claim, .succeeded(output: .null)))
    // The sweep runs with a batch at most once a second.
    let gone = await waitUntil {
      _ = try? await store.reserveRunIDs(count: 1)  // any batch may sweep
      return (try? await store.countByState())?["succeeded"] == nil
    }
    #expect(gone)
    // The totals keep it.
    #expect(try await store.stats()["q"]?.succeeded == 1)
    await store.close()
  }

  @Test func groupCommitSharesTransactionsBetweenManyWriters() async throws {
    let dir = try scratchDirectory()
    let store = SQLiteStepStore(path: dir.appendingPathComponent("s.db").path)
    _ = try await store.open(storeTopology)
    await withTaskGroup(of: Void.self) { group in
      for run in 1...200 {
        group.addTask { try? await store.enqueue([newStep(UInt64(run), "p")]) }
      }
    }
    #expect(try await store.countByState()["queued"] == 200)
    #expect(store.commits < 200)
    await store.close()
  }
}

/// Polls `condition` (async) every 100 ms for up to 10 s.
func waitUntil(_ condition: () async -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + .seconds(10)
  while ContinuousClock.now < deadline {
    if await condition() { return true }
    try? await Task.sleep(for: .milliseconds(100))
  }
  return await condition()
}

@Suite("SQLite store: claiming ahead")
struct SQLiteClaimAheadTests {
  /// Four steps of `p` queued, claimed ahead; the first two started (attempt counted).
  func claimFourStartTwo(_ store: SQLiteStepStore) async throws -> [ClaimedStep] {
    _ = try await store.open(storeTopology)
    try await store.enqueue((1...4).map { newStep(UInt64($0), "p") })
    let claimed = try await store.claim(queue: "q", limit: 4)
    #expect(claimed.map(\.runID) == [1, 2, 3, 4])
    #expect(claimed.allSatisfy { $0.claim.attempt == 1 })
    #expect(try await store.started(Array(claimed.prefix(2)).map(\.claim)).isEmpty)
    // Journaled starts reach the rows in the writer's next batch.
    try await store.sync()
    // Claimed-ahead steps show as queued (waiting for a worker), started ones as running.
    let stats = try await store.stats()["q"]
    #expect(stats?.running == 2)
    #expect(stats?.queued == 2)
    return claimed
  }

  @Test func afterACrashStartedStepsAreCountedAndClaimedAheadOnesAreNot() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await claimFourStartTwo(store)
    store.abandonForTesting()
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(storeTopology)
    // p allows one attempt: the two started ones used it (dead), the two claimed ahead did not.
    #expect(recovery.deadLetteredAtOpen == 2)
    #expect(recovery.claimedAhead == 2)
    #expect(recovery.summary == "recovered 2 steps: 2 claimed ahead, not started, 2 dead-lettered at open")
    let again = try await reopened.claim(queue: "q", limit: 4)
    #expect(again.map(\.runID) == [3, 4])
    #expect(again.map(\.claim.attempt) == [1, 1])
    await reopened.close()
  }

  @Test func aStartedStepRunsAgainAfterACrashWithItsAttemptCounted() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await store.open(storeTopology)
    try await store.enqueue([newStep(1, "a")])
    let claimed = try await store.claim(queue: "q", limit: 1)
    #expect(try await store.started([claimed[0].claim]).isEmpty)
    // Started twice (a retried write): still one attempt.
    #expect(try await store.started([claimed[0].claim]).isEmpty)
    store.abandonForTesting()
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(storeTopology)
    #expect(recovery.running == 1)
    #expect(recovery.claimedAhead == 0)
    #expect(try await reopened.claim(queue: "q", limit: 1).first?.claim.attempt == 2)
    await reopened.close()
  }

  @Test func aGracefulCloseHandsBackStartedAndClaimedAheadStepsUncounted() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    let claimed = try await claimFourStartTwo(store)
    // One claimed-ahead step handed back by the runtime (a pause), the rest by the close.
    #expect(try await store.finish(claimed[3].claim, .handedBack))
    await store.close()
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(storeTopology)
    #expect(recovery.queued == 4)
    #expect(recovery.running == 0)
    #expect(recovery.claimedAhead == 0)
    let again = try await reopened.claim(queue: "q", limit: 4)
    #expect(again.map(\.runID) == [1, 2, 3, 4])
    #expect(again.map(\.claim.attempt) == [1, 1, 1, 1])
    await reopened.close()
  }

  @Test func aStartOrFinishForAClaimNoLongerHeldIsRefused() async throws {
    let dir = try scratchDirectory()
    let store = SQLiteStepStore(path: dir.appendingPathComponent("s.db").path)
    _ = try await store.open(storeTopology)
    try await store.enqueue([newStep(1, "p")])
    let claimed = try await store.claim(queue: "q", limit: 1)
    #expect(try await store.finish(claimed[0].claim, .handedBack))
    // Handed back: starting or finishing the old claim is refused (fencing), and counted.
    #expect(try await store.started([claimed[0].claim]) == [claimed[0].claim])
    #expect(try await store.finish(claimed[0].claim, .succeeded(output: .null)) == false)
    let again = try await store.claim(queue: "q", limit: 1)
    #expect(again.first?.claim.attempt == 1)
    #expect(try await store.started([again[0].claim]).isEmpty)
    #expect(try await store.finish(again[0].claim, .succeeded(output: .null)))
    let stats = try await store.stats()["q"]
    #expect(stats?.succeeded == 1)
    #expect(stats?.staleCompletions == 1)
    await store.close()
  }

  /// The backstop: a step that processes keep dying while holding it, claimed and not started, is
  /// dead-lettered after `orphanLimit` of them, not returned to its queue forever.
  @Test func aStepOrphanedByDyingProcessesTooOftenIsDeadLettered() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let first = SQLiteStepStore(path: path, orphanLimit: 3)
    _ = try await first.open(storeTopology)
    try await first.enqueue([newStep(1, "p")])
    _ = try await first.claim(queue: "q", limit: 1)
    first.abandonForTesting()
    for round in 1...2 {
      let store = SQLiteStepStore(path: path, orphanLimit: 3)
      let recovery = try await store.open(storeTopology)
      #expect(recovery.claimedAhead == 1, "round \(round)")
      #expect(try await store.claim(queue: "q", limit: 1).count == 1)
      store.abandonForTesting()
    }
    let last = SQLiteStepStore(path: path, orphanLimit: 3)
    let recovery = try await last.open(storeTopology)
    #expect(recovery.claimedAhead == 0)
    #expect(recovery.deadLetteredAtOpen == 1)
    let letters = try await last.deadLetters(queue: "q", limit: 10)
    #expect(letters.map(\.attempts) == [0])
    #expect(
      letters.map(\.error) == [
        "3 processes died holding this step claimed before it started (a crash loop); not retried"
      ])
    await last.close()
  }

  @Test func aVersion1FileIsMigratedAndItsRunningRowsCountAsStarted() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await store.open(storeTopology)
    try await store.enqueue([newStep(1, "a")])
    let claimed = try await store.claim(queue: "q", limit: 1)
    store.abandonForTesting()
    // As version 1 left a claimed row: running, attempt counted at claim, no started column.
    let raw = try DatabaseQueue(path: path)
    try await raw.write { db in
      try db.execute(sql: "ALTER TABLE lanes_steps DROP COLUMN started")
      try db.execute(sql: "ALTER TABLE lanes_steps DROP COLUMN orphans")
      try db.execute(sql: "UPDATE lanes_steps SET attempt = 1 WHERE id = ?", arguments: [claimed[0].claim.id])
      try db.execute(sql: "UPDATE lanes_meta SET value = '1' WHERE key = 'schema_version'")
    }
    try raw.close()
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(storeTopology)
    #expect(recovery.running == 1)
    #expect(try await reopened.claim(queue: "q", limit: 1).first?.claim.attempt == 2)
    await reopened.close()
    let check = try DatabaseQueue(path: path)
    let version = try await check.read {
      try String.fetchOne($0, sql: "SELECT value FROM lanes_meta WHERE key = 'schema_version'")
    }
    #expect(version == "2")
    try check.close()
  }
}
