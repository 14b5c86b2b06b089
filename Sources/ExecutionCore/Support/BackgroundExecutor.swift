import DequeModule
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A task executor backed by its own OS threads, which run background work at the lowest priority
/// while the machine has CPU to spare and get a bounded share of it when something else keeps the
/// CPU busy (priority aging).
///
/// Background workers run here, so CPU-bound background steps compete with each other and not
/// with the critical path: the blocking steps stay on Swift's cooperative pool, whose threads
/// keep normal priority and win the CPU as soon as they wake. (CPU-bound background jobs on the
/// shared pool made a 10 x 1 ms critical path 77 to 130 times slower at p50 on two cores: the
/// README's "How background work is scheduled" has the measurements.)
///
/// Two needs pull apart, and one fixed priority serves only one of them:
/// - Isolation: threads run `SCHED_IDLE` (policy 5). Nice 19 alone was not enough: under EEVDF
///   (Linux 6.6 and later) a waking normal thread does not preempt a running nice-19 one until its
///   slice ends, so with every core busy on background work the critical path's threads waited up
///   to 7 ms to run (`perf sched latency` on `lanes bench --case isolation-noop`, commit 0e93526).
///   A `SCHED_IDLE` thread is preempted as soon as any normal thread wakes.
/// - Liveness: a `SCHED_IDLE` thread gets almost nothing (weight 3 against 1024 for nice 0) while
///   *any* other program wants the CPU: with two ordinary CPU hogs on 2 cores, 319 of 500 background
///   steps had run 30 s after the load ended (issue 10).
///
/// So a watchdog thread reads each thread's run-queue delay (`/proc/thread-self/schedstat`: time
/// it was runnable but not running). A thread that was kept waiting for more than 3/4 of two
/// consecutive 50 ms ticks is starved by someone; it is promoted to `SCHED_OTHER` at the nice level
/// of the configured share (`RuntimeOptions.backgroundShare`), which gets that share of a core
/// against one ordinary-priority competitor. With n competitors on its core that nice gets only
/// weight/(weight + n·1024), so while a raised thread still waits and gets less than 4/5 of the
/// share, its nice drops a level per tick (never below 0); above 5/4 it climbs back. The share is
/// a bound as well as a floor: a raised thread is not pushed past it. It goes back to `SCHED_IDLE`
/// only once its backlog is gone (no job for 200 ms), so on a quiet machine the critical path
/// keeps its isolation. It is not lowered while it still has work, even if the competition seems
/// gone: a thread lowered mid-backlog starved again under the hogs while holding a runtime lock
/// (a queue's, a run's), and the critical path waited behind it: `lanes bench --case
/// foreign-load` measured critical-path p99 of 1.18 s and 1.41 s in two of three runs with that
/// rule, 3.6 to 7.4 ms in four without it. Lowered for lack of work and starved again within 2 s,
/// it is raised after one tick instead of two, at the level it had reached.
///
/// Leaving `SCHED_IDLE` needs `CAP_SYS_NICE` or an `RLIMIT_NICE` of at least 20 − nice (`ulimit
/// -e`). Without either (the kernel refuses a probe at start), one extra thread runs permanently
/// at the share's nice instead: liveness is kept, and that one thread costs the critical path the
/// EEVDF slice wait above when it shares a core with it.
final class BackgroundExecutor: TaskExecutor, @unchecked Sendable {
  // @unchecked Sendable is safe: `jobs` and `idleThreads` are only read or written with `mutex`
  // held; the pthread primitives are allocated once in `init` and never freed (executors are
  // cached for the process's life in `instances`); every per-thread field the watchdog reads is in
  // a `Slot`, whose shared fields are atomics and whose watchdog-only fields are touched by the
  // watchdog thread alone.
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let condition: UnsafeMutablePointer<pthread_cond_t>
  private var jobs = Deque<UnownedJob>()
  private var idleThreads = 0
  private let slots: [Slot]

  /// Threads in the pool.
  let threadCount: Int
  /// The fraction of a core a raised thread aims at (0: never raised, pure `SCHED_IDLE`).
  let share: Double
  /// The nice level a starved thread is promoted to (nil: never promoted, pure `SCHED_IDLE`).
  let shareNice: Int32?
  /// How starved threads get their share: promoted by the watchdog, or one permanent thread.
  let mode: Mode

