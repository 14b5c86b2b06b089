import DequeModule

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A task executor backed by its own OS threads running at the lowest scheduling priority
/// (SCHED_IDLE on Linux, with nice 19 as a fallback).
///
/// Background workers run here, so CPU-bound background steps compete with each other and not
/// with the critical path: the blocking steps stay on Swift's cooperative pool, whose threads
/// keep normal priority and win the CPU as soon as they wake (performance.md, trap 2).
final class BackgroundExecutor: TaskExecutor, @unchecked Sendable {
  // @unchecked Sendable is safe: `jobs` and `stopped` are only read or written with `mutex`
  // held, and the pthread primitives are allocated once in `init` and freed only in `deinit`,
  // after every thread has been told to stop (the shared instance lives for the process).
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let condition: UnsafeMutablePointer<pthread_cond_t>
  private var jobs = Deque<UnownedJob>()
  private var idleThreads = 0

  /// The process-wide instance, sized to the machine (at least two threads).
  static let shared = BackgroundExecutor(threads: max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), nice: 19)

  /// Threads in the pool.
  let threadCount: Int

  /// Starts `threads` threads, each lowering its own priority to `nice`.
  init(threads: Int, nice: Int32) {
    mutex = .allocate(capacity: 1)
    condition = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
    threadCount = threads
    for _ in 0..<threads {
      let context = Unmanaged.passRetained(ThreadContext(executor: self, nice: nice)).toOpaque()
      var thread = pthread_t()
      let status = pthread_create(
        &thread, nil,
        { raw in
          guard let raw else { return nil }
          let context = Unmanaged<ThreadContext>.fromOpaque(raw).takeRetainedValue()
          context.executor.threadMain(nice: context.nice)
          return nil
        }, context)
      if status == 0 { pthread_detach(thread) }
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

  private func threadMain(nice: Int32) {
    #if os(Linux)
      // A name of its own, so `top -H`, `perf sched` and gdb tell background threads apart from the
      // shared pool's (a new thread otherwise inherits its creator's name). `pthread_setname_np`
      // is not visible from Swift's Glibc module; the thread's comm file is the same thing.
      let fd = open("/proc/thread-self/comm", O_WRONLY)
      if fd >= 0 {
        _ = "lanes-bg".withCString { write(fd, $0, strlen($0)) }
        close(fd)
      }
      // On Linux the nice value is per thread, and `who` = 0 names the calling thread only.
      _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
      // Then SCHED_IDLE (policy 5, `__USE_GNU` only in the headers), also per thread. Nice 19
      // alone was not enough: under EEVDF (Linux 6.6 and later) a waking normal thread does not
      // preempt a running nice-19 one until its slice ends, so with every core busy on background
      // work the critical path's threads waited up to 7 ms to run (`perf sched latency` on
      // `lanes bench --case isolation-noop`). A SCHED_IDLE thread is preempted as soon as any
      // normal thread wakes. Where the policy is refused, nice 19 stays.
      if nice > 0 {
        var parameters = sched_param(sched_priority: 0)
        _ = sched_setscheduler(0, 5, &parameters)
      }
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

  private final class ThreadContext {
    let executor: BackgroundExecutor
    let nice: Int32
    init(executor: BackgroundExecutor, nice: Int32) {
      self.executor = executor
      self.nice = nice
    }
  }
}
