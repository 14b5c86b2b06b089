import ExecutionCore
import Prometheus
import Synchronization

/// The runtime's figures in Prometheus' text format (`GET /metrics`), on swift-prometheus.
///
/// Histograms (critical path, queue wait, step run) are filled as the runtime records each time:
/// pass this object as `RuntimeOptions.observer`. Counters and gauges are read from the snapshot
/// at each scrape. Base units (seconds), histograms not summaries (they aggregate across
/// instances), labels only from the topology's names (never a run id). Every metric is
/// registered once, here (swift-prometheus traps on a second registration that differs).
///
/// **Per node or cluster-wide.** On a node of a cluster (a store several processes share:
/// PostgreSQL), what comes from the database is the whole cluster's and is the same on every
/// node: `lanes_queue_steps`, `lanes_queue_oldest_age_seconds` and `lanes_background_steps_total`.
/// Those then carry the label `scope="cluster"` (made with `clusterWide: true`), so a query takes
/// one node's value (`max by (queue, state)`) instead of summing every node's. Everything else is
/// the node's own and sums across nodes: runs, critical path, queue wait and step run times,
/// workers, busy workers, runs in flight. Without a shared store every metric is the process's.
public final class LanesMetrics: RuntimeObserver {
  /// The registry holding every metric (a service may add its own to it).
  public let registry = PrometheusCollectorRegistry()