  /// How background threads keep running under foreign load.
  enum Mode: Sendable, Equatable {
    /// All threads `SCHED_IDLE`, never promoted (share 0, or the platform has no `SCHED_IDLE`).
    case idleOnly
    /// All threads `SCHED_IDLE`; the watchdog promotes starved ones to the share's nice.
    case aging
    /// `SCHED_IDLE` threads plus one thread always at the share's nice (promotion refused).
    case reserveThread
  }

  /// One executor per share (in thousandths), for the process's life: runtimes with the same share
  /// share one.
  private static let instances = Mutex<[Int: BackgroundExecutor]>([:])

  /// Every executor started so far.
  static var all: [BackgroundExecutor] { instances.withLock { Array($0.values) } }

  /// The process-wide executor for `share` (a fraction of a core, 0...0.5; see
  /// `RuntimeOptions.backgroundShare`), sized to the machine (at least two threads).
  static func shared(share: Double) -> BackgroundExecutor {
    let clamped = BackgroundShare.clamp(share)
    return instances.withLock { instances in
      let key = Int((clamped * 1000).rounded())
      if let existing = instances[key] { return existing }
      let created = BackgroundExecutor(
        threads: max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), share: clamped)
      instances[key] = created
      return created
    }
  }

  /// Starts `threads` threads that lower their own priority; with a `share` above 0, starved
  /// threads get that fraction of a core. `promotion` overrides the probe of whether the kernel
  /// lets a thread leave `SCHED_IDLE` (tests use it to exercise the reserve thread).
  init(threads: Int, share: Double, promotion: Bool? = nil) {
    let shareNice = BackgroundShare.nice(for: share)
    self.share = BackgroundShare.clamp(share)
    mutex = .allocate(capacity: 1)
    condition = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
    #if os(Linux)
      if let shareNice {
        mode = (promotion ?? Self.promotionAllowed(nice: shareNice)) ? .aging : .reserveThread
      } else {
        mode = .idleOnly
      }
    #else
      mode = .idleOnly
    #endif
    self.shareNice = shareNice
    threadCount = threads + (mode == .reserveThread ? 1 : 0)
    let reserve = mode == .reserveThread
    slots = (0..<threadCount).map { index in Slot(reserve: reserve && index == threads) }
    for slot in slots {
      Self.startThread { [self] in threadMain(slot) }
    }
    if mode == .aging {
      Self.startThread { [self] in watchdog() }
    }
  }

  /// Queues a job and wakes an idle thread.
  func enqueue(_ job: consuming ExecutorJob) {
    let unowned = UnownedJob(job)
    pthread_mutex_lock(mutex)
    jobs.append(unowned)
    let wake = idleThreads > 0
    pthread_mutex_unlock(mutex)
    if wake { pthread_cond_signal(condition) }
  }

  /// Threads running at the share's nice now (promoted or reserve), for tests and diagnostics.
  var raisedThreads: Int { slots.count(where: { $0.raised.load(ordering: .relaxed) }) }
  /// Promotions since start.
  var promotions: Int { slots.reduce(0) { $0 + $1.promotions.load(ordering: .relaxed) } }

  private func threadMain(_ slot: Slot) {
    #if os(Linux)
      // A name of its own, so `top -H`, `perf sched` and gdb tell background threads apart from the
      // shared pool's (a new thread otherwise inherits its creator's name). `pthread_setname_np`
      // is not visible from Swift's Glibc module; the thread's comm file is the same thing.
      let fd = open("/proc/thread-self/comm", O_WRONLY)
      if fd >= 0 {
        _ = "lanes-bg".withCString { write(fd, $0, strlen($0)) }
        close(fd)
      }
      slot.tid.store(Self.currentTID(), ordering: .relaxed)
      // Opened by the thread itself: /proc/thread-self resolves to this thread, and the watchdog
      // reads the same file through the descriptor.
      slot.statFD.store(open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC), ordering: .relaxed)
      // On Linux the nice value is per thread, and `who` = 0 names the calling thread only. The
      // share's nice is set first: a SCHED_IDLE thread ignores it, and a promotion then only has
      // to change the policy (one call, and the kernel checks RLIMIT_NICE against this value).
      _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, shareNice ?? 19)
      if slot.reserve {
        slot.raised.store(true, ordering: .relaxed)
      } else {
        var parameters = sched_param(sched_priority: 0)
        if sched_setscheduler(0, Self.idlePolicy, &parameters) != 0 {
          // No SCHED_IDLE: nice 19 is the best left (and the watchdog has nothing to promote).
          _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        }
      }
      BackgroundShare.markCurrentThread(childLeavesIdle: shareNice != nil)
    #else
      _ = setpriority(PRIO_DARWIN_THREAD, 0, PRIO_DARWIN_BG)
    #endif
    let executor = asUnownedTaskExecutor()
    while true {
      pthread_mutex_lock(mutex)
      while jobs.isEmpty {
        idleThreads += 1
        slot.waiting.store(true, ordering: .relaxed)
        pthread_cond_wait(condition, mutex)
        slot.waiting.store(false, ordering: .relaxed)
        idleThreads -= 1
      }
      let job = jobs.removeFirst()
      pthread_mutex_unlock(mutex)
      slot.jobsStarted.add(1, ordering: .relaxed)
      job.runSynchronously(on: executor)
    }
  }

  // MARK: Priority aging

  /// One tick of the watchdog.
  static let tick: Duration = .milliseconds(50)
  /// A tick in which a thread waited on a run queue for more than this share of it is a starved tick.
  static let starvedFraction = 0.75
  /// Consecutive starved ticks before a promotion (a short burst of foreign work is not starvation).
  static let starvedTicks = 2
  /// A raised thread kept waiting for more than this share of a tick wants more CPU than it gets.
  static let wantsMoreFraction = 0.25
  /// Ticks after a lowering for lack of work during which a new starvation resumes the last level.
  static let resumeTicks = 40
  /// Consecutive ticks without a job before a raised thread is lowered again.
  static let idleTicks = 4

  private func watchdog() {
    #if os(Linux)
      let tickNs =
        Int64(Self.tick.components.seconds) * 1_000_000_000 + Self.tick.components.attoseconds
        / 1_000_000_000
      var last = Self.monotonicNs()
      var ticks = 0
      for slot in slots { (slot.lastRun, slot.lastDelay) = Self.schedstat(slot) }
      while true {
        var pause = timespec(tv_sec: 0, tv_nsec: Int(tickNs))
        _ = nanosleep(&pause, nil)
        let now = Self.monotonicNs()
        let elapsed = Double(max(1, now - last))
        last = now
        ticks += 1
        for slot in slots { assess(slot, elapsed: elapsed, tick: ticks) }
      }
    #endif
  }

  /// Promotes `slot`'s thread after `starvedTicks` starved ticks; lowers a promoted one again when
  /// it ran out of work or of competitors.
  private func assess(_ slot: Slot, elapsed: Double, tick: Int) {
    #if os(Linux)
      let tid = slot.tid.load(ordering: .relaxed)
      guard tid > 0, let nice = shareNice, !slot.reserve else { return }
      let (run, delay) = Self.schedstat(slot)
      let waited = Double(max(0, delay - slot.lastDelay))
      let ran = Double(max(0, run - slot.lastRun))
      (slot.lastRun, slot.lastDelay) = (run, delay)
      // Starved: runnable but off the CPU for most of the tick.
      let fraction = waited / elapsed
      let started = slot.jobsStarted.load(ordering: .relaxed)
      let ranJob = started != slot.lastJobs || !slot.waiting.load(ordering: .relaxed)
      slot.lastJobs = started
      if !slot.raised.load(ordering: .relaxed) {
        slot.starved = fraction > Self.starvedFraction ? slot.starved + 1 : 0
        // Lowered for lack of work moments ago, with the competition still there: starving again
        // is no surprise, so one tick is evidence enough and the level found last time is kept
        // (every restart from the share's nice would cost the climb down again).
        let resume = tick - slot.loweredAtTick <= Self.resumeTicks ? slot.resumeLevel : nil
        guard slot.starved >= (resume == nil ? Self.starvedTicks : 1), !slot.refused else { return }
        var parameters = sched_param(sched_priority: 0)
        if sched_setscheduler(tid, Self.otherPolicy, &parameters) == 0 {
          // The legacy call keeps the thread's nice: the share's, set when the thread started.
          slot.nice = nice
          if let resume, resume != nice,
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), resume) == 0
          {
            slot.nice = resume
          }
          slot.raised.store(true, ordering: .relaxed)
          slot.promotions.add(1, ordering: .relaxed)
        } else {
          slot.refused = true
        }
        slot.starved = 0
      } else {
        slot.idle = ranJob ? 0 : slot.idle + 1
        // Aim at the share itself: with n competitors on its core the share's nice gets only
        // weight/(weight + n·1024). While the thread keeps waiting for the CPU and gets less than
        // 4/5 of its share, its nice drops a level per tick (never below 0, everyone's default);
        // above 5/4 of it, it climbs back towards the share's nice.
        if fraction > Self.wantsMoreFraction {
          let achieved = ran / elapsed
          var level = slot.nice
          if achieved < share * 0.8 && level > 0 {
            level -= 1
          } else if achieved > share * 1.25 && level < nice {
            level += 1
          }
          if level != slot.nice, setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), level) == 0
          {
            slot.nice = level
          }
        }
        // Idle for `idleTicks`: the backlog is gone (one tick would lower a thread between two steps
        // of a steady load and make the next one starve again). Never while it still has work:
        // see the type's comment (a lowered thread starves holding runtime locks).
        guard slot.idle >= Self.idleTicks else { return }
        slot.resumeLevel = slot.nice
        slot.loweredAtTick = tick
        // Back to the share's nice first (raising nice is always allowed), for the next promotion.
        if slot.nice != nice, setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), nice) == 0 {
          slot.nice = nice
        }
        var parameters = sched_param(sched_priority: 0)
        if sched_setscheduler(tid, Self.idlePolicy, &parameters) == 0 {
          slot.raised.store(false, ordering: .relaxed)
        }
        slot.idle = 0
      }
    #endif
  }

  /// Nanoseconds `slot`'s thread has spent on a CPU and runnable but waiting for one ((0, 0) if
  /// unknown).
  private static func schedstat(_ slot: Slot) -> (run: Int64, delay: Int64) {
    let fd = slot.statFD.load(ordering: .relaxed)
    guard fd >= 0 else { return (0, 0) }
    // "<on-cpu ns> <run-queue delay ns> <timeslices>\n"
    var buffer = [UInt8](repeating: 0, count: 96)
    let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { return (0, 0) }
    var fields: [Int64] = []
    var value: Int64 = 0
    for byte in buffer[0..<count] {
      if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
        value = value * 10 + Int64(byte - UInt8(ascii: "0"))
      } else {
        fields.append(value)
        value = 0
        if fields.count == 2 { return (fields[0], fields[1]) }
      }
    }
    return (0, 0)
  }

  // MARK: Threads

  /// `SCHED_IDLE` (`__USE_GNU` only in the headers, so not visible from Swift's Glibc module).
  static let idlePolicy: Int32 = 5
  /// `SCHED_OTHER`, the ordinary time-sharing policy.
  static let otherPolicy: Int32 = 0

  private static func monotonicNs() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
  }

  /// The calling thread's kernel id, from /proc/thread-self (a link to `<pid>/task/<tid>`);
  /// `gettid` is `__USE_GNU` only too.
  private static func currentTID() -> pid_t {
    var buffer = [CChar](repeating: 0, count: 64)
    let length = readlink("/proc/thread-self", &buffer, buffer.count - 1)
    guard length > 0 else { return 0 }
    let text = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return pid_t(text.split(separator: "/").last ?? "") ?? 0
  }

  /// Whether the kernel lets a thread go back from `SCHED_IDLE` to `SCHED_OTHER` at `nice`: a
  /// throwaway thread tries it once.
  private static func promotionAllowed(nice: Int32) -> Bool {
    #if os(Linux)
      let allowed = Atomic<Bool>(false)
      let done = Atomic<Bool>(false)
      startThread {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
        var parameters = sched_param(sched_priority: 0)
        if sched_setscheduler(0, idlePolicy, &parameters) == 0 {
          allowed.store(sched_setscheduler(0, otherPolicy, &parameters) == 0, ordering: .relaxed)
        }
        done.store(true, ordering: .releasing)
      }
      while !done.load(ordering: .acquiring) { sched_yield() }
      return allowed.load(ordering: .relaxed)
    #else
      return false
    #endif
  }

  /// Starts a detached thread running `body`.
  private static func startThread(_ body: @escaping @Sendable () -> Void) {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
      &thread, nil,
      { raw in
        guard let raw else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().body()
        return nil
      }, context)
    if status == 0 {
      pthread_detach(thread)
    } else {
      Unmanaged<ThreadBody>.fromOpaque(context).release()
    }
  }

  private final class ThreadBody: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
  }

  /// What the watchdog knows of one thread.
  private final class Slot: @unchecked Sendable {
    // @unchecked Sendable is safe: the first group is atomics; `lastDelay`, `lastRun`, `lastJobs`, `starved`,
    // `idle`, `nice`, `resumeLevel`, `loweredAtTick` and
    // `refused` are read and written by the watchdog thread only; `reserve` is
    // immutable.
    let tid = Atomic<Int32>(0)
    let statFD = Atomic<Int32>(-1)
    let raised = Atomic<Bool>(false)
    let waiting = Atomic<Bool>(false)
    let jobsStarted = Atomic<Int>(0)
    let promotions = Atomic<Int>(0)
    let reserve: Bool
    var lastDelay: Int64 = 0
    var lastRun: Int64 = 0
    var lastJobs = 0
    var starved = 0
    var idle = 0
    var nice: Int32 = 19
    var resumeLevel: Int32?
    var loweredAtTick = Int.min / 2
    var refused = false
    init(reserve: Bool) { self.reserve = reserve }
  }
}

