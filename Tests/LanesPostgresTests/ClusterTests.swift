import Foundation
import LanesTestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `lanes serve --store postgres://…` as a child process on a kernel-chosen port: one node.
final class ClusterNode {
  let child: ChildProcess
  let port: Int
  private var ended: ChildProcess.Result?

  init(workflow: URL, store: String, lease: String, directory: URL) async throws {
    child = try ChildProcess(
      ChildProcess.builtProduct("lanes"),
      [
        "serve", workflow.path, "--store", store, "--lease", lease, "--listen", "127.0.0.1:0", "--drain",
        "2s",
      ],
      directory: directory)
    var found: Int?
    let child = child
    _ = await eventually(within: .seconds(30)) {
      guard
        let range = child.errorSoFar.range(
          of: #"address=http://127\.0\.0\.1:(\d+)"#, options: .regularExpression)
      else { return !isRunning(child.pid) }
      found = Int(child.errorSoFar[range].split(separator: ":").last!)
      return true
    }
    guard let found else {
      child.signal(SIGKILL)
      let result = child.wait(timeout: 10)
      ended = result
      throw ClusterFailure(
        description: "lanes serve did not listen (status \(result.status)): \(result.stderr)")
    }
    port = found
  }

  /// POSTs a run; its id when the answer was 200.
  static func post(_ workflow: String, port: Int) async -> String? {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/workflows/\(workflow)/runs")!)
    request.httpMethod = "POST"
    request.httpBody = Data("{}".utf8)
    request.timeoutInterval = 2
    guard let (data, response) = try? await URLSession.shared.data(for: request),
      (response as? HTTPURLResponse)?.statusCode == 200,
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return object["run"] as? String
  }

  /// SIGKILL once (a reaped pid is never signalled: it may be another process's by then).
  func kill9() {
    guard ended == nil else { return }
    child.signal(SIGCONT)
    child.signal(SIGKILL)
    ended = child.wait(timeout: 10)
  }

  func signal(_ number: Int32) {
    if ended == nil { child.signal(number) }
  }

  /// SIGTERM (after SIGCONT, in case it is stopped) and the result.
  func stop() -> ChildProcess.Result {
    if let ended { return ended }
    child.signal(SIGCONT)
    child.signal(SIGTERM)
    let result = child.wait(timeout: 20)
    ended = result
    return result
  }

  deinit { kill9() }
}

struct ClusterFailure: Error, CustomStringConvertible {
  var description: String
}

@Suite("PostgreSQL store: a cluster of lanes serve", .serialized, .enabled(if: TestPostgres.shouldRun))
struct PostgresClusterTests {
  /// Three nodes on one database under HTTP load: one is killed with SIGKILL, one is stopped
  /// (SIGSTOP) past its lease and then continued, and the database ends every listener's
  /// connection. Afterwards every background step of every acknowledged run ran at least once, the
  /// store completed each step once (fenced finishes refuse the stopped node's late completions:
  /// they are counted as stale), and the survivors drained the queue.
  @Test func killStopAndLostListenersLoseNothingAcknowledged() async throws {
    let postgres = try TestPostgres()
    defer { postgres.stop() }
    let url = try postgres.createDatabase("cluster")
    let dir = postgres.folder.appendingPathComponent("cluster")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let file = dir.appendingPathComponent("ran.txt")
    let workflow = dir.appendingPathComponent("rec.yaml")
    try """
    workflow: rec
    queues:
      later:
        workers: 4
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
          shell: 'sleep 0.02; echo "$LANES_RUN_ID $LANES_STEP" >> \(file.path)'
      - id: b
        mode: background
        after: [a]
        queue: later
        retry: { attempts: 100, backoff: 5ms }
        exec:
          shell: 'sleep 0.02; echo "$LANES_RUN_ID $LANES_STEP" >> \(file.path)'
    """.write(to: workflow, atomically: true, encoding: .utf8)

    // The first node creates the schema; the others join it.
    var nodes: [ClusterNode] = []
    defer { for node in nodes { node.kill9() } }
    for _ in 0..<3 {
      nodes.append(try await ClusterNode(workflow: workflow, store: url, lease: "2s", directory: dir))
    }
    let ports = nodes.map(\.port)
    let load = Task {
      await withTaskGroup(of: [String].self) { group in
        for worker in 0..<6 {
          group.addTask {
            var ids: [String] = []
            var turn = worker
            while !Task.isCancelled {
              // A node that does not answer (killed, stopped) is skipped for the next one.
              if let id = await ClusterNode.post("rec", port: ports[turn % ports.count]) { ids.append(id) }
              turn += 1
            }
            return ids
          }
        }
        var all: [String] = []
        for await ids in group { all += ids }
        return all
      }
    }
    // Steps are running on every node before anything fails.
    #expect(await eventually(within: .seconds(30)) { recordedLines(file).count >= 30 })
    nodes[0].kill9()
    #expect(await eventually(within: .seconds(30)) { recordedLines(file).count >= 60 })
    nodes[1].signal(SIGSTOP)
    // Past the 2 s lease on the database's clock: node 2 rescues node 1's claims.
    let stoppedAt = try Double(postgres.psql("SELECT extract(epoch FROM now())", database: "cluster"))!
    _ = await eventually(within: .seconds(30), every: .milliseconds(100)) {
      guard let now = try? Double(postgres.psql("SELECT extract(epoch FROM now())", database: "cluster"))
      else { return false }
      return now - stoppedAt > 4
    }
    // The database ends every listener's connection (node 1's too, while it is stopped).
    let terminated = try postgres.psql(
      """
      SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = 'cluster' AND query ILIKE 'LISTEN%') AS t
      """, database: "cluster")
    nodes[1].signal(SIGCONT)
    let before = recordedLines(file).count
    #expect(await eventually(within: .seconds(30)) { recordedLines(file).count >= before + 30 })
    load.cancel()
    let acknowledged = Set(await load.value)
    #expect(acknowledged.count > 20, "the load got too few runs through to test anything")

    // The survivors drain: every acknowledged run's steps ran, nothing is left unfinished.
    let expected = Set(acknowledged.flatMap { ["\($0) a", "\($0) b"] })
    let settled = await eventually(within: .seconds(40), every: .milliseconds(100)) {
      expected.isSubset(of: Set(recordedLines(file)))
    }
    let drained = await eventually(within: .seconds(20), every: .milliseconds(200)) {
      (try? postgres.psql("SELECT count(*) FROM lanes_steps", database: "cluster")) == "0"
    }
    let results = [nodes[1].stop(), nodes[2].stop()]
    #expect(
      settled,
      "acknowledged steps that never ran: \(expected.subtracting(recordedLines(file)).sorted().prefix(10))")
    #expect(
      drained,
      "unfinished rows: \((try? postgres.psql("SELECT state, count(*) FROM lanes_steps GROUP BY 1", database: "cluster")) ?? "?")"
    )
    #expect(results[1].status == 0, "\(results[1].stderr)")