  /// Bucket bounds in seconds: 100 µs to 60 s, about three per decade, fine enough around the
  /// millisecond latencies the critical path has and wide enough for slow background steps.
  public static let buckets: [Double] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
  ]

  let workflows: [String]
  let queues: [String]
  /// Store-derived metrics are the cluster's (labelled `scope="cluster"`).
  public let clusterWide: Bool
  let criticalPath: [ValueHistogram]
  let queueWait: [ValueHistogram]
  let stepRun: [ValueHistogram]

  struct Counters {
    /// Per workflow: succeeded, failed, rejected.
    var runs: [[Counter]]
    var runsSeen: [[Int]]
    /// Per queue, in `stepOutcomes` order.
    var steps: [[Counter]]
    var stepsSeen: [[Int]]
  }
  let counters: Mutex<Counters>
  let queueSteps: [[Gauge]]
  let oldestAge: [Gauge]
  let workers: [Gauge]
  let workersBusy: [Gauge]
  let runsInFlight: Gauge
  let uptime: Gauge

  static let runOutcomes = ["succeeded", "failed", "rejected"]
  static let stepOutcomes = [
    "succeeded", "retried", "failed", "dead_lettered", "rejected", "dropped", "cancelled",
  ]
  static let stepStates = ["queued", "running", "retrying", "dead"]

  /// Metrics for a topology with these workflow and queue names (in definition order);
  /// `clusterWide` when the runtime's store is shared by several nodes (`Runtime.isClusterNode`).
  public convenience init(topology: Topology, clusterWide: Bool = false) {
    self.init(
      workflows: topology.workflows.map(\.name), queues: topology.queues.map(\.name), clusterWide: clusterWide
    )
  }

  /// Metrics for these workflow and queue names, in definition order; `clusterWide` labels the
  /// metrics that come from a shared store `scope="cluster"`.
  public init(
    workflows: [String], queues: [String], version: String = LanesAPI.version, clusterWide: Bool = false
  ) {
    self.workflows = workflows
    self.queues = queues
    self.clusterWide = clusterWide
    // Appended to the labels of what a shared store counts for the whole cluster.
    let scope: [(String, String)] = clusterWide ? [("scope", "cluster")] : []
    let r = registry
    func name(_ n: String, _ help: String) -> MetricNameDescriptor {
      MetricNameDescriptor(metricName: n, unitName: "", helpText: help)
    }
    let critical = name(
      "lanes_critical_path_seconds", "Time from a run's intended start to its response (this node's runs).")
    criticalPath = workflows.map {
      r.makeValueHistogram(descriptor: critical, labels: [("workflow", $0)], buckets: Self.buckets)
    }
    let wait = name(
      "lanes_queue_wait_seconds",
      "Time a background step waited on its queue before an attempt (attempts this node ran).")
    queueWait = queues.map {
      r.makeValueHistogram(descriptor: wait, labels: [("queue", $0)], buckets: Self.buckets)
    }
    let run = name(
      "lanes_step_run_seconds", "Run time of a background step's successful attempt (attempts this node ran)."
    )
    stepRun = queues.map {
      r.makeValueHistogram(descriptor: run, labels: [("queue", $0)], buckets: Self.buckets)
    }
    let runs = name(
      "lanes_runs_total",
      "Runs by how they ended: succeeded (responded), failed, rejected (this node's runs).")
    let steps = name(
      "lanes_background_steps_total",
      "Background step outcomes (retried and failed count attempts); with a shared store the database's "
        + "totals for the whole cluster, scope=\"cluster\": do not sum across nodes.")
    counters = Mutex(
      Counters(
        runs: workflows.map { w in
          Self.runOutcomes.map {
            r.makeCounter(descriptor: runs, labels: [("workflow", w), ("outcome", $0)])
          }
        },
        runsSeen: workflows.map { _ in Self.runOutcomes.map { _ in 0 } },
        steps: queues.map { q in
          Self.stepOutcomes.map {
            r.makeCounter(descriptor: steps, labels: [("queue", q), ("outcome", $0)] + scope)
          }
        },
        stepsSeen: queues.map { _ in Self.stepOutcomes.map { _ in 0 } }))
    let stepsGauge = name(
      "lanes_queue_steps",
      "Steps a queue holds, by state; with a shared store the database's, for the whole cluster, "
        + "scope=\"cluster\": do not sum across nodes.")
    queueSteps = queues.map { q in
      Self.stepStates.map {
        r.makeGauge(descriptor: stepsGauge, labels: [("queue", q), ("state", $0)] + scope)
      }
    }
    let age = name(
      "lanes_queue_oldest_age_seconds",
      "Age of the oldest queued step (0 when none waits); with a shared store the whole cluster's, "
        + "scope=\"cluster\".")
    oldestAge = queues.map { r.makeGauge(descriptor: age, labels: [("queue", $0)] + scope) }
    let workerCount = name("lanes_workers", "Workers a queue may run on this node.")
    workers = queues.map { r.makeGauge(descriptor: workerCount, labels: [("queue", $0)]) }
    let busy = name("lanes_workers_busy", "Workers of this node running a step now.")
    workersBusy = queues.map { r.makeGauge(descriptor: busy, labels: [("queue", $0)]) }
    runsInFlight = r.makeGauge(
      descriptor: name("lanes_runs_in_flight", "Runs this node started and has not settled."))
    uptime = r.makeGauge(descriptor: name("lanes_uptime_seconds", "Time since this node's runtime started."))
    r.makeGauge(
      descriptor: name("lanes_build_info", "Always 1; the labels say which Lanes this is."),
      labels: [("version", version)]
    ).set(1.0)
  }

  /// See `RuntimeObserver`.
  public func recordCriticalPath(workflow: Int, nanoseconds: Int64) {
    guard workflow < criticalPath.count else { return }
    criticalPath[workflow].record(Double(nanoseconds) / 1e9)
  }

  /// See `RuntimeObserver`.
  public func recordQueueWait(queue: Int, nanoseconds: Int64) {
    guard queue < queueWait.count else { return }
    queueWait[queue].record(Double(nanoseconds) / 1e9)
  }

  /// See `RuntimeObserver`.
  public func recordStepRun(queue: Int, nanoseconds: Int64) {
    guard queue < stepRun.count else { return }
    stepRun[queue].record(Double(nanoseconds) / 1e9)
  }

  /// Brings counters and gauges up to `snapshot` and returns the text format.
  public func scrape(_ snapshot: RuntimeSnapshot) -> String {
    update(from: snapshot)
    return registry.emitToString()
  }

  /// Brings counters and gauges up to `snapshot` (counters only ever grow: each gets what the
  /// snapshot added since the last update).
  public func update(from snapshot: RuntimeSnapshot) {
    counters.withLock { c in
      for (w, figures) in snapshot.workflows.enumerated() where w < c.runs.count {
        let now = [figures.runsResponded, figures.runsFailed, figures.runsRejected]
        for i in now.indices where now[i] > c.runsSeen[w][i] {
          c.runs[w][i].increment(by: Int64(now[i] - c.runsSeen[w][i]))
          c.runsSeen[w][i] = now[i]
        }
      }
      for (q, queue) in snapshot.queues.enumerated() where q < c.steps.count {
        let now = [
          queue.succeeded, queue.retried, queue.failedAttempts, queue.deadLettered, queue.rejected,
          queue.dropped, queue.cancelled,
        ]
        for i in now.indices where now[i] > c.stepsSeen[q][i] {
          c.steps[q][i].increment(by: Int64(now[i] - c.stepsSeen[q][i]))
          c.stepsSeen[q][i] = now[i]
        }
      }
    }
    for (q, queue) in snapshot.queues.enumerated() where q < queueSteps.count {
      let states = [queue.queued, queue.running, queue.waitingRetry, queue.dead]
      for (i, value) in states.enumerated() { queueSteps[q][i].set(Double(value) as Double) }
      oldestAge[q].set(queue.oldestQueuedAge?.apiSeconds ?? 0)
      workers[q].set(Double(queue.workers))
      workersBusy[q].set(Double(queue.busyWorkers))
    }
    runsInFlight.set(Double(snapshot.runsInFlight))
    uptime.set(snapshot.uptime.apiSeconds)
  }
}
