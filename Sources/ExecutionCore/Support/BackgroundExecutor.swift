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
/// So a watchdog thread looks at every thread each 50 ms tick. A thread is starved in a tick when
/// it wanted the CPU (it is runnable, state R in `/proc/thread-self/stat`, or its run-queue delay in
/// `schedstat` grew by most of the tick), got less than a quarter of the tick, the machine had no
/// CPU to spare (less than a fifth of a core idle, from `/proc/uptime`), and other programs used at
/// least a quarter of a core (every core's time less the idle time and this process's CPU time):
/// a busy critical path starving its own background is isolation working. The runnable state is
/// what makes this work: the kernel books a thread's run-queue delay only when it gets the CPU
/// back, so a `SCHED_IDLE` thread that never gets it shows no delay at all (a spinning `SCHED_IDLE`
/// process beside two hogs showed 0 for a second, then 1.3 s in one tick); an earlier watchdog
/// that judged by the delay alone raised threads only by luck, and `lanes bench --case
/// foreign-load` measured background wait p99 from 0.1 s to 12 s.
///
/// After two starved ticks of any thread, every thread is raised to `SCHED_OTHER` at the nice
/// level of the configured share (`RuntimeOptions.backgroundShare`), which gets that share of a
/// core against one ordinary-priority competitor. Every thread, not only the starved one: a thread
/// left at `SCHED_IDLE` would take the next job and could starve holding a runtime lock (a
/// queue's, a run's, the workflow's metrics) that the critical path then waits for. A raised
/// thread stays at the share's nice: with n competitors on its core it gets weight/(weight +
/// n·1024), less than the share but never nothing. (An earlier watchdog lowered the nice towards 0
/// while a thread got less than its share; against other sessions' autogroups or cgroups a
/// thread's nice does not count, so that only made background equal to the critical path: no-op
/// isolation p99 156 to 166 ms with threads raised under load, 14 to 20 ms without.)
///
/// The threads go back to `SCHED_IDLE` together after ten calm ticks in a row (500 ms): the machine
/// had CPU to spare (a `SCHED_IDLE` thread gets it), or other programs used under a quarter of a
/// core (what keeps the CPU busy is this process's own work, which the critical path must win).
/// Not when a thread runs out of work (an earlier rule): with the foreign load still there, the
/// next job would start on a starved thread. Lowered, and starved again within 2 s, they are
/// raised after one tick, at the levels they had reached.
///
/// The idle and foreign figures are machine-wide: a process confined to a few CPUs of a bigger
/// machine (a cpuset) that has idle CPUs elsewhere is not seen as starved.
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
  /// The fraction of a core a raised thread gets against one ordinary competitor (0: never raised).
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
      slot.stateFD.store(open("/proc/thread-self/stat", O_RDONLY | O_CLOEXEC), ordering: .relaxed)
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
        pthread_cond_wait(condition, mutex)
        idleThreads -= 1
      }
      let job = jobs.removeFirst()
      pthread_mutex_unlock(mutex)
      job.runSynchronously(on: executor)
    }
  }

  // MARK: Priority aging

  /// One tick of the watchdog.
  static let tick: Duration = .milliseconds(50)

  private func watchdog() {
    #if os(Linux)
      let tickNs =
        Int64(Self.tick.components.seconds) * 1_000_000_000 + Self.tick.components.attoseconds
        / 1_000_000_000
      let uptime = open("/proc/uptime", O_RDONLY | O_CLOEXEC)
      let cores = Double(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
      var last = Self.monotonicNs()
      var lastIdle = Self.machineIdleNs(uptime)
      var lastOwn = Self.processCPUNs()
      var ticks = 0
      var policy = AgingPolicy(threads: slots.count)
      for slot in slots { (slot.lastRun, slot.lastDelay) = Self.schedstat(slot) }
      while true {
        var pause = timespec(tv_sec: 0, tv_nsec: Int(tickNs))
        _ = nanosleep(&pause, nil)
        let now = Self.monotonicNs()
        let elapsed = Double(max(1, now - last))
        last = now
        let idle = Self.machineIdleNs(uptime)
        // Unknown (no /proc/uptime): taken as saturated, so starvation is judged by the threads alone.
        let idleNs = idle.flatMap { idle in lastIdle.map { Double(max(0, idle - $0)) } } ?? 0
        lastIdle = idle
        let own = Self.processCPUNs()
        // What other programs used: every core's time, less the idle time and this process's own.
        let foreignNs = max(0, cores * elapsed - idleNs - Double(max(0, own - lastOwn)))
        lastOwn = own
        ticks += 1
        assess(&policy, elapsed: elapsed, idleNs: idleNs, foreignNs: foreignNs, tick: ticks)
      }
    #endif
  }

  /// One tick: samples every thread, lets `policy` decide, and applies its decisions.
  private func assess(
    _ policy: inout AgingPolicy, elapsed: Double, idleNs: Double, foreignNs: Double, tick: Int
  ) {
    #if os(Linux)
      guard shareNice != nil else { return }
      let samples = slots.map { slot -> AgingPolicy.Sample? in
        guard !slot.reserve, slot.tid.load(ordering: .relaxed) > 0 else { return nil }
        let (run, delay) = Self.schedstat(slot)
        defer { (slot.lastRun, slot.lastDelay) = (run, delay) }
        return AgingPolicy.Sample(
          ran: Double(max(0, run - slot.lastRun)), waited: Double(max(0, delay - slot.lastDelay)),
          runnable: !policy.contended && Self.runnable(slot))
      }
      switch policy.assess(samples, elapsed: elapsed, idleNs: idleNs, foreignNs: foreignNs, tick: tick) {
      case .raiseAll:
        for slot in slots where !slot.reserve { raise(slot) }
      case .lowerAll:
        for slot in slots where !slot.reserve { lower(slot) }
      case .none:
        break
      }
    #endif
  }

  /// Promotes `slot`'s thread to `SCHED_OTHER`. The legacy call keeps the thread's nice: the
  /// share's, set when the thread started.
  private func raise(_ slot: Slot) {
    #if os(Linux)
      let tid = slot.tid.load(ordering: .relaxed)
      guard tid > 0, !slot.refused, !slot.raised.load(ordering: .relaxed) else { return }
      var parameters = sched_param(sched_priority: 0)
      guard sched_setscheduler(tid, Self.otherPolicy, &parameters) == 0 else {
        slot.refused = true
        return
      }
      slot.raised.store(true, ordering: .relaxed)
      slot.promotions.add(1, ordering: .relaxed)
    #endif
  }

  /// Puts `slot`'s thread back to `SCHED_IDLE`.
  private func lower(_ slot: Slot) {
    #if os(Linux)
      let tid = slot.tid.load(ordering: .relaxed)
      guard tid > 0, slot.raised.load(ordering: .relaxed) else { return }
      var parameters = sched_param(sched_priority: 0)
      if sched_setscheduler(tid, Self.idlePolicy, &parameters) == 0 {
        slot.raised.store(false, ordering: .relaxed)
      }
    #endif
  }

  /// CPU time of the whole process (every thread, background included), in nanoseconds.
  private static func processCPUNs() -> Int64 {
    var spec = timespec()
    guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec) == 0 else { return 0 }
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
  }

  /// Whether `slot`'s thread is running or waiting for a CPU right now (state R in its stat file).
  private static func runnable(_ slot: Slot) -> Bool {
    let fd = slot.stateFD.load(ordering: .relaxed)
    guard fd >= 0 else { return false }
    // "<tid> (<comm>) <state> ...": the state follows the last ')' (a name may hold one).
    var buffer = [UInt8](repeating: 0, count: 96)
    let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    guard count > 0, let close = buffer[0..<count].lastIndex(of: UInt8(ascii: ")")), close + 2 < count
    else { return false }
    return buffer[close + 2] == UInt8(ascii: "R")
  }

  /// The time every CPU of the machine has spent idle, in nanoseconds, from /proc/uptime's second
  /// field ("<uptime> <idle>", both in seconds with two decimals); nil if unreadable.
  private static func machineIdleNs(_ fd: Int32) -> Int64? {
    guard fd >= 0 else { return nil }
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { return nil }
    var field = 0
    var centiseconds: Int64 = 0
    var digits = 0
    for byte in buffer[0..<count] {
      if byte == UInt8(ascii: " ") {
        field += 1
      } else if field == 1, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
        centiseconds = centiseconds * 10 + Int64(byte - UInt8(ascii: "0"))
        digits += 1
      } else if field == 1, byte == UInt8(ascii: "\n") {
        break
      }
    }
    return digits > 0 ? centiseconds * 10_000_000 : nil
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
    // @unchecked Sendable is safe: the first group is atomics; `lastDelay`, `lastRun` and
    // `refused` are read and written by the watchdog thread only; `reserve` is immutable.
    let tid = Atomic<Int32>(0)
    let statFD = Atomic<Int32>(-1)
    let stateFD = Atomic<Int32>(-1)
    let raised = Atomic<Bool>(false)
    let promotions = Atomic<Int>(0)
    let reserve: Bool
    var lastDelay: Int64 = 0
    var lastRun: Int64 = 0
    var refused = false
    init(reserve: Bool) { self.reserve = reserve }
  }
}