/// How much CPU background work gets when other programs keep the machine busy, as a nice level.
public enum BackgroundShare {
  /// The default share: a quarter of a core against each ordinary-priority competitor (nice 5).
  public static let defaultShare = 0.25
  /// The largest share: half a core against one competitor (nice 0, the same as everything else).
  public static let maximum = 0.5

  /// The nice level whose CFS/EEVDF weight gets `share` of a core against one nice-0 competitor,
  /// nil for 0 (never promoted). Weights fall by 1.25x per nice level from 1024 at nice 0, so the
  /// share `s` needs weight `1024·s/(1−s)`: 0.25 → nice 5 (weight 335, 24.6%), 0.1 → nice 10
  /// (weight 110, 9.7%), 0.5 → nice 0. Values are clamped to 0...`maximum`.
  public static func nice(for share: Double) -> Int32? {
    let clamped = clamp(share)
    guard clamped > 0 else { return nil }
    let weight = 1024 * clamped / (1 - clamped)
    let level = (log(1024 / weight) / log(1.25)).rounded()
    return Int32(min(19, max(0, level)))
  }

  /// `share` within 0...`maximum` (0 for NaN).
  public static func clamp(_ share: Double) -> Double {
    share.isNaN ? 0 : min(max(share, 0), maximum)
  }

