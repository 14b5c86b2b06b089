import ExecutionCore
import Foundation
import LanesTestSupport
import Synchronization
import Testing

@testable import LanesPostgres

/// What the background steps ran, as "node run".
private final class Ran: Sendable {
  let list = Mutex<[String]>([])
}

/// Workflow `w`: a blocking step that takes `blockingMs` (so each node's critical path is known),
/// then a background step on queue `q` that records which node ran it.
/// With `doomed`, a second background step on queue `dead` always fails (one attempt): a dead letter per run.
private func clusterWorkflow(blockingMs: Int, ran: Ran, node: String, doomed: Bool = false) -> Topology {
  var steps = [
    StepDefinition(
      id: "answer", mode: .blocking,
      action: .closure { _ in try await Task.sleep(for: .milliseconds(blockingMs)) }),
    StepDefinition(
      id: "record", mode: .background, after: ["answer"], queue: "q",
      action: .closure { context in ran.list.withLock { $0.append("\(node) \(context.runID)") } }),
  ]
  if doomed {
    steps.append(
      StepDefinition(
        id: "doomed", mode: .background, after: ["answer"], queue: "dead",
        action: .closure { _ in throw ClusterTestFailure() }))
  }
  return Topology(
    workflows: [WorkflowDefinition(name: "w", steps: steps, load: LoadDefinition(rate: 0))],
    queues: [
      QueueDefinition(name: "q", workers: 2, capacity: 1000),
      QueueDefinition(name: "dead", workers: 1, capacity: 1000),
    ])
}

private struct ClusterTestFailure: Error, CustomStringConvertible {
  var description: String { "always fails" }
}

/// A runtime on `url` as node `address`, its store's heartbeat every 0.2 s (lost after 3 s).
private func clusterNode(
  _ url: String, address: String, blockingMs: Int, ran: Ran, doomed: Bool = false
) async throws -> (Runtime, PostgresStepStore) {
  var options = PostgresStoreOptions()
  options.apiAddress = address
  options.lease = .seconds(2)
  options.maintenanceInterval = .milliseconds(200)
  options.operationTimeout = .seconds(60)
  options.connectTimeout = .seconds(30)
  let store = try PostgresStepStore(url: url, options: options)
  let runtime = try Runtime(
    topology: clusterWorkflow(blockingMs: blockingMs, ran: ran, node: address, doomed: doomed),
    options: RuntimeOptions(startLoad: false, isolateBackground: false, store: store))
  try await runtime.openStore()
  runtime.start()
  return (runtime, store)
}

@Suite(
  "PostgreSQL cluster view", .serialized, .enabled(if: TestPostgres.shouldRun, "PostgreSQL is not installed"))
