import ExecutionCore
import Foundation
import Testing

@testable import LanesSQLite

@Suite("SQLite store: start journal")
struct StartJournalTests {
  /// A store with steps of `w` claimed and not started, abandoned (as a process that died): the
  /// rows are `running` with no attempt counted. Returns the claims and the store's path.
  func claimedThenDied(_ steps: [String], _ dir: URL) async throws -> ([StepClaim], String) {
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path)
    _ = try await store.open(storeTopology)
    try await store.enqueue(steps.enumerated().map { newStep(UInt64($0.offset + 1), $0.element) })
    let claimed = try await store.claim(queue: "q", limit: steps.count)
    #expect(claimed.count == steps.count)
    store.abandonForTesting()
    return (claimed.map(\.claim), path)
  }

  /// What a process that died right after journaling these starts leaves: entries past `covered`
  /// and no commit of them.
  func journal(_ claims: [StepClaim], at path: String, capacity: Int = 16) async throws -> StartJournal {
    let journal = try StartJournal.create(path: path + "-started", capacity: capacity)
    try await journal.append(claims)
    return journal
  }

  @Test func aJournaledStartThatWasNotCommittedIsCountedOnReopen() async throws {
    let dir = try scratchDirectory()
    // Run 1: a (3 attempts); run 2: p (1 attempt, a poison step); run 3: a, claimed ahead only.
    let (claims, path) = try await claimedThenDied(["a", "p", "a"], dir)
    try await journal(Array(claims.prefix(2)), at: path).close()
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(storeTopology)
    // a: back to its queue with attempt 1 counted; p: dead after its only attempt; run 3's a: not
    // started, no attempt counted.
    #expect(recovery.running == 1)
    #expect(recovery.deadLetteredAtOpen == 1)
    #expect(recovery.claimedAhead == 1)
    let letters = try await reopened.deadLetters(queue: "q", limit: 10)
    #expect(letters.map(\.runID) == [2])
    #expect(letters.map(\.error) == ["the process died while this step ran (1 attempt)"])
    let again = try await reopened.claim(queue: "q", limit: 10)
    #expect(again.map(\.runID) == [1, 3])
    #expect(again.map(\.claim.attempt) == [2, 1])
    await reopened.close()
  }

  @Test func recoveryIsIdempotentWhenTheReopenDiesBeforeTheJournalIsReset() async throws {
    let dir = try scratchDirectory()
    let (claims, path) = try await claimedThenDied(["a"], dir)
    let file = path + "-started"
    try await journal(claims, at: path).close()
    let saved = try Data(contentsOf: URL(fileURLWithPath: file))
    let first = SQLiteStepStore(path: path)
    #expect(try await first.open(storeTopology).running == 1)
    first.abandonForTesting()
    // The old journal again (as if the reopen died between its commit and the reset): the row
    // is queued now, not claimed for that attempt, so nothing is counted twice.
    try saved.write(to: URL(fileURLWithPath: file))
    let second = SQLiteStepStore(path: path)
    let recovery = try await second.open(storeTopology)
    #expect(recovery.running == 0)
    #expect(recovery.queued == 1)
    #expect(try await second.claim(queue: "q", limit: 1).first?.claim.attempt == 2)
    await second.close()
  }

  @Test func aTornStaleOrForeignEntryIsIgnored() async throws {
    let dir = try scratchDirectory()
    let (claims, path) = try await claimedThenDied(["a", "a", "a", "a"], dir)
    let journal = try await journal(claims, at: path)
    // Run 1's entry covered by a commit (its row was committed started: stale here).
    journal.covered(through: 1)
    journal.close()
    let file = URL(fileURLWithPath: path + "-started")
    var bytes = [UInt8](try Data(contentsOf: file))
    // Run 2's entry (seq 2) torn: its row id half written.
    let seq2 = StartJournal.headerSize + 2 * StartJournal.entrySize
    bytes[seq2 + 8] ^= 0xFF
    // Run 3's entry rewritten for attempt 2 with a check that does not match (another file's).
    let seq3 = StartJournal.headerSize + 3 * StartJournal.entrySize
    bytes[seq3 + 16] = 2
    try Data(bytes).write(to: file)
    #expect(StartJournal.uncovered(path: file.path).map(\.seq) == [4])
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(storeTopology)
    // Only run 4's start counts; the others were claimed ahead, not started.
    #expect(recovery.running == 1)
    #expect(recovery.claimedAhead == 3)
    let again = try await reopened.claim(queue: "q", limit: 10)
    #expect(again.map(\.runID) == [1, 2, 3, 4])
    #expect(again.map(\.claim.attempt) == [1, 1, 1, 2])
    await reopened.close()
  }

  @Test func aJournalWithAnotherMagicOrSizeReadsAsNone() throws {
    let dir = try scratchDirectory()
    let file = dir.appendingPathComponent("x-started")
    try Data(repeating: 7, count: 4096).write(to: file)
    #expect(StartJournal.uncovered(path: file.path).isEmpty)
    #expect(StartJournal.uncovered(path: dir.appendingPathComponent("none").path).isEmpty)
  }

  @Test func aFullRingWaitsForACommitAndLosesNothing() async throws {
    let dir = try scratchDirectory()
    let journal = try StartJournal.create(path: dir.appendingPathComponent("j-started").path, capacity: 2)
    let claims = (1...3).map { StepClaim(id: Int64($0), attempt: 1) }
    try await journal.append(Array(claims.prefix(2)))
    let appended = Task { try await journal.append([claims[2]]) }
    #expect(await waitUntil { journal.waiting == 1 })
    // Both slots hold starts no commit covered: the third waits, nothing overwritten.
    #expect(StartJournal.uncovered(path: journal.path).map(\.id) == [1, 2])
    #expect(journal.takeUnwritten().map(\.claim) == Array(claims.prefix(2)))
    journal.covered(through: 1)
    try await appended.value
    #expect(StartJournal.uncovered(path: journal.path).map(\.id) == [2, 3])
    #expect(journal.takeUnwritten().map(\.claim) == [claims[2]])
    journal.close()
    // A closed journal refuses appends (the store was closed), and wakes no one wrongly.
    await #expect(throws: StoreError.self) { try await journal.append([claims[0]]) }
  }

  @Test func aStoreWithATinyJournalStartsEveryStepAndCountsThemAll() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path, startJournalCapacity: 1)
    _ = try await store.open(storeTopology)
    try await store.enqueue((1...5).map { newStep(UInt64($0), "a") })
    let claimed = try await store.claim(queue: "q", limit: 5)
    // Five starts through one slot: each waits for the commit of the one before.
    #expect(try await store.started(claimed.map(\.claim)).isEmpty)
    try await store.sync()
    #expect(try await store.stats()["q"]?.running == 5)
    store.abandonForTesting()
    let reopened = SQLiteStepStore(path: path)
    let recovery = try await reopened.open(storeTopology)
    #expect(recovery.running == 5)
    #expect(try await reopened.claim(queue: "q", limit: 5).map(\.claim.attempt) == [2, 2, 2, 2, 2])
    await reopened.close()
  }

  @Test func durabilityPowerWaitsForTheCommitAndKeepsNoJournal() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let store = SQLiteStepStore(path: path, durability: .power)
    #expect(!store.startsWithoutCommit)
    _ = try await store.open(storeTopology)
    #expect(!FileManager.default.fileExists(atPath: store.startJournalPath))
    try await store.enqueue([newStep(1, "a")])
    let claimed = try await store.claim(queue: "q", limit: 1)
    #expect(try await store.started(claimed.map(\.claim)).isEmpty)
    // Committed when `started` returned: the row shows running at once.
    #expect(try await store.stats()["q"]?.running == 1)
    await store.close()
  }
}
