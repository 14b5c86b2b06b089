import ExecutionCore
import Foundation
import GRDB
import Synchronization

/// How hard a commit tries to survive a crash.
public enum SQLiteDurability: String, Sendable, CaseIterable {
  /// WAL with `synchronous=NORMAL`: a commit survives the process dying (kill -9, OOM); the last
  /// commits before a power loss or an OS crash may be lost. No fsync per commit.
  case process
  /// WAL with `synchronous=FULL`: a commit survives a power loss too, at an fsync per commit
  /// (group commit shares it between every step in the batch).
  case power
}

/// The durable step store on one SQLite file (`--store sqlite:PATH`).
///
/// One process per file (an exclusive `flock` on `PATH.lock`, which names its holder); WAL; one
/// writer that batches: every enqueue, claim, start, finish and lease extension submitted while a
/// commit is in progress shares the next `BEGIN IMMEDIATE` transaction (group commit), so
/// throughput does not pay one commit per step. The store's clock is this process's wall clock in
/// nanoseconds (one process per file: no other clock to agree with).
///
/// What keeps the writer's commits short (each one is on some run's critical path: a run answers
/// after its enqueue committed):
/// - reads (`stats`, `deadLetters`) use their own connections of a `DatabasePool` (WAL lets them
///   read beside the writer), so the dashboard's refresh never holds the writer;
/// - WAL checkpoints (which copy the log into the file and, unlike WAL commits with
///   `synchronous=NORMAL`, fsync it) run on a checkpointer thread with its own connection, not in
///   whichever commit crosses SQLite's 1,000-page auto-checkpoint threshold;
/// - statements are prepared once and cached; the queues' totals are added once per batch, not
///   once per step.
///
/// Claiming ahead (`claimAhead`): a claim marks rows `running` without counting their attempt;
/// `started` counts it when the runtime is about to run the step. With durability `process` it
/// writes the start journal (`StartJournal`: a mapped file in the page cache, which survives
/// kill -9 as a `synchronous=NORMAL` commit does) and returns at once; the row gets it in the
/// writer's next batch, and `open` counts what the journal holds and the file does not. With
/// `power` it is committed (an fsync) before `started` returns. Either way every attempt that ran
/// is counted (a kill -9 while it runs leaves it counted) and a claimed step that never started
/// is not: a graceful stop hands it back, and `open` after a crash returns
/// it to its queue with no attempt counted. The backstop: a step that processes died holding,
/// claimed and not started, `orphanLimit` times is dead-lettered with that reason, so not even a
/// crash loop that strikes between claim and start can keep a step alive forever. The default
/// (50) is high because processes killed from outside leave innocent claimed-ahead steps behind
/// (up to `claimAhead` per queue each): a storm of kills must not dead-letter them.
public final class SQLiteStepStore: StepStore {
  /// The schema this binary writes; a file with a higher version is refused, a lower one migrated.
  public static let schemaVersion = 2
  /// What marks a file as a Lanes store (`lanes_meta.store`).
  static let marker = "lanes step store"

  /// The file.
  public let path: String
  /// The durability level.
  public let durability: SQLiteDurability
  /// Succeeded and skipped rows older than this are deleted (the file stays flat under steady load).
  public let retention: Duration
  /// Leases given at claim (one process per file: they matter only for `extendLeases` and fencing).
  public let lease: Duration
  /// Steps a queue's feeder may hold claimed beyond its free workers (see the type's comment).
  public let claimAhead: Int
  /// How many times processes may die holding a step claimed and not started before `open`
  /// dead-letters it.
  public let orphanLimit: Int
  /// Slots of the start journal (durability `process`): starts counted and not committed yet that
  /// may be outstanding before a worker waits for the writer.
  public let startJournalCapacity: Int

  /// The start journal's file: the store's path with `-started`.
  public var startJournalPath: String { path + "-started" }

  /// True with durability `process`: `started` writes the start journal and returns without
  /// waiting for a commit (see `StartJournal`), so the runtime runs a step at once and sends the
  /// previous one's finish on its own. With `power` a page cache is not enough: `started` waits
  /// for the commit (an fsync), as before.
  public var startsWithoutCommit: Bool { durability == .process }

