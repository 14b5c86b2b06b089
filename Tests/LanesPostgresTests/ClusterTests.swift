import Foundation
import LanesTestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

extension ServeChild {
  /// `lanes serve WORKFLOW --store STORE --lease LEASE`, listening: one node.
  static func node(_ workflow: URL, store: String, lease: String, directory: URL) async throws -> ServeChild {
    try await ServeChild([workflow.path, "--store", store, "--lease", lease], directory: directory)
  }
}

/// One POST of the load: when it was sent (seconds since the epoch), its status, its run.
struct Posted: Sendable {
  var sentAt: Double
  var status: Int?
  var run: String?
}

/// One execution of an exec step, as the step recorded it: `RUN STEP PPID START_NS END_NS` (its
/// parent is the node that ran it; the times are the system clock, which the database shares).
struct Execution {
  var run: String
  var step: String
  var node: Int32
  var start: Double
  var end: Double

  init?(_ line: String) {
    let f = line.split(separator: " ")
    guard f.count == 5, let node = Int32(f[2]), let start = Double(f[3]), let end = Double(f[4]) else {
      return nil
    }
    (run, step, self.node, self.start, self.end) = (String(f[0]), String(f[1]), node, start / 1e9, end / 1e9)
  }
}

func epochNow() -> Double { Date().timeIntervalSince1970 }

