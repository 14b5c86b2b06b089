import ExecutionCore
import Foundation
import LanesPostgres

/// The PostgreSQL store through the runtime, on a throwaway PostgreSQL started for the case (the
/// server's defaults, fsync on; stopped whatever happens): no-op background steps per second
/// drained by 1, 2 and 3 nodes (runtimes in this process, each with its own store and connection
/// pool, 2 workers each), enqueue to start at 200 steps/s with notifications and with polling
/// only, and beside them pgqueuer (with and without a concurrency limit) and procrastinate on the
/// same server with the same job and worker counts (`.ci/peers/pg_peers.py`, when the python
/// named by `LANES_PEERS_PYTHON`, default `python3`, has them).
enum PostgresCases {
  static let workers = 2
  static let workflowName = "one"

  /// One no-op background step after a no-op blocking one.
  static func workflow(_ done: Counter) -> WorkflowDefinition {
    WorkflowDefinition(
      name: workflowName,
      steps: [
        StepDefinition(id: "go", mode: .blocking, action: .closure { _ in }),
        StepDefinition(
          id: "noop", mode: .background, after: ["go"], queue: "bulk",
          action: .closure { _ in done.increment() }),
      ], load: LoadDefinition(rate: 0))
  }

  static func options(listen: Bool = true, power: Bool = false) -> PostgresStoreOptions {
    var options = PostgresStoreOptions()
    options.listen = listen
    options.durableStepCommits = power
    return options
  }

