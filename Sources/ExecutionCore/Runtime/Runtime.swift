import DequeModule
import Histogram
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a topology: blocking steps on the critical path, background steps on bounded queues.
///
/// Queue workers start as steps arrive (up to each queue's count); `start()` adds the load generators. Every control call
/// returns at once; `run`, `drive`, `waitUntilSettled` and `shutdown` are the awaitable API.
///
/// Semantics chosen where the design left a choice:
/// - Timing: a simulated blocking step sleeps until `start + latency`, where `start` is its
///   dependencies' latest intended end (or the run's intended start), unless it starts more than
///   `overshootAllowance` late; then the lateness counts. Latency is measured from the intended start.
/// - `block` policy: the run's own task puts the steps its blocking steps made ready onto their
///   queues and waits for room, so the response is not sent until all of them were accepted (the
///   hidden dependency shows as critical-path latency and `blockedProducers`). Steps made ready by
///   background steps wait in a helper task and never delay a response.
/// - Workflow pause: `pausing` until no run of the workflow is in flight (every run settled),
///   then `paused`. Generated arrivals are skipped silently while paused; explicit triggers are
///   rejected and counted.
/// - Queue pause: `pausing` until no worker holds a step, then `paused`; waiting steps stay.
/// - Retries of background steps wait off the worker (a timer task) and re-enter at the back of
///   the queue, never refused (they were accepted). A redriven dead letter re-enters without being
///   counted as accepted again; its run has settled already, so only its trace and counts change.
/// - Critical-path histograms record successful responses; failed runs count in `runsFailed`.
/// - Modes: a run keeps the mode it was admitted in, its workflow's own (`setMode(_:workflow:comparison:)`)
///   if set, else the runtime's. Runs admitted while their workflow is under a comparison count in
///   every run counter and rate but not in the latency figures (since start, windows, series).
/// - Windows: see `StatsWindow` for what each covers and at what resolution.
/// - `waitUntilSettled` and `shutdown` deadlines are real (wall-clock) time, whatever the clock.
public final class Runtime: RuntimeControl {
  struct Global: Sendable {
    var mode: ExecutionMode
    var shuttingDown = false
    var started = false
    /// Runs not yet settled, by id (for `waitUntilSettled` and shutdown); a settled run leaves at
    /// once, so a run stuck on a paused queue holds only itself.
    var unsettled: [UInt64: RunState] = [:]
    /// Worker tasks started so far (they start as steps arrive; see `StepQueue`).
    var workers: [Task<Void, Never>] = []
    /// Set once shutdown has cancelled the workers: a worker registering later is cancelled at once.
    var workersCancelled = false
    var ticker: Task<Void, Never>?
  }

  struct Recording: Sendable {
    var workflow: Int
    var afterRunID: UInt64
    /// Only runs in this mode count (a run admitted just before a mode change is left out).
    var mode: ExecutionMode?
    var histogram: Histogram<UInt64>
  }

  let clock: any LanesClock
  let options: RuntimeOptions
  /// `options.overshootAllowance` in nanoseconds (read once per blocking step).
  let overshootAllowanceNs: Int64
  let workflows: [WorkflowRuntime]
  let workflowIndex: [String: Int]
  let queues: [StepQueue]
  let queueIndex: [String: Int]
  let global: Mutex<Global>
  let nextRunID = Atomic<UInt64>(0)
  let inFlight = Atomic<Int>(0)
  let events: EventLog
  let failures = Mutex(Deque<FailureRecord>())
  /// The latest `options.keptRuns` settled runs, oldest first (for `trace(run:)`).
  let keptRuns = Mutex(Deque<RunState>())
  let recordings = Mutex([UInt64: Recording]())
  let activeRecordings = Atomic<Int>(0)
  let nextRecording = Atomic<UInt64>(0)
  let cache = Mutex(SnapshotCache())
  let executor: BackgroundExecutor?
  /// The wall-clock time (since the Unix epoch) at which `clock` read zero.
  let startedAt: Duration
  /// The durable store (`options.store`); nil: background steps live in memory.
  let store: (any StepStore)?
  /// What the runtime keeps about its store (see Runtime+Store.swift).
  let storeLink = Mutex(StoreLink())
  /// The cluster as the store last had it, when the store is shared (see Runtime+Cluster.swift).
  let clusterLink = Mutex(ClusterLink())