/// The watchdog's decisions, apart from the system calls that sample the threads and apply them
/// (so tests can drive it with the samples a starved thread gives). See `BackgroundExecutor` for
/// why each rule is what it is.
struct AgingPolicy {
  /// What one thread did during a tick.
  struct Sample: Equatable {
    /// Nanoseconds on a CPU.
    var ran: Double
    /// Nanoseconds of run-queue delay booked (only when the thread got the CPU back).
    var waited: Double
    /// Running or waiting for a CPU at the end of the tick.
    var runnable: Bool
  }

  /// What to do after a tick.
  enum Decision: Equatable {
    case none
    /// Promote every thread to `SCHED_OTHER` at the share's nice (`resume`: within
    /// `resumeTicks` of the last lowering, after one starved tick).
    case raiseAll(resume: Bool)
    /// Put every thread back to `SCHED_IDLE`.
    case lowerAll
  }

  /// A thread that wanted the CPU and got less than this share of a tick while the machine had no
  /// idle CPU was kept off the CPU by someone: a starved tick.
  static let starvedRanFraction = 0.25
  /// A run-queue delay grown by more than this share of a tick: the thread waited most of it.
  static let starvedWaitFraction = 0.75
  /// Consecutive starved ticks before the threads are raised (a short burst of foreign work is not
  /// starvation).
  static let starvedTicks = 2
  /// Less idle CPU than this share of one core during a tick: the machine is saturated; at least
  /// this much: it has CPU to spare, and a `SCHED_IDLE` thread gets it.
  static let spareCoreFraction = 0.2
  /// Other processes used at least this share of one core during a tick: the saturation is not
  /// only this process's own (a busy critical path starving its own background is isolation
  /// working, not a reason to raise anything).
  static let foreignCoreFraction = 0.25
  /// Consecutive calm ticks (CPU to spare, or under `foreignCoreFraction` of a core used by other
  /// programs) before raised threads go back to `SCHED_IDLE`.
  static let calmTicks = 10
  /// Ticks after a lowering during which one starved tick raises the threads again.
  static let resumeTicks = 40

