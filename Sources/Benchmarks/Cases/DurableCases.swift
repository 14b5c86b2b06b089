import ExecutionCore
import Foundation
import LanesSQLite
import Synchronization

/// The SQLite store's cost: steps per second through the store (drained as huey's figure is: all
/// steps enqueued first, then timed from the moment workers may take them to the last one's end;
/// and end to end: enqueue, claim, complete at once), enqueue to start at 200 steps/s, and the
/// critical path's added cost (the commit before the answer), each beside huey's SqliteHuey run by
/// `.ci/peers/huey_bench.py` when python3 and huey are installed (same no-op job count, same
/// workers, WAL).
enum DurableCases {
  static let workers = 2

  /// A runtime on a fresh SQLite file in a temporary folder (removed by `stop`).
  /// `pausedQueue`: that queue starts paused (set in the file before the runtime opens it).
  static func sqliteRuntime(
    _ workflows: [WorkflowDefinition], queues: [QueueDefinition], seed: UInt64, pausedQueue: String? = nil
  ) async throws -> (Runtime, URL) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-bench-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("bench.db").path
    if let pausedQueue {
      let setup = SQLiteStepStore(path: path)
      _ = try await setup.open(StoreTopology(workflows: [:], queues: [pausedQueue]))
      try await setup.setPaused(queue: pausedQueue, true)
      await setup.close()
    }
    let store = SQLiteStepStore(path: path)
    let runtime = try Runtime(
      topology: Topology(workflows: workflows, queues: queues),
      options: RuntimeOptions(seed: seed, startLoad: false, store: store))
    try await runtime.openStore()
    runtime.start()
    return (runtime, folder)
  }

  static func stop(_ runtime: Runtime, _ folder: URL) async {
    _ = await runtime.shutdown(deadline: .seconds(5))
    try? FileManager.default.removeItem(at: folder)
  }

  /// The store alone: sequential enqueues (one commit each) and concurrent ones (group commit).
  static func storeAlone(count: Int) async throws -> (sequential: BenchHistogram, concurrentPerSecond: Double)
  {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-bench-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = SQLiteStepStore(path: folder.appendingPathComponent("bench.db").path)
    _ = try await store.open(
      StoreTopology(
        workflows: ["w": [.init(id: "s", queue: "q", maxAttempts: 1, dependencies: [])]], queues: ["q"]))
    var sequential = BenchHistogram()
    for n in 0..<count {
      let started = Nanos.now()
      try await store.enqueue([
        NewStoredStep(
          runID: UInt64(n + 1), workflow: "w", step: "s", queue: "q", pendingDependencies: 0,
          data: StepInput())
      ])
      sequential.record(nanoseconds: Nanos.now() - started)
    }
    let tickets = Tickets()
    let started = Nanos.now()
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<32 {
        group.addTask {
          while case let n = tickets.take(), n <= count {
            try? await store.enqueue([
              NewStoredStep(
                runID: UInt64(count + n), workflow: "w", step: "s", queue: "q", pendingDependencies: 0,
                data: StepInput())
            ])
          }
        }
      }
    }
    let perSecond = Double(count) / (Double(Nanos.now() - started) / 1e9)
    await store.close()
    return (sequential, perSecond)
  }

  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let alone = try await storeAlone(count: min(5000, context.sizes.enqueueSamples))
    let jobs = min(20_000, max(200, context.sizes.throughputJobs / 25))
    let samples = context.sizes.enqueueSamples
    let runs = context.sizes.chainRuns
    let drained = try await drain(steps: jobs, seed: context.seed)
    let throughput = try await throughput(steps: jobs, seed: context.seed)
    let gaps = try await enqueueToStart(samples: samples, rate: 200, seed: context.seed)
    let (memory, sqlite) = try await criticalPath(runs: runs, seed: context.seed)
    let huey = HueyPeer.run(tasks: jobs, workers: workers, rate: 200, samples: min(samples, 1000))
    var baseline: [BenchFigure] = []
    var checks: [BenchCheck] = [
      context.infoCheck(
        "critical path p50, sqlite vs memory", measured: BenchFigure("sqlite p50", sqlite.p50, .nanoseconds),
        baseline: BenchFigure("memory p50", memory.p50, .nanoseconds)),
      context.infoCheck(
        "critical path p99, sqlite vs memory", measured: BenchFigure("sqlite p99", sqlite.p99, .nanoseconds),
        baseline: BenchFigure("memory p99", memory.p99, .nanoseconds)),
    ]
    if let huey {
      baseline = [
        BenchFigure("huey SqliteHuey drained tasks/s", huey.perSecond, .perSecond),
        BenchFigure("huey enqueue to start p50", huey.p50Ms * 1e6, .nanoseconds),
        BenchFigure("huey enqueue to start p99", huey.p99Ms * 1e6, .nanoseconds),
      ]
      checks.append(
        context.ratioCheck(
          "durable steps/s drained vs huey", measured: BenchFigure("lanes sqlite", drained, .perSecond),
          baseline: BenchFigure("huey", huey.perSecond, .perSecond), target: "ratio >= 5",
          bound: .atLeast(5)))
      checks.append(
        context.infoCheck(
          "durable steps/s end to end vs huey drained",
          measured: BenchFigure("lanes sqlite", throughput, .perSecond),
          baseline: BenchFigure("huey", huey.perSecond, .perSecond)))
    }
    checks.append(
      context.absoluteCheck(
        "enqueue to start p99", measured: BenchFigure("p99", gaps.p99, .nanoseconds),
        baseline: BenchFigure("huey p99", (huey?.p99Ms ?? .nan) * 1e6, .nanoseconds), target: "p99 < 10ms",
        bound: .atMost(10_000_000)))
    return BenchCaseResult(
      name: "sqlite store",
      figures: [
        BenchFigure("store alone: one enqueue commit p50", alone.sequential.p50, .nanoseconds),
        BenchFigure("store alone: one enqueue commit p99", alone.sequential.p99, .nanoseconds),
        BenchFigure("store alone: enqueues/s, 32 callers", alone.concurrentPerSecond, .perSecond),
        BenchFigure("sqlite steps/s drained (enqueued first, then claim, complete)", drained, .perSecond),
        BenchFigure("sqlite steps/s end to end (enqueue, claim, complete)", throughput, .perSecond),
        BenchFigure("enqueue to start p50", gaps.p50, .nanoseconds),
        BenchFigure("enqueue to start p99", gaps.p99, .nanoseconds),
        BenchFigure("critical path p50, sqlite", sqlite.p50, .nanoseconds),
        BenchFigure("critical path p99, sqlite", sqlite.p99, .nanoseconds),
        BenchFigure("critical path p50, memory", memory.p50, .nanoseconds),
        BenchFigure("critical path p99, memory", memory.p99, .nanoseconds),
      ],
      baseline: baseline,
      checks: checks,
      notes: [
        "store: SQLite, WAL, synchronous=NORMAL (durability process), \(workers) workers, claiming up to 64 ahead; drained (what huey's figure and the ratio check measure): \(jobs) no-op background steps, one per run, acknowledged by 32 concurrent callers while their queue is paused, then timed from the resume to the last step's end (each claimed, counted as started and completed through the store); end to end: the same, the queue not paused, timed from the first run to the last step's end (each step also inserted in the timed span); enqueue to start: a blocking step stamps its end and the background step after it its start, runs open loop at 200/s, \(samples) samples; critical path: \(runs) runs one after another of a blocking no-op with two background no-op steps after it, memory store then SQLite store",
        huey.map {
          "huey \($0.version) SqliteHuey (WAL), \(workers) thread workers, \(jobs) no-op tasks enqueued then drained; enqueue to start at 200/s (.ci/peers/huey_bench.py)"
        } ?? "huey: not measured (python3 with huey not found; pip install huey)",
      ])
  }

  /// No-op background steps per second drained from the store: `steps` runs acknowledged while the
  /// queue is paused, then timed from the resume to the last step's end (as huey's drain: tasks
  /// enqueued first, timed from the consumer's start).
  static func drain(steps: Int, seed: UInt64) async throws -> Double {
    let done = Counter(target: steps)
    let workflow = WorkflowDefinition(
      name: "one",
      steps: [
        StepDefinition(id: "go", mode: .blocking, action: .closure { _ in }),
        StepDefinition(
          id: "noop", mode: .background, after: ["go"], queue: "bulk",
          action: .closure { _ in done.increment() }),
      ], load: LoadDefinition(rate: 0))
    let (runtime, folder) = try await sqliteRuntime(
      [workflow], queues: [QueueDefinition(name: "bulk", workers: workers, capacity: steps)], seed: seed,
      pausedQueue: "bulk")
    let next = Tickets()
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<32 {
        group.addTask {
          while next.take() <= steps {
            _ = try? await runtime.run(workflow: "one")
          }
        }
      }
    }
    let started = Nanos.now()
    runtime.resumeQueue("bulk")
    let deadline = ContinuousClock.now + .seconds(120)
    while done.finishedAt == nil, ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(1))
    }
    let end = done.finishedAt ?? Nanos.now()
    await stop(runtime, folder)
    return Double(steps) / (Double(end - started) / 1e9)
  }

  /// No-op background steps per second through the store, end to end.
  static func throughput(steps: Int, seed: UInt64) async throws -> Double {
    let done = Counter(target: steps)
    let workflow = WorkflowDefinition(
      name: "one",
      steps: [
        StepDefinition(id: "go", mode: .blocking, action: .closure { _ in }),
        StepDefinition(
          id: "noop", mode: .background, after: ["go"], queue: "bulk",
          action: .closure { _ in done.increment() }),
      ], load: LoadDefinition(rate: 0))
    let (runtime, folder) = try await sqliteRuntime(
      [workflow], queues: [QueueDefinition(name: "bulk", workers: workers, capacity: steps)], seed: seed)
    let started = Nanos.now()
    let next = Tickets()
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<32 {
        group.addTask {
          while next.take() <= steps {
            _ = try? await runtime.run(workflow: "one")
          }
        }
      }
    }
    let deadline = ContinuousClock.now + .seconds(120)
    while done.finishedAt == nil, ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(1))
    }
    let end = done.finishedAt ?? Nanos.now()
    await stop(runtime, folder)
    return Double(steps) / (Double(end - started) / 1e9)
  }

  /// Enqueue to start through the store at `rate` steps per second.
  static func enqueueToStart(samples: Int, rate: Double, seed: UInt64) async throws -> BenchHistogram {
    let probe = GapProbe()
    let (gaps, workflow) = (probe.gaps, probe.workflow)
    let (runtime, folder) = try await sqliteRuntime(
      [workflow], queues: [QueueDefinition(name: "ping", workers: workers, capacity: 100_000)], seed: seed)
    await OpenLoop.run(rate: rate, count: 20, seed: seed) { _ in _ = try? await runtime.run(workflow: "ping")
    }
    _ = await runtime.waitUntilSettled(timeout: .seconds(10))
    gaps.withLock { $0 = BenchHistogram() }
    await OpenLoop.run(rate: rate, count: samples, seed: seed) { _ in
      _ = try? await runtime.run(workflow: "ping")
    }
    _ = await runtime.waitUntilSettled(timeout: .seconds(30))
    await stop(runtime, folder)
    return gaps.withLock { $0 }
  }

  /// A run with two background steps, one after another, with the memory store and with SQLite.
  static func criticalPath(runs: Int, seed: UInt64) async throws -> (BenchHistogram, BenchHistogram) {
    let workflow = WorkflowDefinition(
      name: "two",
      steps: [
        StepDefinition(id: "answer", mode: .blocking, action: .closure { _ in }),
        StepDefinition(
          id: "b1", mode: .background, after: ["answer"], queue: "later", action: .closure { _ in }),
        StepDefinition(
          id: "b2", mode: .background, after: ["answer"], queue: "later", action: .closure { _ in }),
      ], load: LoadDefinition(rate: 0))
    let queues = [QueueDefinition(name: "later", workers: workers, capacity: 100_000)]
    func measure(_ runtime: Runtime) async -> BenchHistogram {
      var histogram = BenchHistogram()
      for n in 0..<(runs + 20) {
        let started = Nanos.now()
        guard (try? await runtime.run(workflow: "two")) != nil else { continue }
        if n >= 20 { histogram.record(nanoseconds: Nanos.now() - started) }
      }
      return histogram
    }
    let memoryRuntime = try RuntimeHarness.make([workflow], queues: queues, seed: seed)
    memoryRuntime.start()
    let memory = await measure(memoryRuntime)
    await RuntimeHarness.stop(memoryRuntime)
    let (sqliteRuntime, folder) = try await sqliteRuntime([workflow], queues: queues, seed: seed)
    let sqlite = await measure(sqliteRuntime)
    await stop(sqliteRuntime, folder)
    return (memory, sqlite)
  }
}

/// Numbers handed out once each, from 1, to concurrent callers.
final class Tickets: Sendable {
  private let next = Atomic<Int>(0)
  func take() -> Int { next.add(1, ordering: .relaxed).newValue }
}

/// `.ci/peers/huey_bench.py`, when python3 and huey are installed.
enum HueyPeer {
  struct Figures {
    var perSecond: Double
    var p50Ms: Double
    var p99Ms: Double
    var version: String
  }

  static func script() -> String? {
    var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent(".ci/peers/huey_bench.py")
      if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
      directory.deleteLastPathComponent()
    }
    return nil
  }

  static func run(tasks: Int, workers: Int, rate: Double, samples: Int) -> Figures? {
    guard let script = script() else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", script, "--tasks", String(tasks), "--workers", String(workers), "--rate", String(rate),
      "--samples", String(samples),
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let perSecond = object["drained_per_s"] as? Double,
      let p50 = object["enqueue_to_start_p50_ms"] as? Double,
      let p99 = object["enqueue_to_start_p99_ms"] as? Double
    else { return nil }
    return Figures(perSecond: perSecond, p50Ms: p50, p99Ms: p99, version: object["huey"] as? String ?? "?")
  }
}