  public var name: String { "sqlite:\(path)" }

  let state = Mutex(StoreState())
  /// Wakes the writer thread: signalled when a batch starts waiting.
  let writerWake = DispatchSemaphore(value: 0)
  /// Wakes the checkpointer early (to stop it).
  let checkpointerWake = DispatchSemaphore(value: 0)
  /// Signalled when the checkpointer closed its connection.
  let checkpointerDone = DispatchSemaphore(value: 0)
  let signals = Mutex([String: QueueSignal]())

  /// The largest the file may grow, in pages (nil: as large as the disk allows); past it writes
  /// fail as on a full disk (SQLITE_FULL): a quota, and how the tests fill a disk.
  public let maxPageCount: Int?

  /// Creates a store on `path` (opened by `open`).
  public init(
    path: String, durability: SQLiteDurability = .process, retention: Duration = .seconds(600),
    lease: Duration = .seconds(30), maxPageCount: Int? = nil, claimAhead: Int = 64, orphanLimit: Int = 50,
    startJournalCapacity: Int = 4096
  ) {
    self.path = path
    self.durability = durability
    self.retention = retention
    self.lease = lease
    self.maxPageCount = maxPageCount
    self.claimAhead = max(0, claimAhead)
    self.orphanLimit = max(1, orphanLimit)
    self.startJournalCapacity = max(1, startJournalCapacity)
  }

  deinit {
    let fd = state.withLock { $0.lockFD }
    if fd >= 0 { Glibc.close(fd) }
  }

  // MARK: Open

  public func open(_ topology: StoreTopology) async throws -> StoreRecovery {
    let model = TopologyModel(topology)
    try checkWritable()
    let fd = try takeLock()
    do {
      let pool = try openDatabase()
      let orphanLimit = self.orphanLimit
      // What the previous process counted in its start journal and may not have committed.
      let journaled = StartJournal.uncovered(path: startJournalPath)
      let recovery = try await pool.write { db in
        try self.migrate(db)
        try self.writeHolder(db)
        for queue in model.queues {
          try db.execute(sql: "INSERT OR IGNORE INTO lanes_queues(name) VALUES (?)", arguments: [queue])
        }
        try Recovery.countJournaled(db, journaled)
        return try Recovery.run(db, model: model, nowNs: Self.nowNs(), orphanLimit: orphanLimit)
      }
      // Recovered: the journal starts empty (with `power`, there is none).
      let journal: StartJournal?
      if startsWithoutCommit {
        journal = try StartJournal.create(path: startJournalPath, capacity: startJournalCapacity)
      } else {
        journal = nil
        try? FileManager.default.removeItem(atPath: startJournalPath)
      }
      let checkpoints = try openCheckpointer()
      state.withLock { state in
        state.db = pool
        state.model = model
        state.nextDue = recovery.nextDue
        state.journal = journal
      }
      startWriter()
      startCheckpointer(checkpoints)
      return recovery.recovery
    } catch {
      Self.release(fd, path + ".lock")
      state.withLock { $0.lockFD = -1 }
      throw mapped(error)
    }
  }