  /// Whether the threads are raised now.
  private(set) var contended = false
  private var starved: [Int]
  private var calm = 0
  private var loweredAtTick = Int.min / 2

  init(threads: Int) {
    starved = Array(repeating: 0, count: threads)
  }

  /// One tick of `elapsed` nanoseconds in which the machine's CPUs were idle for `idleNs` in all
  /// and other processes ran for `foreignNs`; `samples` has one entry per thread (nil: not
  /// watched).
  mutating func assess(
    _ samples: [Sample?], elapsed: Double, idleNs: Double, foreignNs: Double, tick: Int
  ) -> Decision {
    let spare = idleNs >= Self.spareCoreFraction * elapsed
    let foreign = foreignNs >= Self.foreignCoreFraction * elapsed
    if contended {
      // Calm: CPU to spare, or nothing but this process keeps the machine busy (its own backlog
      // after the foreign load left, which the critical path must win again).
      calm = spare || !foreign ? calm + 1 : 0
      guard calm >= Self.calmTicks else { return .none }
      contended = false
      loweredAtTick = tick
      return .lowerAll
    }
    let resuming = tick - loweredAtTick <= Self.resumeTicks
    var raise = false
    for (index, sample) in samples.enumerated() where index < starved.count {
      guard let sample else {
        starved[index] = 0
        continue
      }
      // It wanted the CPU (runnable now, or booked a long wait) and got little of it, on a machine
      // with none to spare, part of it taken by other programs. A SCHED_IDLE thread that never
      // gets the CPU books no delay at all, so the runnable state is the signal that does not
      // wait for it to run.
      let wanted = sample.runnable || sample.waited > Self.starvedWaitFraction * elapsed
      let tickStarved = !spare && foreign && wanted && sample.ran < Self.starvedRanFraction * elapsed
      starved[index] = tickStarved ? starved[index] + 1 : 0
      if starved[index] >= (resuming ? 1 : Self.starvedTicks) { raise = true }
    }
    guard raise else { return .none }
    contended = true
    calm = 0
    starved = starved.map { _ in 0 }
    return .raiseAll(resume: resuming)
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
