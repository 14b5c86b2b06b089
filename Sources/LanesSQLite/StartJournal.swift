import ExecutionCore
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The start journal beside a store on durability `process` (`PATH-started`): where a worker
/// counts an attempt right before the step's body runs, without waiting for a commit.
///
/// With `synchronous=NORMAL` a commit is "on disk" when it is in the kernel's page cache: it
/// survives the process dying, not a power loss. A `MAP_SHARED` mapping of a file is in that same
/// page cache the moment a store instruction wrote it, so an entry written here survives kill -9
/// exactly as a commit does, for the cost of a few stores to memory instead of a commit's thread
/// hops. The store's row still gets `started = 1, attempt = N` in the next group commit (the
/// worker does not wait for it); once that committed, `covered` moves past the entry and its slot
/// may be reused. If every slot holds an entry not yet covered, `append` waits for the commit
/// (backpressure, never loss).
///
/// On open, before anything else, the entries past `covered` are counted in the store (a step
/// whose row is still claimed and not started for that attempt gets it counted) and the journal
/// starts empty. The file sits under the store's one-process-per-file lock.
///
/// Layout: a 64-byte header (magic, epoch, covered, capacity: 64-bit words), then `capacity`
/// 32-byte entries (seq, row id, attempt, check). `check` mixes the other three words with the
/// epoch (a random number drawn when the file was created): an entry the process died in the
/// middle of writing, or one left from an earlier file, does not verify and is ignored (a torn
/// entry belongs to a step whose body had not begun: the append precedes it).
final class StartJournal: Sendable {
  /// One counted start.
  struct Entry: Sendable, Equatable {
    var seq: UInt64
    var id: Int64
    var attempt: Int
  }

  static let magic: UInt64 = 0x4C41_4E45_534A_524E  // "LANESJRN"
  static let headerSize = 64
  static let entrySize = 32

  let path: String
  let capacity: Int

  private struct State {
    /// The mapping (nil once closed). Only touched under this lock.
    var base: UnsafeMutableRawPointer?
    var size = 0
    var fd: Int32 = -1
    var epoch: UInt64 = 0
    /// The last seq handed out.
    var last: UInt64 = 0
    /// Every start with a seq up to this one is committed in the store.
    var covered: UInt64 = 0
    /// Starts journaled and not yet taken by the writer, in seq order.
    var unwritten: [(seq: UInt64, claim: StepClaim)] = []
    /// Appends waiting for slots.
    var waiters: [CheckedContinuation<Bool, Never>] = []
  }

  private let state: Mutex<State>

  private init(path: String, capacity: Int, state: sending State) {
    self.path = path
    self.capacity = capacity
    self.state = Mutex(state)
  }

  deinit { closeMapping() }

