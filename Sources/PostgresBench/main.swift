// The PostgreSQL store outside the runtime: claim+finish throughput with several store instances
// (nodes) on one database, and the node the clock-skew test runs under libfaketime.
//
//   PostgresBench throughput URL [--nodes N] [--steps M] [--workers W] [--batch B]
//   PostgresBench skew-probe URL LEASE_SECONDS FIFO FIFO
import ExecutionCore
import Foundation
import LanesPostgres

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data((message + "\n").utf8))
  exit(2)
}

func option(_ name: String, in arguments: [String], default value: Int) -> Int {
  guard let at = arguments.firstIndex(of: name) else { return value }
  guard at + 1 < arguments.count, let number = Int(arguments[at + 1]), number > 0 else {
    fail("\(name) needs a positive number")
  }
  return number
}

let topology = StoreTopology(
  workflows: ["bench": [StoreTopology.Step(id: "noop", queue: "bench", maxAttempts: 3, dependencies: [])]],
  queues: ["bench"])

func printLine(_ text: String) {
  print(text)
  fflush(nil)
}

/// Enqueues `steps` no-op steps, then `nodes` store instances with `workers` workers each claim
/// up to `batch` at a time and finish each: steps per second from the first claim to the last finish.
func throughput(url: String, arguments: [String]) async throws {
  let nodes = option("--nodes", in: arguments, default: 1)
  let steps = option("--steps", in: arguments, default: 20_000)
  let workers = option("--workers", in: arguments, default: 2)
  let batch = option("--batch", in: arguments, default: 10)
  var stores: [PostgresStepStore] = []
  for _ in 0..<nodes {
    var options = PostgresStoreOptions()
    options.poolSize = workers + 1
    let store = try PostgresStepStore(url: url, options: options)
    _ = try await store.open(topology)
    stores.append(store)
  }
  let before = try await stores[0].stats()["bench"] ?? StoredQueueStats()
  let ids = try await stores[0].reserveRunIDs(count: steps)
  var pending: [NewStoredStep] = []
  for id in ids {
    pending.append(
      NewStoredStep(
        runID: id, workflow: "bench", step: "noop", queue: "bench", pendingDependencies: 0, data: StepInput())
    )
    if pending.count == 1000 {
      try await stores[0].enqueue(pending)
      pending = []
    }
  }
  if !pending.isEmpty { try await stores[0].enqueue(pending) }
  let clock = ContinuousClock()
  let start = clock.now
  let finished = try await withThrowingTaskGroup(of: Int.self) { group in
    for store in stores {
      for _ in 0..<workers {
        group.addTask {
          var done = 0
          while true {
            let claimed = try await store.claim(queue: "bench", limit: batch)
            if claimed.isEmpty { return done }
            // Each claimed step ends on its own, as on a runtime's workers: their finishes
            // arrive together and share a commit.
            done += try await withThrowingTaskGroup(of: Bool.self) { finishing in
              for step in claimed {
                finishing.addTask { try await store.finish(step.claim, .succeeded(output: .null)) }
              }
              return try await finishing.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
          }
        }
      }
    }
    return try await group.reduce(0, +)
  }
  let elapsed = clock.now - start
  let after = try await stores[0].stats()["bench"] ?? StoredQueueStats()
  for store in stores { await store.close() }
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  printLine(
    "nodes=\(nodes) workers/node=\(workers) batch=\(batch) steps=\(finished) seconds=\(String(format: "%.2f", seconds)) steps/s=\(Int(Double(finished) / seconds)) succeeded+=\(after.succeeded - before.succeeded) stale+=\(after.staleCompletions - before.staleCompletions)"
  )
}

/// One node for the clock-skew test, run under libfaketime and driven line by line through a FIFO
/// (`claim`, `extend`, `finish`, `exit`) so that it needs no timer of its own: it prints its own
/// clock (so the test sees the skew is in effect) and what each command did.
func skewProbe(url: String, leaseSeconds: Int, commands fifo: String) async throws {
  var options = PostgresStoreOptions()
  options.lease = .seconds(leaseSeconds)
  options.maintenanceInterval = .seconds(3600)
  let store = try PostgresStepStore(url: url, options: options)
  _ = try await store.open(topology)
  printLine("clock \(Int64(Date().timeIntervalSince1970))")
  guard let input = fopen(fifo, "r") else { fail("cannot open \(fifo)") }
  defer { fclose(input) }
  var held: StepClaim?
  var line: UnsafeMutablePointer<CChar>?
  var capacity = 0
  defer { free(line) }
  while getline(&line, &capacity, input) > 0, let line {
    switch String(cString: line).trimmingCharacters(in: .whitespacesAndNewlines) {
    case "claim":
      let step = try await store.claim(queue: "bench", limit: 1).first
      // Started at once, as a worker would: the lease under test is a running step's.
      if let step { _ = try await store.started([step.claim]) }
      held = step?.claim
      printLine("claimed \(step.map { "\($0.claim.id) \($0.claim.attempt)" } ?? "nothing")")
    case "extend":
      let lost = try await store.extendLeases(held.map { [$0] } ?? [])
      printLine("extended lost=\(lost.count)")
    case "finish":
      guard let claim = held else { fail("finish before claim") }
      printLine("finished \(try await store.finish(claim, .succeeded(output: .string("skewed"))))")
    case "exit":
      await store.close()
      printLine("closed")
      return
    case let other: fail("unknown command '\(other)'")
    }
  }
  await store.close()
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
  fail(
    "usage: PostgresBench throughput URL [--nodes N] [--steps M] [--workers W] [--batch B]\n       PostgresBench skew-probe URL LEASE_SECONDS FIFO"
  )
}
do {
  switch arguments[0] {
  case "throughput": try await throughput(url: arguments[1], arguments: arguments)
  case "skew-probe":
    guard arguments.count == 4, let lease = Int(arguments[2]), lease > 0 else {
      fail("usage: PostgresBench skew-probe URL LEASE_SECONDS FIFO")
    }
    try await skewProbe(url: arguments[1], leaseSeconds: lease, commands: arguments[3])
  default: fail("unknown mode '\(arguments[0])': throughput or skew-probe")
  }
} catch {
  fail("PostgresBench: \(error)")
}