  /// True when called on a Lanes background thread of a runtime with a share: a process it starts
  /// should leave `SCHED_IDLE` for `SCHED_OTHER` at the thread's nice (the share's), because the
  /// watchdog cannot see, and so cannot promote, another process. Nil-free and cheap: one TLS read.
  public static var childProcessLeavesIdle: Bool {
    #if os(Linux)
      pthread_getspecific(threadKey) != nil
    #else
      false
    #endif
  }

  static func markCurrentThread(childLeavesIdle: Bool) {
    #if os(Linux)
      if childLeavesIdle { _ = pthread_setspecific(threadKey, UnsafeRawPointer(bitPattern: 1)) }
    #endif
  }

  #if os(Linux)
    private static let threadKey: pthread_key_t = {
      var key = pthread_key_t()
      _ = pthread_key_create(&key, nil)
      return key
    }()
  #endif
}

/// What the background executors did, for benchmarks, tests and diagnostics.
public enum BackgroundDiagnostics {
  /// Promotions of starved background threads to the share's nice since the process started.
  public static var promotions: Int { BackgroundExecutor.all.reduce(0) { $0 + $1.promotions } }
  /// Background threads running at a share's nice right now (promoted, or a reserve thread).
  public static var raisedThreads: Int { BackgroundExecutor.all.reduce(0) { $0 + $1.raisedThreads } }
}