struct ClusterViewTests {
  @Test("a node's report goes through the database whole, and reports merge as one histogram")
  func reportRoundTrip() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("reports")
      let first = try await openStore(url)
      let second = try await openStore(url)
      // Values under 256 us have buckets of their own, so these are exact buckets of a Lanes
      // histogram: [lowest, highest, count].
      let a = LatencyBuckets(
        unit: "us", significantDigits: 2, highestTrackableValue: 3_600_000_000, count: 4, min: 100, max: 200,
        buckets: [[100, 100, 3], [200, 200, 1]])
      let b = LatencyBuckets(
        unit: "us", significantDigits: 2, highestTrackableValue: 3_600_000_000, count: 2, min: 150, max: 150,
        buckets: [[150, 150, 2]])
      let big = try LatencyBuckets.merged([a, b])
      let reportA = NodeReport(
        runsPerSecond: 2.5, busyWorkers: 1, workers: 4, criticalPathP99: .microseconds(200),
        criticalPath: ["w": [.last1m: a, .sinceStart: a]])
      let reportB = NodeReport(
        runsPerSecond: 0.5, busyWorkers: 0, workers: 4, criticalPathP99: .microseconds(150),
        criticalPath: ["w": [.last1m: b], "other \"quoted\"": [.last10s: big]])
      try await first.publish(reportA)
      try await second.publish(reportB)
      let records = try await first.clusterNodes()
      #expect(records.map(\.id) == [first.clusterNodeID, second.clusterNodeID])
      #expect(records[0].report == reportA)
      #expect(records[1].report == reportB)
      #expect(records.allSatisfy { $0.heartbeatAge < .seconds(30) && $0.workflows == records[0].workflows })
      #expect(
        try server.psql(
          "SELECT runs_per_second, busy_workers, critical_p99_us FROM lanes_nodes ORDER BY started_at",
          database: "reports")
          == "2.5|1|200\n0.5|0|150")

      let view = Runtime.clusterView(records, me: first.clusterNodeID, lostAfter: first.lostAfter)
      #expect(view.liveNodes == 2 && view.lostNodes == 0 && view.problem == nil)
      #expect(view.nodes.map(\.isSelf) == [true, false])
      let merged = view.criticalPath("w", .last1m)
      #expect(merged == (try LatencyBuckets.merged([a, b]).summary()))
      // 100, 100, 100, 150, 150, 200 us.
      #expect(merged.count == 6 && merged.p50 == .microseconds(100) && merged.p95 == .microseconds(200))
      #expect(
        merged.max == .microseconds(200) && merged.mean > .microseconds(133)
          && merged.mean < .microseconds(134))
      #expect(view.criticalPath("w", .sinceStart).count == 4)
      // Across workflows too: w's 6 values and the other workflow's 6 in the 10 s window.
      #expect(view.criticalPathAll[.last1m]?.count == 6)
      #expect(view.criticalPathAll[.last10s]?.count == 6)

      // A node stopped the way a killed process stops keeps its row, and shows as lost.
      await second.abandon()
      let deadline = ContinuousClock.now + .seconds(30)
      var seen = view
      while ContinuousClock.now < deadline {
        try await first.publish(reportA)
        seen = Runtime.clusterView(
          try await first.clusterNodes(), me: first.clusterNodeID, lostAfter: .seconds(1))
        if seen.lostNodes == 1 { break }
        try await Task.sleep(for: .milliseconds(100))
      }
      #expect(seen.nodes.map(\.alive) == [true, false])
      // A lost node's latency leaves the merge.
      #expect(seen.criticalPath("w", .last1m) == (try a.summary()))
      await first.close()
    }
  }

  @Test("two runtimes on one database see each other, merge their latency, and a stopped one shows as lost")
  func twoRuntimes() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("nodes")
      let ran = Ran()
      let (fast, _) = try await clusterNode(url, address: "127.0.0.1:7801", blockingMs: 5, ran: ran)
      let (slow, slowStore) = try await clusterNode(url, address: "127.0.0.1:7802", blockingMs: 60, ran: ran)
      for _ in 0..<4 { _ = try await fast.run(workflow: "w") }
      for _ in 0..<2 { _ = try await slow.run(workflow: "w") }
      let merged = await eventually(within: .seconds(30), every: .milliseconds(50)) {
        guard let cluster = fast.snapshot().cluster else { return false }
        return cluster.liveNodes == 2 && cluster.criticalPath("w", .sinceStart).count == 6
      }
      #expect(
        merged, "the fast node never saw both nodes' runs: \(String(describing: fast.snapshot().cluster))")
      let cluster = try #require(fast.snapshot().cluster)
      #expect(cluster.nodes.map(\.address) == ["127.0.0.1:7801", "127.0.0.1:7802"])
      #expect(cluster.nodes.map(\.isSelf) == [true, false])
      #expect(cluster.nodes.allSatisfy { $0.alive && $0.sameWorkflows && $0.reported && $0.workers == 3 })
      // Every run of both nodes is in the merge: its count and maximum are theirs together (and the
      // slow node's runs took at least the 60 ms its blocking step sleeps).
      let all = cluster.criticalPath("w", .sinceStart)
      let fastOwn = fast.snapshot(fresh: true).workflows[0].figures(.sinceStart).criticalPath
      let slowOwn = slow.snapshot(fresh: true).workflows[0].figures(.sinceStart).criticalPath
      #expect(fastOwn.count == 4 && slowOwn.count == 2)
      #expect(all.max == max(fastOwn.max, slowOwn.max) && all.max >= .milliseconds(60))
      #expect(cluster.nodes[1].criticalPathP99.map { $0 >= .milliseconds(60) } == true)
      // Both see the same cluster, each marking itself.
      let other = await eventually { slow.snapshot().cluster?.nodes.map(\.isSelf) == [false, true] }
      #expect(other)
      // Queue figures come from the database: every node's steps, whoever ran them.
      let drained = await eventually(within: .seconds(30)) {
        fast.snapshot().queues[0].succeeded == 6 && slow.snapshot().queues[0].succeeded == 6
      }
      #expect(drained)

      // The slow node stops the way a killed process does: its row stays, its heartbeat ages.
      await slowStore.abandon()
      let lost = await eventually(within: .seconds(30), every: .milliseconds(50)) {
        fast.snapshot().cluster?.nodes.map(\.alive) == [true, false]
      }
      #expect(lost, "\(String(describing: fast.snapshot().cluster))")
      let after = try #require(fast.snapshot().cluster)
      #expect(after.liveNodes == 1 && after.lostNodes == 1)
      #expect(after.nodes[1].heartbeatAge > after.lostAfter)
      // And the event log says so, naming the node.
      #expect(
        fast.snapshot().events.contains { $0.kind == .nodeLost && $0.message.contains("127.0.0.1:7802 lost") }
      )
      // Only live nodes' latency is merged.
      #expect(after.criticalPath("w", .sinceStart).count == 4)
      _ = await fast.shutdown(deadline: .seconds(5))
      _ = await slow.shutdown(deadline: .seconds(1))
    }
  }

  @Test("a queue paused through one node stops every node's claims, and resumes for all")
  func pauseIsClusterWide() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("pause")
      let ran = Ran()
      let (a, _) = try await clusterNode(url, address: "127.0.0.1:7811", blockingMs: 1, ran: ran)
      let (b, _) = try await clusterNode(url, address: "127.0.0.1:7812", blockingMs: 1, ran: ran)
      a.pauseQueue("q")
      // B shows the pause made through A (it adopted the store's flag).
      let adopted = await eventually(within: .seconds(30)) { b.snapshot().queues[0].state == .paused }
      #expect(adopted)
      #expect(b.snapshot().events.contains { $0.kind == .queuePausing && $0.message.contains("every node") })
      for _ in 0..<3 { _ = try await b.run(workflow: "w") }
      // The depth is the database's: A shows the steps B enqueued.
      let waiting = await eventually(within: .seconds(30)) {
        b.snapshot().queues[0].queued == 3 && a.snapshot().queues[0].queued == 3
      }
      #expect(waiting)
      // Several poll intervals (1 s) and notifications later, still nothing ran on either node.
      try await Task.sleep(for: .milliseconds(2500))
      #expect(ran.list.withLock { $0 }.isEmpty)
      // The depth trend is the database's too: A samples the 3 steps B enqueued.
      #expect(a.snapshot(fresh: true).queues[0].depthSeries.last == 3)
      #expect(
        try server.psql("SELECT count(*) FROM lanes_steps WHERE state = 'queued'", database: "pause") == "3")

      a.resumeQueue("q")
      let done = await eventually(within: .seconds(30)) { ran.list.withLock { $0.count } == 3 }
      #expect(done)
      let resumed = await eventually(within: .seconds(30)) { b.snapshot().queues[0].state == .running }
      #expect(resumed)
      _ = await a.shutdown(deadline: .seconds(5))
      _ = await b.shutdown(deadline: .seconds(5))
    }
  }

  @Test("dead letters are the database's: every node sees them, and a redrive or delete on one acts for all")
  func deadLettersAreClusterWide() async throws {
    try await TestPostgres.with { server in
      let url = try server.createDatabase("letters")
      let ran = Ran()
      let (a, _) = try await clusterNode(
        url, address: "127.0.0.1:7821", blockingMs: 1, ran: ran, doomed: true)
      let (b, _) = try await clusterNode(
        url, address: "127.0.0.1:7822", blockingMs: 1, ran: ran, doomed: true)
      for _ in 0..<2 { _ = try await a.run(workflow: "w") }
      for _ in 0..<2 { _ = try await b.run(workflow: "w") }
      let dead = await eventually(within: .seconds(30)) {
        a.snapshot().queues[1].dead == 4 && b.snapshot().queues[1].dead == 4
          && a.deadLetters(queue: "dead").count == 4 && b.deadLetters(queue: "dead").count == 4
      }
      #expect(dead, "dead letters: \(a.snapshot().queues[1].dead) on a, \(b.snapshot().queues[1].dead) on b")
      // Deleted through A (nothing is running now): gone for B too; A's count is the database's,
      // B's two included.
      #expect(try await a.deleteDeadLettersConfirmed(queue: "dead") == 4)
      let deleted = await eventually(within: .seconds(30)) {
        b.snapshot().queues[1].dead == 0 && b.deadLetters(queue: "dead").isEmpty
      }
      #expect(deleted)
      #expect(
        try server.psql("SELECT count(*) FROM lanes_steps WHERE state = 'dead'", database: "letters") == "0")
      // Two more die; redriven through B, they run again (on either node) and die again: the
      // totals count each death, whichever node asked and whichever ran it.
      for _ in 0..<2 { _ = try await a.run(workflow: "w") }
      let twoMore = await eventually(within: .seconds(30)) { b.snapshot().queues[1].dead == 2 }
      #expect(twoMore)
      let before = a.snapshot().queues[1].deadLettered
      #expect(try await b.redriveConfirmed(queue: "dead") == 2)
      let redriven = await eventually(within: .seconds(30)) {
        a.snapshot().queues[1].deadLettered >= before + 2 && a.snapshot().queues[1].dead == 2
      }
      #expect(redriven, "\(a.snapshot().queues[1])")
      _ = await a.shutdown(deadline: .seconds(5))
      _ = await b.shutdown(deadline: .seconds(5))
    }
  }
}
