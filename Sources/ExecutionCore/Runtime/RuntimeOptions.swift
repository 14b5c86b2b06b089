/// How a runtime behaves; every field has a sensible default.
public struct RuntimeOptions: Sendable {
  /// The mode runs start in (changeable later with `setMode`).
  public var mode: ExecutionMode
  /// Seed for latencies, failures, backoff jitter and Poisson arrivals.
  public var seed: UInt64
  /// Runs in flight (started, not settled) beyond which new runs are rejected; nil: no limit.
  public var maxRunsInFlight: Int?
  /// Whether `start()` starts each workflow's load generator at its default rate.
  public var startLoad: Bool
  /// Seconds of per-second history kept for series.
  public var historySeconds: Int
  /// Events kept in the log.
  public var eventCapacity: Int
  /// Background failures kept in `recentFailures`.
  public var failureCapacity: Int
  /// Summaries and series in a snapshot are recomputed at most this often (live counters always are).
  public var snapshotRefreshInterval: Duration
  /// A blocking step that starts this much after its intended start time still ends at its
  /// intended deadline (absorbs sleep overshoot); later starts count the lateness.
  public var overshootAllowance: Duration
  /// Run background workers on the dedicated low-priority executor (false: shared pool, for comparison).
  public var isolateBackground: Bool
  /// The share of a core a background thread gets while other programs keep the CPU busy, from 0
  /// to 0.5 (`BackgroundShare`). Background threads run `SCHED_IDLE` (the critical path always
  /// preempts them); one that has been kept off the CPU for 100 ms is raised to the nice level
  /// that gets this share against one ordinary-priority competitor, and lowered again when its
  /// backlog or the competition is gone. 0 never raises them: background work then stops while
  /// anything else on the machine is busy. Higher values finish background work sooner under
  /// foreign load and cost the critical path more while it runs raised.
  public var backgroundShare: Double
  /// The largest run input, in bytes of JSON text, `run(workflow:input:)` accepts (default 1 MiB).
  public var inputLimit: Int
  /// Settled runs whose waterfalls `trace(run:)` still answers, latest first (0: none; a server
  /// sets it so a caller can look a run up after it settled).
  public var keptRuns: Int
  /// Told every critical-path, queue-wait and step-run time as the runtime records it (an
  /// exporter such as `lanes serve`'s Prometheus histograms); nil: nobody.
  public var observer: (any RuntimeObserver)?
  /// Where background steps live when they must outlive the process (`LanesSQLite`,
  /// `LanesPostgres`); nil: in memory (lost when the process dies, and fastest). With a store, call
  /// `Runtime.openStore()` before `start()` or the first run.
  public var store: (any StepStore)?

  /// Creates options.
  public init(
    mode: ExecutionMode = .hybrid, seed: UInt64 = 1, maxRunsInFlight: Int? = nil,
    startLoad: Bool = true, historySeconds: Int = 300, eventCapacity: Int = 200,
    failureCapacity: Int = 50, snapshotRefreshInterval: Duration = .milliseconds(200),
    overshootAllowance: Duration = .milliseconds(2), isolateBackground: Bool = true,
    backgroundShare: Double = BackgroundShare.defaultShare,
    inputLimit: Int = 1 << 20, keptRuns: Int = 0,
    observer: (any RuntimeObserver)? = nil, store: (any StepStore)? = nil
  ) {
    self.mode = mode
    self.seed = seed
    self.maxRunsInFlight = maxRunsInFlight
    self.startLoad = startLoad
    self.historySeconds = historySeconds
    self.eventCapacity = eventCapacity
    self.failureCapacity = failureCapacity
    self.snapshotRefreshInterval = snapshotRefreshInterval
    self.overshootAllowance = overshootAllowance
    self.isolateBackground = isolateBackground
    self.backgroundShare = backgroundShare
    self.inputLimit = inputLimit
    self.keptRuns = max(0, keptRuns)
    self.observer = observer
    self.store = store
  }
}

/// Receives every latency the runtime records, as it records it: what an exporter needs to build
/// histograms that the snapshot's percentiles cannot give (Prometheus buckets, for one).
///
/// Called on the runtime's threads (the critical path's among them) outside its locks: keep each
/// call short and never block. Indexes are positions in the topology's definition order (the
/// snapshot's `workflows` and `queues` order).
public protocol RuntimeObserver: Sendable {
  /// A run responded successfully after `nanoseconds` from its intended start (comparison runs
  /// are left out, as from the workflow's figures).
  func recordCriticalPath(workflow: Int, nanoseconds: Int64)
  /// A background step's attempt waited `nanoseconds` on queue `queue` before it started.
  func recordQueueWait(queue: Int, nanoseconds: Int64)
  /// A background step succeeded after running `nanoseconds` (its last attempt).
  func recordStepRun(queue: Int, nanoseconds: Int64)
}