  /// A started runtime on `url` with its own store.
  static func startNode(
    _ workflows: [WorkflowDefinition], queue: QueueDefinition, url: String, listen: Bool = true,
    power: Bool = false, seed: UInt64
  ) async throws -> Runtime {
    let store = try PostgresStepStore(url: url, options: options(listen: listen, power: power))
    let runtime = try Runtime(
      topology: Topology(workflows: workflows, queues: [queue]),
      options: RuntimeOptions(seed: seed, startLoad: false, store: store))
    try await runtime.openStore()
    runtime.start()
    return runtime
  }

  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let server = try ThrowawayPostgres(durable: true)
    defer { server.stop() }
    let jobs = min(20_000, max(500, context.sizes.throughputJobs / 25))
    let samples = min(2000, context.sizes.enqueueSamples)
    var perNodes: [Double] = []
    for nodes in 1...3 {
      let url = try server.createDatabase("lanes_drain_\(nodes)")
      perNodes.append(try await drain(jobs: jobs, nodes: nodes, url: url, seed: context.seed))
    }
    // `--durability power`: every claim, start and finish also waits for its WAL flush.
    let power = try await drain(
      jobs: jobs, nodes: 1, url: try server.createDatabase("lanes_drain_power"), power: true,
      seed: context.seed)
    let notified = try await enqueueToStart(
      samples: samples, rate: 200, url: try server.createDatabase("lanes_e2s_notify"), listen: true,
      seed: context.seed)
    let polled = try await enqueueToStart(
      samples: min(samples, 600), rate: 200, url: try server.createDatabase("lanes_e2s_poll"),
      listen: false, seed: context.seed)
    let peers = PostgresPeers.run(
      dsn: try server.createDatabase("peers").replacingOccurrences(of: "postgres://", with: "postgresql://"),
      jobs: jobs, workers: workers)
    var figures: [BenchFigure] = []
    for (index, rate) in perNodes.enumerated() {
      figures.append(
        BenchFigure(
          "steps/s drained, \(index + 1) node\(index == 0 ? "" : "s") x \(workers) workers", rate, .perSecond)
      )
    }
    figures += [
      BenchFigure("steps/s drained, 1 node x \(workers) workers, --durability power", power, .perSecond),
      BenchFigure("enqueue to start p50, notifications", notified.p50, .nanoseconds),
      BenchFigure("enqueue to start p99, notifications", notified.p99, .nanoseconds),
      BenchFigure("enqueue to start p50, polling only", polled.p50, .nanoseconds),
      BenchFigure("enqueue to start p99, polling only", polled.p99, .nanoseconds),
    ]
    var baseline: [BenchFigure] = []
    var checks: [BenchCheck] = []
    switch peers {
    case .measured(let peer):
      baseline = [
        BenchFigure("pgqueuer concurrency_limit=\(workers) jobs/s", peer.pgqueuerLimited, .perSecond),
        BenchFigure("pgqueuer unlimited jobs/s", peer.pgqueuerUnlimited, .perSecond),
        BenchFigure("procrastinate concurrency=\(workers) jobs/s", peer.procrastinate, .perSecond),
      ]
      let best = [
        ("pgqueuer limited", peer.pgqueuerLimited), ("pgqueuer unlimited", peer.pgqueuerUnlimited),
        ("procrastinate", peer.procrastinate),
      ].max { $0.1 < $1.1 }!
      checks.append(
        context.ratioCheck(
          "1 node steps/s vs the best peer (\(best.0))",
          measured: BenchFigure("lanes 1 node", perNodes[0], .perSecond),
          baseline: BenchFigure(best.0, best.1, .perSecond), target: "ratio >= 2", bound: .atLeast(2)))
    case .notMeasured:
      break
    }
    checks.append(
      context.absoluteCheck(
        "enqueue to start p99 at 200 steps/s, notifications",
        measured: BenchFigure("p99", notified.p99, .nanoseconds), baseline: nil, target: "p99 < 5ms",
        bound: .atMost(5_000_000)))
    let peerNote: String
    switch peers {
    case .measured(let peer):
      peerNote =
        "pgqueuer \(peer.versions["pgqueuer"] ?? "?") (QueueManager, drain mode, batch 10; with concurrency_limit=\(workers) on \(min(jobs, 500)) jobs, it drains slowly) and procrastinate \(peer.versions["procrastinate"] ?? "?") (one worker, concurrency \(workers)), \(jobs) no-op jobs enqueued in batches first, timed from the worker's start to an empty queue (.ci/peers/pg_peers.py)"
    case .notMeasured(let why):
      peerNote = "pgqueuer, procrastinate: not measured (\(why))"
    }
    return BenchCaseResult(
      name: "postgres store",
      figures: figures,
      baseline: baseline,
      checks: checks,
      notes: [
        "PostgreSQL \(serverVersion(server)) started for the case on 127.0.0.1 (defaults, fsync on); each node is a Runtime with its own PostgresStepStore (pool of 4 connections, a listener, 3 for steps' claims, starts and finishes), \(workers) workers, --durability process (the default: step commits with synchronous_commit off) unless the row says power; throughput: \(jobs) no-op background steps inserted first (chunks of 1000), timed from opening the nodes to the store having the last step's success committed (each step claimed, run and finished through the store); enqueue to start: a blocking step stamps its end and the background step after it its start, one node, runs open loop at 200/s, \(samples) samples with notifications, \(min(samples, 600)) polling only (the feeder polls every second)",
        peerNote,
      ])
  }

  static func serverVersion(_ server: ThrowawayPostgres) -> String {
    (try? server.psql("SHOW server_version")) ?? "?"
  }

  /// `jobs` steps inserted, then drained by `nodes` runtimes: steps per second.
  static func drain(
    jobs: Int, nodes: Int, url: String, power: Bool = false, seed: UInt64
  ) async throws -> Double {
    let done = Counter(target: jobs)
    let definition = workflow(done)
    let queue = QueueDefinition(name: "bulk", workers: workers, capacity: jobs)
    let topology = StoreTopology(
      workflows: [workflowName: [.init(id: "noop", queue: "bulk", maxAttempts: 1, dependencies: ["go"])]],
      queues: ["bulk"])
    let seeder = try PostgresStepStore(url: url, options: options(listen: false))
    _ = try await seeder.open(topology)
    let ids = try await seeder.reserveRunIDs(count: jobs)
    let input = StepInput(input: .null, dependencyOutputs: [DependencyOutput(id: "go", output: .null)])
    var steps = ids.map {
      NewStoredStep(
        runID: $0, workflow: workflowName, step: "noop", queue: "bulk", pendingDependencies: 0, data: input)
    }
    while !steps.isEmpty {
      let chunk = Array(steps.prefix(1000))
      steps.removeFirst(chunk.count)
      try await seeder.enqueue(chunk)
    }
    let started = Nanos.now()
    let runtimes = try await withThrowingTaskGroup(of: Runtime.self) { group in
      for _ in 0..<nodes {
        group.addTask {
          try await startNode([definition], queue: queue, url: url, power: power, seed: seed)
        }
      }
      var runtimes: [Runtime] = []
      for try await runtime in group { runtimes.append(runtime) }
      return runtimes
    }
    let deadline = ContinuousClock.now + .seconds(300)
    while done.finishedAt == nil, ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(1))
    }
    // A worker hands its step's success to the store without waiting for it: the drain ends when
    // the store has every success committed, not when the last body returned.
    var committed = false
    while done.finishedAt != nil, !committed, ContinuousClock.now < deadline {
      committed = ((try? await seeder.stats())?["bulk"]?.succeeded ?? 0) >= jobs
      if !committed { try? await Task.sleep(for: .milliseconds(1)) }
    }
    let end = Nanos.now()
    await seeder.close()
    for runtime in runtimes { _ = await runtime.shutdown(deadline: .seconds(5)) }
    guard committed else {
      throw PostgresBenchError("\(nodes) node(s) did not drain \(jobs) steps within 300 s")
    }
    return Double(jobs) / (Double(end - started) / 1e9)
  }

  /// Enqueue to start through the store at `rate` steps per second, one node.
  static func enqueueToStart(
    samples: Int, rate: Double, url: String, listen: Bool, seed: UInt64
  ) async throws -> BenchHistogram {
    let probe = GapProbe()
    let (gaps, workflow) = (probe.gaps, probe.workflow)
    let runtime = try await startNode(
      [workflow], queue: QueueDefinition(name: "ping", workers: workers, capacity: 100_000), url: url,
      listen: listen, seed: seed)
    await OpenLoop.run(rate: rate, count: 20, seed: seed) { _ in _ = try? await runtime.run(workflow: "ping")
    }
    _ = await runtime.waitUntilSettled(timeout: .seconds(10))
    gaps.withLock { $0 = BenchHistogram() }
    await OpenLoop.run(rate: rate, count: samples, seed: seed) { _ in
      _ = try? await runtime.run(workflow: "ping")
    }
    _ = await runtime.waitUntilSettled(timeout: .seconds(30))
    _ = await runtime.shutdown(deadline: .seconds(5))
    return gaps.withLock { $0 }
  }
}