  /// Refuses a read-only file or directory before anything is written.
  private func checkWritable() throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      throw StoreError(
        .unavailable, "\(name): the directory \(directory) does not exist; create it or choose another path")
    }
    // The mode bits too: a file or directory marked read-only is refused even for root, whom
    // access(2) lets write anything.
    func markedReadOnly(_ p: String) -> Bool {
      var info = stat()
      return stat(p, &info) == 0 && (info.st_mode & 0o222) == 0
    }
    if FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 || markedReadOnly(path) {
      throw StoreError(
        .readOnly,
        "\(name): the file is read-only; make it writable (chmod u+w \(path)) or choose another file")
    }
    if access(directory, W_OK) != 0 || markedReadOnly(directory) {
      throw StoreError(
        .readOnly,
        "\(name): the directory \(directory) is read-only (SQLite writes its journal beside the file); make it writable or choose another directory"
      )
    }
  }

  /// Lock files held by an open store of this process. A lock whose recorded holder is this
  /// process but that no store here holds is a copy in a child being spawned (another thread's
  /// `posix_spawn` between its clone and its exec), waited for like a gone holder's.
  static let heldHere = Mutex<Set<String>>([])

  /// Whether `holder` names this process while no store of it holds `lockPath`.
  static func holderIsThisProcessWithoutAStore(_ holder: String, _ lockPath: String) -> Bool {
    holder == "pid \(getpid()) on \(hostName())" && !heldHere.withLock { $0.contains(lockPath) }
  }

  /// Whether `holder` ("pid N on HOST", as `takeLock` writes it) names a process of this host that
  /// no longer exists.
  static func holderIsGone(_ holder: String) -> Bool {
    let words = holder.split(separator: " ")
    guard words.count == 4, words[0] == "pid", let pid = pid_t(words[1]), pid > 0,
      String(words[3]) == hostName()
    else { return false }
    return kill(pid, 0) == -1 && errno == ESRCH
  }

  /// Takes the exclusive lock on `PATH.lock` and writes this process's pid and host in it.
  private func takeLock() throws -> Int32 {
    let lockPath = path + ".lock"
    let fd = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      let reason = String(cString: strerror(errno))
      throw StoreError(
        errno == EACCES || errno == EROFS ? .readOnly : .unavailable,
        "\(name): cannot open the lock file \(lockPath): \(reason)")
    }
    // A holder that died can leave its lock for a moment to a child it was spawning (the child
    // holds a copy of every descriptor until its exec closes them, and an exec step's child runs
    // at idle priority, so a busy machine can keep it from exec for seconds): while the recorded
    // holder is gone from this host, wait up to 10 s for the lock rather than refuse.
    let deadline = ContinuousClock.now + .seconds(10)
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let holder = (try? String(contentsOfFile: lockPath, encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
      if ContinuousClock.now < deadline, let holder,
        Self.holderIsGone(holder) || Self.holderIsThisProcessWithoutAStore(holder, lockPath)
      {
        usleep(20_000)
        continue
      }
      Glibc.close(fd)
      let who = holder.flatMap { $0.isEmpty ? nil : $0 } ?? "another process"
      throw StoreError(
        .held,
        "\(name) is in use by \(who) (one process per file); stop that process, or give this one another file"
      )
    }
    let text = "pid \(getpid()) on \(Self.hostName())\n"
    _ = ftruncate(fd, 0)
    _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    state.withLock { $0.lockFD = fd }
    _ = Self.heldHere.withLock { $0.insert(lockPath) }
    return fd
  }

  static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    gethostname(&buffer, 255)
    return String(cString: buffer)
  }

  private func openDatabase() throws -> DatabasePool {
    var config = Configuration()
    config.journalMode = .wal
    config.busyMode = .timeout(5)
    config.maximumReaderCount = 2
    let synchronous = durability == .power ? "FULL" : "NORMAL"
    let maxPages = maxPageCount
    config.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
      // Checkpoints are the checkpointer thread's (see the type's comment), not a commit's.
      if !db.configuration.readonly { _ = try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint = 0") }
      if let maxPages { _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(maxPages)") }
    }
    return try DatabasePool(path: path, configuration: config)
  }

  /// The checkpointer's own connection (a writable one: a checkpoint writes the database file).
  private func openCheckpointer() throws -> DatabaseQueue {
    var config = Configuration()
    config.busyMode = .timeout(5)
    let synchronous = durability == .power ? "FULL" : "NORMAL"
    config.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
      _ = try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint = 0")
    }
    return try DatabaseQueue(path: path, configuration: config)
  }

  /// Creates the schema on an empty file, checks the marker and version on any other.
  private func migrate(_ db: Database) throws {
    let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
    if !tables.contains("lanes_meta") {
      let own = tables.filter { !$0.hasPrefix("sqlite_") }
      guard own.isEmpty else {
        throw StoreError(
          .notAStore,
          "\(name): this SQLite file is not a Lanes store (it has tables \(own.prefix(5).joined(separator: ", "))); nothing was changed. Choose another file"
        )
      }
      try db.execute(sql: Schema.version1)
      try db.execute(sql: Schema.version2)
      try db.execute(
        sql:
          "INSERT INTO lanes_meta(key, value) VALUES ('store', ?), ('schema_version', ?), ('next_run_id', '1')",
        arguments: [Self.marker, String(Self.schemaVersion)])
      return
    }
    let marker = try String.fetchOne(db, sql: "SELECT value FROM lanes_meta WHERE key = 'store'")
    guard marker == Self.marker else {
      throw StoreError(
        .notAStore, "\(name): this SQLite file is not a Lanes store (no Lanes marker); nothing was changed")
    }
    let version =
      Int(try String.fetchOne(db, sql: "SELECT value FROM lanes_meta WHERE key = 'schema_version'") ?? "")
      ?? 0
    if version > Self.schemaVersion {
      throw StoreError(
        .newerSchema,
        "\(name): written by a newer Lanes (schema \(version); this binary knows up to \(Self.schemaVersion)); upgrade lanes, nothing was changed"
      )
    }
    if version < 1 {
      throw StoreError(.notAStore, "\(name): the Lanes store has no valid schema version; it is damaged")
    }
    // Older versions migrate here, one step at a time, inside this transaction.
    if version < 2 {
      try db.execute(sql: Schema.version2)
      try db.execute(sql: "UPDATE lanes_meta SET value = '2' WHERE key = 'schema_version'")
    }
  }

  private func writeHolder(_ db: Database) throws {
    try db.execute(
      sql: "INSERT OR REPLACE INTO lanes_meta(key, value) VALUES ('holder', ?)",
      arguments: ["pid \(getpid()) on \(Self.hostName())"])
  }

  /// The wall clock in nanoseconds since the epoch: the store's clock.
  static func nowNs() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
  }

  /// Drops the database and the lock without handing anything back, as a process that died
  /// would: what the recovery tests start from (the kill -9 tests kill real processes).
  func abandonForTesting() {
    let (db, fd, journal) = state.withLock { state -> (DatabasePool?, Int32, StartJournal?) in
      defer {
        state.db = nil
        state.lockFD = -1
        state.journal = nil
      }
      return (state.db, state.lockFD, state.journal)
    }
    // The journal keeps what it holds, as after kill -9 (its mapping is the page cache's).
    journal?.close()
    try? db?.close()
    // Closed without unlocking, as a killed process's descriptor is.
    if fd >= 0 { Self.release(fd, path + ".lock", unlock: false) }
    stopWriter()
  }

  /// Unlocks and closes the lock file (a store of this process no longer holds it).
  static func release(_ fd: Int32, _ lockPath: String, unlock: Bool = true) {
    _ = heldHere.withLock { $0.remove(lockPath) }
    if unlock { flock(fd, LOCK_UN) }
    Glibc.close(fd)
  }

  /// Checkpoints done by the checkpointer thread since open.
  var checkpoints: Int { state.withLock { $0.checkpoints } }

  /// Batches committed since open: many writers sharing commits shows here.
  var commits: Int { state.withLock { $0.commits } }

  // MARK: Errors

  /// A `StoreError` for anything `open` or a write threw.
  func mapped(_ error: any Error) -> StoreError {
    if let error = error as? StoreError { return error }
    if let error = error as? DatabaseError {
      switch error.resultCode {
      case .SQLITE_FULL:
        return StoreError(
          .full,
          "\(name): the disk is full; free space (new runs are refused until then), nothing acknowledged is lost"
        )
      case .SQLITE_NOTADB, .SQLITE_CORRUPT:
        return StoreError(
          .notAStore,
          "\(name): the file is not a SQLite database or is damaged (\(error.message ?? "corrupt")); nothing was changed. Restore it from a copy or choose another file"
        )
      case .SQLITE_READONLY, .SQLITE_PERM:
        return StoreError(
          .readOnly, "\(name): cannot write (\(error.message ?? "read-only")); check its permissions")
      case .SQLITE_CANTOPEN:
        return StoreError(.unavailable, "\(name): cannot open the file (\(error.message ?? "cannot open"))")
      case .SQLITE_BUSY, .SQLITE_LOCKED:
        return StoreError(.held, "\(name): the database is locked by another connection")
      case .SQLITE_IOERR:
        return StoreError(.unavailable, "\(name): I/O error (\(error.message ?? "disk I/O error"))")
      default:
        return StoreError(.other, "\(name): \(error.message ?? String(describing: error))")
      }
    }
    return StoreError(.other, "\(name): \(error)")
  }

  // MARK: Group commit

  /// Runs `operation` in the next batch's transaction and returns its result once that committed.
  /// Each operation runs in a savepoint of its own (one that fails leaves the others of its batch
  /// alone) and adds to the queues' totals through `Counts`, applied once per batch.
  func write<T: Sendable>(
    finishing: StepClaim? = nil,
    _ operation: @escaping @Sendable (Database, StoreModel, inout Counts) throws -> T
  ) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
      let op = PendingWrite(
        finishing: finishing,
        run: { db, model, counts in
          var mine = Counts()
          do {
            // Cached statements rather than `inSavepoint`, which prepares two statements per call.
            try db.cachedStatement(sql: "SAVEPOINT lanes_op").execute()
            let value: T
            do {
              value = try operation(db, model, &mine)
            } catch {
              try? db.cachedStatement(sql: "ROLLBACK TO lanes_op").execute()
              try? db.cachedStatement(sql: "RELEASE lanes_op").execute()
              throw error
            }
            try db.cachedStatement(sql: "RELEASE lanes_op").execute()
            counts.merge(mine)
            return ({ continuation.resume(returning: value) }, nil)
          } catch {
            let storeError = self.mapped(error)
            return ({ continuation.resume(throwing: storeError) }, storeError)
          }
        },
        fail: { continuation.resume(throwing: $0) })
      let (startWriter, closed) = state.withLock { state -> (Bool, Bool) in
        guard state.db != nil else { return (false, true) }
        state.pending.append(op)
        if state.writing { return (false, false) }
        state.writing = true
        return (true, false)
      }
      if closed {
        continuation.resume(throwing: StoreError(.unavailable, "\(name): the store is not open"))
      } else if startWriter {
        writerWake.signal()
      }
    }
  }

  /// Starts the writer thread: SQLite's single writer, on a thread of its own so that a commit
  /// (an fsync with durability power) never holds a thread of Swift's small cooperative pool, and
  /// a batch costs one wake-up of this thread and one of each waiting caller.
  func startWriter() {
    let thread = Thread { [self] in
      while true {
        writerWake.wait()
        if state.withLock({ $0.writerStopped }) { return }
        drain()
      }
    }
    thread.name = "lanes-sqlite-writer"
    thread.start()
  }

  /// Ends the writer thread (after what it was given) and the checkpointer, waiting until the
  /// checkpointer closed its connection (a checkpoint under way would otherwise hold the file's
  /// locks for whoever opens it next).
  func stopWriter() {
    let checkpointing = state.withLock { state -> Bool in
      state.writerStopped = true
      defer { state.checkpointerStopped = true }
      return state.checkpointerRunning && !state.checkpointerStopped
    }
    writerWake.signal()
    checkpointerWake.signal()
    if checkpointing { _ = checkpointerDone.wait(timeout: .now() + .seconds(10)) }
  }

  /// Starts the checkpointer: every 100 ms in which something was committed, a passive
  /// checkpoint on its own connection copies the WAL into the database file (and fsyncs it) while
  /// the writer goes on committing; SQLite restarts the WAL from its start once a checkpoint got
  /// all of it, so the log stays small. In a commit, the same work made one commit in a few
  /// hundred wait for the copy and the fsync: what made enqueue to start's p99 before.
  func startCheckpointer(_ connection: DatabaseQueue) {
    state.withLock { $0.checkpointerRunning = true }
    let thread = Thread { [self] in
      defer { checkpointerDone.signal() }
      var seen = -1
      while true {
        _ = checkpointerWake.wait(timeout: .now() + .milliseconds(100))
        let (stopped, commits) = state.withLock { ($0.checkpointerStopped, $0.commits) }
        if stopped { break }
        guard commits != seen else { continue }
        seen = commits
        if (try? connection.writeWithoutTransaction({ try $0.checkpoint(.passive) })) != nil {
          state.withLock { $0.checkpoints += 1 }
        }
      }
      try? connection.close()
    }
    thread.name = "lanes-sqlite-checkpointer"
    thread.start()
  }

  /// The single writer: commits everything pending in one transaction, then the next batch.
  private func drain() {
    while true {
      let (batch, starts, journal, db, model, sweep) = state.withLock {
        state -> (
          [PendingWrite], [(seq: UInt64, claim: StepClaim)], StartJournal?, DatabasePool?, StoreModel, Bool
        ) in
        let batch = state.pending
        state.pending.removeAll()
        // Taken under the store's lock (`started` wakes the writer under it after appending), so
        // a start journaled while this batch is chosen is in it or wakes the next one.
        let starts = state.journal?.takeUnwritten() ?? []
        if batch.isEmpty && starts.isEmpty { state.writing = false }
        let now = Self.nowNs()
        let sweep = now - state.lastSweepNs > 1_000_000_000
        if sweep { state.lastSweepNs = now }
        return (
          batch, starts, state.journal, state.db,
          StoreModel(topology: state.model, retentionNs: self.retentionNs),
          sweep
        )
      }
      guard !batch.isEmpty || !starts.isEmpty else { return }
      guard let db else {
        for op in batch { op.fail(StoreError(.unavailable, "\(name): the store is closed")) }
        continue
      }
      do {
        let completions = try db.writeWithoutTransaction { db -> [@Sendable () -> Void] in
          var completions: [@Sendable () -> Void] = []
          try db.inTransaction(.immediate) {
            var counts = Counts()
            // The journaled starts first (a start of a claim no longer held changes nothing, as
            // `started` says), except those whose finish is in this batch: the finish's update
            // sets the attempt and `started` itself, and its fencing holds started or not
            // (`attempt + 1 - started`), so one statement per step is saved.
            let finishing = Set(batch.compactMap(\.finishing))
            let folded = starts.filter { finishing.contains($0.claim) }
            let alone = folded.isEmpty ? starts : starts.filter { !finishing.contains($0.claim) }
            if !alone.isEmpty { _ = try Self.start(db, alone.map(\.claim)) }
            let ran = batch.map { $0.run(db, model, &counts) }
            // A finish that failed on its own rolled back to its savepoint: its start still counts
            // (this commit covers the journal's entry).
            if !folded.isEmpty {
              let failed = Set(zip(batch, ran).compactMap { $1.1 == nil ? nil : $0.finishing })
              let unfinished = folded.filter { failed.contains($0.claim) }
              if !unfinished.isEmpty { _ = try Self.start(db, unfinished.map(\.claim)) }
            }
            // A full disk or a damaged file aborts SQLite's whole transaction: the batch fails
            // together (nothing of it was committed), with that error.
            if let fatal = ran.compactMap(\.1).first(where: {
              [.full, .notAStore, .unavailable].contains($0.kind)
            }) {
              throw fatal
            }
            completions = ran.map(\.0)
            try counts.apply(db)
            if sweep { try Rows.sweep(db, olderThan: Self.nowNs() - model.retentionNs) }
            return .commit
          }
          return completions
        }
        state.withLock { $0.commits += 1 }
        if let last = starts.last { journal?.covered(through: last.seq) }
        for completion in completions { completion() }
      } catch {
        // The journal keeps the starts uncovered; the next batch tries them again.
        journal?.putBack(starts)
        let storeError = mapped(error)
        for op in batch { op.fail(storeError) }
        if !starts.isEmpty && batch.isEmpty {
          // Nothing else will wake the writer for them: try again shortly (a full disk, a lock).
          Thread.sleep(forTimeInterval: 0.05)
          if state.withLock({ $0.writerStopped }) { return }
        }
      }
    }
  }

  var retentionNs: Int64 {
    let (s, a) = retention.components
    return s * 1_000_000_000 + a / 1_000_000_000
  }

  // MARK: Signals

  /// Wakes `queue`'s `waitForWork` (or leaves a flag for the next one).
  func signal(_ queue: String) {
    let waiters = signals.withLock { signals -> [CheckedContinuation<Void, Never>] in
      var s = signals[queue] ?? QueueSignal()
      let waiters = s.waiters
      if waiters.isEmpty { s.pending = true }
      s.waiters = []
      s.waiterIDs = []
      signals[queue] = s
      return waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  public func waitForWork(queue: String, timeout: Duration) async {
    // A retry that falls due sooner than the timeout shortens the wait.
    let now = Self.nowNs()
    var wait = timeout
    if let due = state.withLock({ $0.nextDue[queue] }) {
      let untilDue = Duration.nanoseconds(max(0, due - now))
      if untilDue < wait { wait = untilDue }
    }
    if wait <= .zero { return }
    let sleep = wait
    let consumed = signals.withLock { signals -> Bool in
      if signals[queue]?.pending == true {
        signals[queue]!.pending = false
        return true
      }
      return false
    }
    if consumed { return }
    let id = UInt64.random(in: 0...UInt64.max)
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        try? await Task.sleep(for: sleep)
      }
      group.addTask {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
          let resumeNow = self.signals.withLock { signals -> Bool in
            var s = signals[queue] ?? QueueSignal()
            if s.pending {
              s.pending = false
              signals[queue] = s
              return true
            }
            s.waiters.append(continuation)
            s.waiterIDs.append(id)
            signals[queue] = s
            return false
          }
          if resumeNow { continuation.resume() }
        }
      }
      await group.next()
      group.cancelAll()
      // Release the continuation if the sleep won (resumed here, outside the lock).
      let leftover = self.signals.withLock { signals -> CheckedContinuation<Void, Never>? in
        guard var s = signals[queue], let k = s.waiterIDs.firstIndex(of: id) else { return nil }
        s.waiterIDs.remove(at: k)
        let c = s.waiters.remove(at: k)
        signals[queue] = s
        return c
      }
      leftover?.resume()
    }
  }
}