    // Each step completed once in the store: one history row per (run, step), and the nodes'
    // success counters add up to exactly the history (a late completion was never counted).
    let doubled = try postgres.psql(
      "SELECT count(*) FROM (SELECT run_id, step FROM lanes_history GROUP BY 1, 2 HAVING count(*) > 1) AS d",
      database: "cluster")
    #expect(doubled == "0")
    let history = try postgres.psql("SELECT count(*) FROM lanes_history", database: "cluster")
    let succeeded = try postgres.psql(
      "SELECT coalesce(sum(succeeded), 0) FROM lanes_totals", database: "cluster")
    #expect(history == succeeded, "history rows \(history), counted successes \(succeeded)")
    let stored = Set(
      try postgres.psql("SELECT run_id || ' ' || step FROM lanes_history", database: "cluster")
        .split(separator: "\n").map(String.init))
    #expect(expected.isSubset(of: stored), "acknowledged steps the store never completed")
    let stale = try postgres.psql("SELECT coalesce(sum(stale), 0) FROM lanes_totals", database: "cluster")
    #expect((Int(stale) ?? -1) >= 0)
    let lines = recordedLines(file)
    print(
      "cluster: \(acknowledged.count) runs acknowledged, \(lines.count) step executions for \(Set(lines).count) steps, \(history) completions, \(stale) stale completions refused, \(terminated) listener connections terminated"
    )
  }
}

@Suite("--store postgres:// on the command line")
struct PostgresStoreFlagTests {
  @Test func aBadPostgresURLOrASQLiteOnlyFlagExits64NamingTheFix() throws {
    let lanes = ChildProcess.builtProduct("lanes")
    let noDatabase = try ChildProcess.run(
      lanes, ["call", "chat", "--store", "postgres://lanes@127.0.0.1:1"], timeout: 60)
    #expect(noDatabase.status == 64)
    #expect(noDatabase.stderr.contains("invalid PostgreSQL URL"), "\(noDatabase.stderr)")
    let durability = try ChildProcess.run(
      lanes, ["call", "chat", "--store", "postgresql://lanes@127.0.0.1:1/db", "--durability", "power"],
      timeout: 60)
    #expect(durability.status == 64)
    #expect(durability.stderr.contains("--durability power applies to sqlite:"), "\(durability.stderr)")
    let lease = try ChildProcess.run(
      lanes, ["call", "chat", "--store", "memory", "--lease", "5s"], timeout: 60)
    #expect(lease.status == 64)
    #expect(lease.stderr.contains("--lease applies to postgres://"), "\(lease.stderr)")
  }
}

/// The (run, step) lines the exec steps appended.
func recordedLines(_ file: URL) -> [String] {
  ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
}