struct PostgresBenchError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// `.ci/peers/pg_peers.py --json`, when python has pgqueuer and procrastinate.
enum PostgresPeers {
  struct Figures {
    var pgqueuerLimited: Double
    var pgqueuerUnlimited: Double
    var procrastinate: Double
    var versions: [String: String]
  }

  enum Outcome {
    case measured(Figures)
    case notMeasured(String)
  }

  static func script() -> String? {
    var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent(".ci/peers/pg_peers.py")
      if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
      directory.deleteLastPathComponent()
    }
    return nil
  }

  static func run(dsn: String, jobs: Int, workers: Int) -> Outcome {
    let install = "pip install pgqueuer procrastinate 'psycopg[binary]' asyncpg"
    guard let script = script() else {
      return .notMeasured(
        ".ci/peers/pg_peers.py not found from the current directory; run from the repository")
    }
    let python = ProcessInfo.processInfo.environment["LANES_PEERS_PYTHON"] ?? "python3"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      python, script, "--dsn", dsn, "--jobs", String(jobs), "--workers", String(workers),
      // pgqueuer with its concurrency limit drains a few dozen jobs a second here: fewer jobs.
      "--limited-jobs", String(min(jobs, 500)), "--json",
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return .notMeasured("cannot start \(python); \(install)") }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if process.terminationStatus == 3 || process.terminationStatus == 127 {
      return .notMeasured("\(python) lacks them: \(install), or set LANES_PEERS_PYTHON")
    }
    guard process.terminationStatus == 0,
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let limited = object["pgqueuer_limited_per_s"] as? Double,
      let unlimited = object["pgqueuer_unlimited_per_s"] as? Double,
      let procrastinate = object["procrastinate_per_s"] as? Double
    else {
      return .notMeasured("pg_peers.py failed with status \(process.terminationStatus)")
    }
    return .measured(
      Figures(
        pgqueuerLimited: limited, pgqueuerUnlimited: unlimited, procrastinate: procrastinate,
        versions: object["versions"] as? [String: String] ?? [:]))
  }
}
