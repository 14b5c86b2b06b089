import ExecutionCore
import Foundation
import LanesTestSupport
import Synchronization
import Testing

@testable import LanesPostgres

/// Counts the background steps that ran; while `held`, a step waits (as on a node that stalls).
private final class Tally: Sendable {
  let count = Mutex(0)
  let held = Mutex(false)
}

/// A runtime on `url` with one no-op background step per run on queue `q` (2 workers), leases of
/// `lease` (extended every third of it).
private func leaseNode(_ url: String, lease: Duration, tally: Tally) async throws
  -> Runtime
{
  var options = PostgresStoreOptions()
  options.lease = lease
  options.maintenanceInterval = .seconds(3600)
  options.operationTimeout = .seconds(60)
  options.connectTimeout = .seconds(30)
  let store = try PostgresStepStore(url: url, options: options)
  let steps = [
    StepDefinition(id: "answer", mode: .blocking, action: .closure { _ in }),
    StepDefinition(
      id: "count", mode: .background, after: ["answer"], queue: "q",
      action: .closure { _ in
        // Held up (as a node that stalls) while the test says so.
        while tally.held.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        tally.count.withLock { $0 += 1 }
      }),
  ]
  let runtime = try Runtime(
    topology: Topology(
      workflows: [WorkflowDefinition(name: "w", steps: steps, load: LoadDefinition(rate: 0))],
      queues: [QueueDefinition(name: "q", workers: 2, capacity: 100_000)]),
    options: RuntimeOptions(startLoad: false, isolateBackground: false, store: store))
  try await runtime.openStore()
  runtime.start()
  return runtime
}

@Suite(
  "PostgreSQL store: leases through the runtime", .serialized,
  .enabled(if: TestPostgres.shouldRun, "PostgreSQL is not installed"))
struct RuntimeLeaseTests {
  @Test(
    "steps ending while their leases are extended are not reported lost (endings on their way count as held)")
  func noFalseLostLeases() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("nofalse")
      let tally = Tally()
      // Extended every 200 ms while a few thousand steps end under it.
      let runtime = try await leaseNode(url, lease: .milliseconds(600), tally: tally)
      for _ in 0..<3000 { _ = try await runtime.run(workflow: "w") }
      #expect(await eventually(within: .seconds(120)) { tally.count.withLock { $0 } >= 3000 })
      // At least a few extensions ran while steps were ending.
      try await Task.sleep(for: .milliseconds(700))
      let lost = runtime.events(after: 0).filter { $0.kind == .leaseLost }
      #expect(lost.isEmpty, "\(lost.prefix(3).map(\.message))")
      _ = await runtime.shutdown(deadline: .seconds(5))
      #expect(
        try server.psql("SELECT coalesce(sum(stale), 0) FROM lanes_totals", database: "nofalse") == "0")
      #expect(try server.psql("SELECT count(*) FROM lanes_history", database: "nofalse") == "3000")
    }
  }

  @Test("a node whose step lease was rescued elsewhere says so, and its late ending is refused")
  func lostLeaseIsAnEvent() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("lost")
      let tally = Tally()
      tally.held.withLock { $0 = true }
      let runtime = try await leaseNode(url, lease: .seconds(1), tally: tally)
      _ = try await runtime.run(workflow: "w")
      #expect(
        await eventually {
          (try? server.psql("SELECT state FROM lanes_steps", database: "lost")) == "running"
        })
      // Another node takes the step from under it, as after a stall past the lease and a rescue
      // (done in one statement here: the node's own extensions would race an expiry).
      try server.psql(
        "UPDATE lanes_steps SET lease_owner = gen_random_uuid(), lease_until = now() + interval '1 hour'",
        database: "lost")
      // The next extension finds the lease gone; the step's late ending is refused.
      #expect(
        await eventually(within: .seconds(10)) { runtime.events(after: 0).contains { $0.kind == .leaseLost } }
      )
      tally.held.withLock { $0 = false }
      #expect(
        await eventually(within: .seconds(10)) {
          runtime.events(after: 0).contains { $0.kind == .leaseLost && $0.message.contains("ending refused") }
        })
      let messages = runtime.events(after: 0).filter { $0.kind == .leaseLost }.map(\.message)
      #expect(messages.contains { $0.contains("lease lost (this process was held up longer than the lease") })
      _ = await runtime.shutdown(deadline: .seconds(5))
    }
  }
}