@Suite("PostgreSQL store: a cluster of lanes serve", .serialized, .enabled(if: TestPostgres.shouldRun))
struct PostgresClusterTests {
  /// Three nodes on one database under HTTP load: one is killed with SIGKILL, one is stopped
  /// (SIGSTOP) past its lease and then continued, the database ends every listener's connection,
  /// PostgreSQL itself is stopped (runs are refused with 503 meanwhile) and started again on the
  /// same data, and the continued node is stopped with SIGTERM while the load goes on (it
  /// finishes or hands back what it holds). Afterwards every background step of every
  /// acknowledged run ran at least once, the store completed each step once (fenced finishes
  /// refuse the stopped node's late completions: they are counted as stale), the survivor drained
  /// the queue, and outside the fault windows no ready step waited past the poll interval while a
  /// live node had free workers.
  @Test func killStopLostListenersRestartAndTermLoseNothingAcknowledged() async throws {
    let postgres = try TestPostgres.forTests()
    defer { postgres.stop() }
    let url = try postgres.createDatabase("cluster")
    let dir = postgres.folder.appendingPathComponent("cluster")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let file = dir.appendingPathComponent("ran.txt")
    let workflow = dir.appendingPathComponent("rec.yaml")
    let workers = 4
    let record =
      #"s=$(date +%s%N); sleep 0.02; echo "$LANES_RUN_ID $LANES_STEP $PPID $s $(date +%s%N)" >> "#
      + file.path
    try """
    workflow: rec
    queues:
      later:
        workers: \(workers)
        capacity: 100000
        when-full: reject
    steps:
      - id: answer
        mode: blocking
        simulate:
          latency: 1ms
      - id: a
        mode: background
        after: [answer]
        queue: later
        retry: { attempts: 100, backoff: 5ms }
        exec:
          shell: '\(record)'
      - id: b
        mode: background
        after: [a]
        queue: later
        retry: { attempts: 100, backoff: 5ms }
        exec:
          shell: '\(record)'
    """.write(to: workflow, atomically: true, encoding: .utf8)
    func sql(_ text: String) throws -> String { try postgres.psql(text, database: "cluster") }

    // The first node creates the schema; the others join it. Each node's id is the newest row.
    var nodes: [ServeChild] = []
    var nodeIDs: [String] = []
    defer { for node in nodes { node.kill9() } }
    for _ in 0..<3 {
      nodes.append(try await ServeChild.node(workflow, store: url, lease: "2s", directory: dir))
      nodeIDs.append(try sql("SELECT id FROM lanes_nodes ORDER BY started_at DESC, id LIMIT 1"))
    }
    #expect(Set(nodeIDs).count == 3, "nodes share an id: \(nodeIDs)")
    // Times (seconds since the epoch) when steps may legitimately wait: a node died with claims,
    // a node is stopped, the database is gone; each closed after the lease plus slack.
    var faults: [(from: Double, to: Double)] = []
    var diedAt: [Int32: Double] = [:]
    let ports = nodes.map(\.port)
    let load = Task {
      await withTaskGroup(of: [Posted].self) { group in
        for worker in 0..<6 {
          group.addTask {
            var posted: [Posted] = []
            var turn = worker
            while !Task.isCancelled {
              // A node that does not answer (killed, stopped, stopping) is skipped for the next one.
              let sentAt = epochNow()
              let (status, run) = await ServeChild.post("rec", port: ports[turn % ports.count], timeout: 2)
              posted.append(Posted(sentAt: sentAt, status: status, run: run))
              if status != 200 { try? await Task.sleep(for: .milliseconds(20)) }
              turn += 1
            }
            return posted
          }
        }
        var all: [Posted] = []
        for await posted in group { all += posted }
        return all
      }
    }
    // Steps are running on every node before anything fails (long enough for the pick-up check
    // below to have steps outside every fault window).
    #expect(await eventually(within: .seconds(90)) { recordedLines(file).count >= 150 })
    var faultFrom = epochNow()
    nodes[0].kill9()
    diedAt[nodes[0].child.pid] = epochNow()
    #expect(await eventually(within: .seconds(90)) { recordedLines(file).count >= 180 })
    faults.append((faultFrom, epochNow() + 2))
    faultFrom = epochNow()
    nodes[1].signal(SIGSTOP)
    // What the stopped node holds: once the rescuer took it, the node's late completions are stale.
    let heldWhenStopped =
      Int(try sql("SELECT count(*) FROM lanes_steps WHERE lease_owner = '\(nodeIDs[1])'")) ?? 0
    // Past the 2 s lease on the database's clock: node 2 rescues node 1's claims.
    let stoppedAt = try Double(sql("SELECT extract(epoch FROM now())"))!
    _ = await eventually(within: .seconds(30), every: .milliseconds(100)) {
      guard let now = try? Double(sql("SELECT extract(epoch FROM now())")) else { return false }
      return now - stoppedAt > 4
    }
    // The database ends every listener's connection (node 1's too, while it is stopped). Not a
    // fault window: a lost listener may only slow pick-up to the poll interval.
    let terminated = try sql(
      """
      SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = 'cluster' AND query ILIKE 'LISTEN%') AS t
      """)
    nodes[1].signal(SIGCONT)
    var before = recordedLines(file).count
    #expect(await eventually(within: .seconds(90)) { recordedLines(file).count >= before + 30 })
    faults.append((faultFrom, epochNow()))

    // PostgreSQL itself goes away (immediate stop, like a crash) and comes back on the same data
    // directory and port. Meanwhile runs are refused with 503; a 200 would be a lie.
    faultFrom = epochNow()
    try postgres.kill()
    let downAt = epochNow()
    var refusedWhileDown = false
    let deadline = ContinuousClock.now + .seconds(20)
    while !refusedWhileDown, ContinuousClock.now < deadline {
      refusedWhileDown = await ServeChild.post("rec", port: nodes[2].port, timeout: 2).status == 503
      if !refusedWhileDown { try await Task.sleep(for: .milliseconds(100)) }
    }
    let upAt = epochNow()
    try postgres.start()
    #expect(refusedWhileDown, "no 503 from a node while its database was gone")
    let back = await eventually(within: .seconds(30), every: .milliseconds(100)) {
      recordedLines(file).count >= before + 60
    }
    #expect(back, "no steps ran after PostgreSQL came back")
    var acceptedAgain = false
    for _ in 0..<100 where !acceptedAgain {
      acceptedAgain = await ServeChild.post("rec", port: nodes[2].port, timeout: 2).status == 200
      if !acceptedAgain { try await Task.sleep(for: .milliseconds(100)) }
    }
    #expect(acceptedAgain, "the node never accepted runs again after PostgreSQL came back")
    faults.append((faultFrom, epochNow() + 2))

    // SIGTERM mid-load: node 1 finishes or hands back its leased steps before it exits, and a
    // hand-back does not count an attempt.
    before = recordedLines(file).count
    #expect(await eventually(within: .seconds(90)) { recordedLines(file).count >= before + 20 })
    faultFrom = epochNow()
    let heldAtTerm = try sql(
      "SELECT id || ' ' || attempt FROM lanes_steps WHERE lease_owner = '\(nodeIDs[1])' AND state = 'running'"
    ).split(separator: "\n").map { $0.split(separator: " ").map { Int($0)! } }
    let termAt = epochNow()
    let termResult = nodes[1].stop()
    diedAt[nodes[1].child.pid] = epochNow()
    #expect(termResult.status == 0, "SIGTERM: \(termResult.stderr)")
    #expect(try sql("SELECT count(*) FROM lanes_steps WHERE lease_owner = '\(nodeIDs[1])'") == "0")
    before = recordedLines(file).count
    #expect(await eventually(within: .seconds(90)) { recordedLines(file).count >= before + 20 })
    faults.append((faultFrom, epochNow()))
    load.cancel()
    let posted = await load.value
    let acknowledged = Set(posted.compactMap(\.run))
    #expect(acknowledged.count > 20, "the load got too few runs through to test anything")
    let liedWhileDown = posted.filter { $0.status == 200 && $0.sentAt > downAt && $0.sentAt < upAt }
    #expect(liedWhileDown.isEmpty, "\(liedWhileDown.count) runs got 200 while PostgreSQL was stopped")

    // The survivor drains: every acknowledged run's steps ran, nothing is left unfinished.
    let expected = Set(acknowledged.flatMap { ["\($0) a", "\($0) b"] })
    let settled = await eventually(within: .seconds(120), every: .milliseconds(100)) {
      expected.isSubset(of: Set(recordedSteps(file)))
    }
    let drained = await eventually(within: .seconds(60), every: .milliseconds(200)) {
      (try? sql("SELECT count(*) FROM lanes_steps")) == "0"
    }
    let result = nodes[2].stop()
    #expect(
      settled,
      "acknowledged steps that never ran: \(expected.subtracting(recordedSteps(file)).sorted().prefix(10))")
    #expect(
      drained, "unfinished rows: \((try? sql("SELECT state, count(*) FROM lanes_steps GROUP BY 1")) ?? "?")")
    #expect(result.status == 0, "\(result.stderr)")

    // Each step completed once in the store: one history row per (run, step), and the nodes'
    // success counters add up to exactly the history (a late completion was never counted).
    let doubled = try sql(
      "SELECT count(*) FROM (SELECT run_id, step FROM lanes_history GROUP BY 1, 2 HAVING count(*) > 1) AS d")
    #expect(doubled == "0")
    let history = try sql("SELECT count(*) FROM lanes_history")
    let succeeded = try sql("SELECT coalesce(sum(succeeded), 0) FROM lanes_totals")
    #expect(history == succeeded, "history rows \(history), counted successes \(succeeded)")
    let stored = Set(
      try sql("SELECT run_id || ' ' || step FROM lanes_history").split(separator: "\n").map(String.init))
    #expect(expected.isSubset(of: stored), "acknowledged steps the store never completed")
    let stale = Int(try sql("SELECT coalesce(sum(stale), 0) FROM lanes_totals")) ?? -1
    if heldWhenStopped > 0 {
      #expect(
        stale >= 1, "the stopped node held \(heldWhenStopped) steps, yet no stale completion was counted")
    }
    // What node 1 held at SIGTERM ran (by it while draining, or by node 2 after the hand-back)
    // with the attempt it had: the hand-back took its attempt back.
    let attempts = Dictionary(
      uniqueKeysWithValues: try sql("SELECT id || ' ' || attempts FROM lanes_history").split(separator: "\n")
        .map { line -> (Int, Int) in
          let f = line.split(separator: " ")
          return (Int(f[0])!, Int(f[1])!)
        })
    // Unless node 1 lost that lease before it could hand the step back (a node held up longer
    // than the 2 s lease on two loaded cores: the rescue counted the attempt, as it must); node
    // 1 says so in its log ("row N attempt A: ending refused" or "leases lost: row N attempt A").
    let leaseLost = termResult.stderr.split(separator: "\n").filter {
      $0.contains("lease") && $0.contains("lost")
    }
    func lostByNode1(_ held: [Int]) -> Bool {
      leaseLost.contains { $0.contains("row \(held[0]) attempt \(held[1])") }
    }
    // And only for the steps node 1 was still running at SIGTERM: one whose run had ended before
    // it (its ending on its way, perhaps since the database was away for longer than the lease,
    // when a rescue rightly counted the attempt) was not handed back.
    let node1 = nodes[1].child.pid
    let endedBeforeTerm = Set(
      recordedLines(file).compactMap(Execution.init).filter { $0.node == node1 && $0.end < termAt }.map {
        "\($0.run) \($0.step)"
      })
    func runBeforeTerm(_ held: [Int]) -> Bool {
      guard let which = try? sql("SELECT run_id || ' ' || step FROM lanes_history WHERE id = \(held[0])")
      else {
        return false
      }
      return endedBeforeTerm.contains(which)
    }
    let burned = heldAtTerm.filter { attempts[$0[0]] != $0[1] }
    let explained = burned.filter { lostByNode1($0) || runBeforeTerm($0) }
    for held in heldAtTerm where !lostByNode1(held) && !runBeforeTerm(held) && attempts[held[0]] != held[1] {
      // What happened to it: who ran it and when (against the SIGTERM), and what node 1 said.
      let which = (try? sql("SELECT run_id || ' ' || step FROM lanes_history WHERE id = \(held[0])")) ?? "?"
      let runs = recordedLines(file).filter { $0.hasPrefix(which + " ") }
      let said = termResult.stderr.split(separator: "\n").suffix(15).joined(separator: "\n")
      Issue.record(
        "step row \(held[0]) (\(which)) held at SIGTERM (\(termAt)) by pid \(nodes[1].child.pid): attempts \(attempts[held[0]].map(String.init) ?? "none (never completed)") in history, \(held[1]) at SIGTERM; executions (run step pid start end): \(runs); node 1 ended with: \(said)"
      )
    }

    // Pick-up never stalled: outside the fault windows, a step that waited longer than the poll
    // interval (1 s) plus slack for two cores shared with a whole test run (9 s) must have found every live node busy. A node
    // that kept at least two of its workers free all the while the step waited would have claimed
    // it at its next poll at the latest.
    let executions = recordedLines(file).compactMap(Execution.init)
    var firstStart: [String: Double] = [:]
    for e in executions {
      firstStart["\(e.run) \(e.step)"] = min(firstStart["\(e.run) \(e.step)"] ?? .infinity, e.start)
    }
    var readyAt: [String: Double] = [:]
    for line in try sql(
      """
      SELECT run_id || ' ' || step || ' ' || extract(epoch FROM created_at) || ' ' || extract(epoch FROM finished_at)
      FROM lanes_history
      """
    ).split(separator: "\n") {
      let f = line.split(separator: " ")
      guard f.count == 4, let created = Double(f[2]), let finished = Double(f[3]) else { continue }
      if f[1] == "a" {
        readyAt["\(f[0]) a"] = created
        readyAt["\(f[0]) b"] = finished
      }
    }
    let pollAndSlack = 1.0 + 9.0
    let pids = nodes.map(\.child.pid)
    // Each execution is attributed to the node that ran it (its parent), or the check is blind.
    let strangers = Set(executions.map(\.node)).subtracting(pids)
    #expect(strangers.isEmpty, "executions whose parent is no node: \(strangers)")
    var checked = 0
    var longest = 0.0
    var stalls: [String] = []
    for (step, start) in firstStart {
      guard let ready = readyAt[step], start > ready else { continue }
      guard !faults.contains(where: { $0.from < start && $0.to > ready }) else { continue }
      checked += 1
      longest = max(longest, start - ready)
      guard start - ready > pollAndSlack else { continue }
      for pid in pids where (diedAt[pid] ?? .infinity) > start {
        let mine = executions.filter { $0.node == pid && $0.end > ready && $0.start < start }
        // The most of its attempts that overlapped at any moment of the wait.
        let busiest =
          mine.map { e in mine.filter { $0.start <= e.start && $0.end > e.start }.count }.max() ?? 0
        if busiest <= workers - 2 {
          stalls.append(
            "\(step) waited \(start - ready) s while node pid \(pid) ran at most \(busiest) at once")
        }
      }
    }
    #expect(checked > 50, "too few steps outside the fault windows to judge pick-up (\(checked))")
    #expect(stalls.isEmpty, "pick-up stalled: \(stalls.prefix(5))")
    let lines = recordedLines(file)
    print(
      "cluster: \(acknowledged.count) runs acknowledged, \(lines.count) step executions for \(Set(recordedSteps(file)).count) steps, \(history) completions, \(stale) stale completions refused (\(heldWhenStopped) held when stopped), \(terminated) listener connections terminated, \(heldAtTerm.count) held at SIGTERM (\(burned.count) of them completed with another attempt count, \(explained.count) of those after node 1 lost their leases or had run them before), longest wait outside faults \(longest) s over \(checked) steps"
    )
  }
}