  /// Checks `topology` and readies the queues (their workers start as steps arrive); throws
  /// `RuntimeError.invalidTopology`.
  public init(
    topology: Topology, options: RuntimeOptions = RuntimeOptions(), clock: any LanesClock = SystemClock()
  ) throws(RuntimeError) {
    let compiled = try CompiledTopology.compile(topology)
    self.clock = clock
    self.options = options
    self.overshootAllowanceNs = Int64(options.overshootAllowance.nanoseconds)
    self.workflows = topology.workflows.enumerated().map { i, definition in
      WorkflowRuntime(index: i, definition: definition, steps: compiled.workflows[i])
    }
    var workflowIndex: [String: Int] = [:]
    for w in workflows { workflowIndex[w.name] = w.index }
    self.workflowIndex = workflowIndex
    self.queues = topology.queues.enumerated().map {
      StepQueue(index: $0, definition: $1, history: options.historySeconds, observer: options.observer)
    }
    self.queueIndex = compiled.queueIndex
    self.global = Mutex(Global(mode: options.mode))
    self.events = EventLog(capacity: options.eventCapacity)
    self.executor =
      options.isolateBackground ? BackgroundExecutor.shared(share: options.backgroundShare) : nil
    self.startedAt = Self.wallClockNow() - clock.now
    self.store = options.store
    // With a store, workers are fed by the store's claims (`openStore`), not by in-memory offers.
    if store == nil { startWorkers() }
  }

  /// Starts the load generators (at each workflow's default rate if `options.startLoad`) and the
  /// once-a-second refresh of the snapshot's summaries. Calling it again does nothing.
  public func start() {
    let first = global.withLock { global -> Bool in
      defer { global.started = true }
      return !global.started && !global.shuttingDown
    }
    guard first else { return }
    for workflow in workflows {
      let rate = options.startLoad ? workflow.load.rate : 0
      applyRate(workflow, rate: rate, arrivals: workflow.load.arrivals, announce: false)
    }
    if clock.isRealTime {
      let ticker = Task { [weak self] in
        while !Task.isCancelled {
          try? await Task.sleep(for: .seconds(1))
          guard let self else { return }
          self.refreshIfStale(force: true)
        }
      }
      global.withLock { $0.ticker = ticker }
    }
  }

  /// The runtime clock now, in nanoseconds.
  var nowNs: Int64 { clock.nowNanoseconds }

  /// The wall-clock time as time since the Unix epoch.
  static func wallClockNow() -> Duration {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
  }

  /// Whole seconds since start.
  func second(_ ns: Int64) -> Int { Int(ns / 1_000_000_000) }

  func event(_ severity: EventSeverity, _ kind: EventKind, _ message: String) {
    events.add(time: clock.now, severity: severity, kind: kind, message: message)
  }

  func workflow(named name: String) throws(RuntimeError) -> WorkflowRuntime {
    guard let i = workflowIndex[name] else { throw .unknownWorkflow(name) }
    return workflows[i]
  }

  /// Lets each queue start its worker tasks as steps arrive, up to its declared count: memory
  /// follows the work in flight, not the declared sizes.
  private func startWorkers() {
    for queue in queues {
      queue.startWorkers { [weak self] queue, first in self?.startWorker(queue, first: first) }
    }
  }

  /// Starts one worker task of `queue`, which runs `first` and then takes steps until the queue closes.
  private func startWorker(_ queue: StepQueue, first: QueueItem) {
    let task = Task(executorPreference: executor) { [self] in
      await self.workerLoop(queue, first: first)
    }
    let cancel = global.withLock { global -> Bool in
      global.workers.append(task)
      return global.workersCancelled
    }
    if cancel { task.cancel() }
  }
}