  /// Creates (or truncates) the journal at `path` with `capacity` slots and maps it.
  static func create(path: String, capacity: Int) throws -> StartJournal {
    let capacity = max(1, capacity)
    let size = headerSize + capacity * entrySize
    let fd = Glibc.open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw StoreError(
        errno == EACCES || errno == EROFS ? .readOnly : .unavailable,
        "cannot create the start journal \(path): \(String(cString: strerror(errno)))")
    }
    guard ftruncate(fd, off_t(size)) == 0 else {
      let reason = String(cString: strerror(errno))
      Glibc.close(fd)
      throw StoreError(
        errno == ENOSPC ? .full : .unavailable, "cannot size the start journal \(path): \(reason)")
    }
    guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else {
      let reason = String(cString: strerror(errno))
      Glibc.close(fd)
      throw StoreError(.unavailable, "cannot map the start journal \(path): \(reason)")
    }
    let epoch = UInt64.random(in: 1...UInt64.max)
    base.storeBytes(of: 0, toByteOffset: 16, as: UInt64.self)
    base.storeBytes(of: epoch, toByteOffset: 8, as: UInt64.self)
    base.storeBytes(of: UInt64(capacity), toByteOffset: 24, as: UInt64.self)
    // The magic last: a journal the process died while creating reads as no journal.
    base.storeBytes(of: magic, toByteOffset: 0, as: UInt64.self)
    return StartJournal(
      path: path, capacity: capacity, state: State(base: base, size: size, fd: fd, epoch: epoch))
  }

  /// The entries of the journal at `path` not covered by a commit, oldest first: what the
  /// previous process counted and may not have committed. Empty when there is no journal (or one
  /// that is not one: a wrong magic or size reads as none, as a journal whose creation was cut).
  static func uncovered(path: String) -> [Entry] {
    guard let data = FileManager.default.contents(atPath: path), data.count >= headerSize else { return [] }
    return data.withUnsafeBytes { raw -> [Entry] in
      func word(_ at: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
      guard word(0) == magic else { return [] }
      let epoch = word(8)
      let covered = word(16)
      let capacity = Int(clamping: word(24))
      guard capacity > 0, data.count >= headerSize + capacity * entrySize else { return [] }
      var entries: [Entry] = []
      for slot in 0..<capacity {
        let at = headerSize + slot * entrySize
        let seq = word(at)
        let id = word(at + 8)
        let attempt = word(at + 16)
        guard seq > covered, seq % UInt64(capacity) == UInt64(slot),
          word(at + 24) == check(seq: seq, id: id, attempt: attempt, epoch: epoch)
        else { continue }
        entries.append(Entry(seq: seq, id: Int64(bitPattern: id), attempt: Int(clamping: attempt)))
      }
      return entries.sorted { $0.seq < $1.seq }
    }
  }

  /// A 64-bit mix of an entry's words and the file's epoch (splitmix64's finalizer per word).
  static func check(seq: UInt64, id: UInt64, attempt: UInt64, epoch: UInt64) -> UInt64 {
    func mix(_ x: UInt64) -> UInt64 {
      var z = x &+ 0x9E37_79B9_7F4A_7C15
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    return mix(mix(mix(epoch ^ seq) ^ id) ^ attempt) | 1
  }

  /// Writes one entry per claim (in the page cache once this returns: it survives kill -9) and
  /// keeps the claims for the writer's next batch. Waits while every slot holds an entry not yet
  /// covered by a commit. `written` is called after each run of entries written, before any wait:
  /// the store wakes its writer there (the wait ends only when the writer committed them).
  /// Throws when the journal was closed.
  func append(_ claims: [StepClaim], written: () -> Void = {}) async throws {
    var rest = claims[...]
    while !rest.isEmpty {
      let wrote = state.withLock { state -> Int in
        guard let base = state.base else { return -1 }
        let free = capacity - Int(state.last - state.covered)
        let n = min(free, rest.count)
        for claim in rest.prefix(n) {
          state.last += 1
          let seq = state.last
          let at = Self.headerSize + Int(seq % UInt64(capacity)) * Self.entrySize
          let id = UInt64(bitPattern: claim.id)
          let attempt = UInt64(max(0, claim.attempt))
          base.storeBytes(of: seq, toByteOffset: at, as: UInt64.self)
          base.storeBytes(of: id, toByteOffset: at + 8, as: UInt64.self)
          base.storeBytes(of: attempt, toByteOffset: at + 16, as: UInt64.self)
          base.storeBytes(
            of: Self.check(seq: seq, id: id, attempt: attempt, epoch: state.epoch), toByteOffset: at + 24,
            as: UInt64.self)
          state.unwritten.append((seq, claim))
        }
        return n
      }
      if wrote < 0 { throw StoreError(.unavailable, "\(path): the start journal is closed") }
      rest = rest.dropFirst(wrote)
      if wrote > 0 { written() }
      if rest.isEmpty { break }
      // Every slot is in use: wait for the writer's next commit to free some.
      let open = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let resumeNow = state.withLock { state -> Bool? in
          guard state.base != nil else { return false }
          if Int(state.last - state.covered) < capacity { return true }
          state.waiters.append(continuation)
          return nil
        }
        if let resumeNow { continuation.resume(returning: resumeNow) }
      }
      if !open { throw StoreError(.unavailable, "\(path): the start journal is closed") }
    }
  }

  /// Appends waiting for a slot (what the ring-full test watches).
  var waiting: Int { state.withLock { $0.waiters.count } }

  /// Starts journaled and not in the store yet.
  var pending: Int { state.withLock { Int($0.last - $0.covered) } }

  /// The starts the writer puts in its next batch (all journaled so far, in seq order).
  func takeUnwritten() -> [(seq: UInt64, claim: StepClaim)] {
    state.withLock { state in
      defer { state.unwritten.removeAll(keepingCapacity: true) }
      return state.unwritten
    }
  }

  /// A batch with these starts failed: they go first in the next one (the journal keeps them
  /// uncovered meanwhile).
  func putBack(_ starts: [(seq: UInt64, claim: StepClaim)]) {
    guard !starts.isEmpty else { return }
    state.withLock { $0.unwritten.insert(contentsOf: starts, at: 0) }
  }

  /// A batch with starts up to `seq` committed: their slots are free again.
  func covered(through seq: UInt64) {
    let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
      guard let base = state.base, seq > state.covered else { return [] }
      state.covered = seq
      base.storeBytes(of: seq, toByteOffset: 16, as: UInt64.self)
      defer { state.waiters.removeAll() }
      return state.waiters
    }
    for waiter in waiters { waiter.resume(returning: true) }
  }

  /// Unmaps the file, leaving its content as it is (what a process that died leaves); appends
  /// waiting fail.
  func close() {
    let waiters = closeMapping()
    for waiter in waiters { waiter.resume(returning: false) }
  }

  @discardableResult
  private func closeMapping() -> [CheckedContinuation<Bool, Never>] {
    state.withLock { state in
      if let base = state.base {
        munmap(base, state.size)
        Glibc.close(state.fd)
      }
      state.base = nil
      state.fd = -1
      defer { state.waiters.removeAll() }
      return state.waiters
    }
  }
}