@Suite("--store postgres:// on the command line")
struct PostgresStoreFlagTests {
  @Test func aBadPostgresURLOrAFlagForAnotherStoreExits64NamingTheFix() throws {
    let lanes = ChildProcess.builtProduct("lanes")
    let noDatabase = try ChildProcess.run(
      lanes, ["call", "chat", "--store", "postgres://lanes@127.0.0.1:1"], timeout: 60)
    #expect(noDatabase.status == 64)
    #expect(noDatabase.stderr.contains("invalid PostgreSQL URL"), "\(noDatabase.stderr)")
    let durability = try ChildProcess.run(
      lanes, ["call", "chat", "--store", "memory", "--durability", "power"], timeout: 60)
    #expect(durability.status == 64)
    #expect(
      durability.stderr.contains("--durability power applies to sqlite: and postgres:// stores"),
      "\(durability.stderr)")
    let level = try ChildProcess.run(
      lanes, ["call", "chat", "--store", "postgresql://lanes@127.0.0.1:1/db", "--durability", "disk"],
      timeout: 60)
    #expect(level.status == 64)
    #expect(
      level.stderr.contains("--durability 'disk' is not a level; use process or power"), "\(level.stderr)")
    let lease = try ChildProcess.run(
      lanes, ["call", "chat", "--store", "memory", "--lease", "5s"], timeout: 60)
    #expect(lease.status == 64)
    #expect(lease.stderr.contains("--lease applies to postgres://"), "\(lease.stderr)")
  }
}

/// The lines the exec steps appended.
func recordedLines(_ file: URL) -> [String] {
  ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
}

/// The "RUN STEP" of each line the exec steps appended.
func recordedSteps(_ file: URL) -> [String] {
  recordedLines(file).map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
}