/// One queue's wake-up state.
struct QueueSignal {
  var pending = false
  var waiters: [CheckedContinuation<Void, Never>] = []
  var waiterIDs: [UInt64] = []
}

/// One operation of a batch: runs inside the transaction and returns what to do once it committed.
struct PendingWrite: Sendable {
  /// The claim this write finishes, if it is a finish: its journaled start, when it is in the same
  /// batch, is folded into the finish's own update (which sets the attempt either way).
  var finishing: StepClaim?
  var run: @Sendable (Database, StoreModel, inout Counts) -> (@Sendable () -> Void, StoreError?)
  var fail: @Sendable (any Error) -> Void
}

/// What a batch needs to know.
struct StoreModel: Sendable {
  var topology: TopologyModel
  var retentionNs: Int64
}

/// The store's mutable state.
struct StoreState: Sendable {
  var db: DatabasePool?
  var model = TopologyModel(StoreTopology(workflows: [:], queues: []))
  var pending: [PendingWrite] = []
  var writing = false
  var lockFD: Int32 = -1
  var lastSweepNs: Int64 = 0
  var writerStopped = false
  /// Transactions committed since open (a batch is one).
  var commits = 0
  /// Checkpoints the checkpointer thread did.
  var checkpoints = 0
  /// The start journal (durability `process`, while open).
  var journal: StartJournal?
  /// Claims this process holds (claimed, not ended), by row id: the attempt each is for. One
  /// process per file, so this is exact: what `started` checks without waiting for the database.
  var live: [Int64: Int] = [:]
  var checkpointerStopped = false
  var checkpointerRunning = false
  /// The earliest due time of a retrying step per queue (wakes `waitForWork`).
  var nextDue: [String: Int64] = [:]
}
