import ExecutionCore
import Foundation
import GRDB
import LanesTestSupport
import Synchronization
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

extension ServeChild {
  /// `lanes serve WORKFLOW --store sqlite:STORE`, listening.
  static func sqlite(_ workflow: URL, store: String, directory: URL) async throws -> ServeChild {
    try await ServeChild([workflow.path, "--store", "sqlite:\(store)"], directory: directory)
  }
}

/// Runs answered 200 so far, counted by the load tasks and read by the test.
final class AnswerCount: Sendable {
  let value = Atomic<Int>(0)
}

/// The (run, step) lines the exec steps appended.
func recordedLines(_ file: URL) -> [String] {
  ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
}

@Suite("SQLite store: kill -9", .serialized)
struct SQLiteKillTests {
  /// At least 20 kills at random moments under HTTP load: every background step of every run that
  /// got a 200 ran at least once; each duplicate is an attempt the store counted (a step running
  /// at a kill runs again); the store's rows agree with the file.
  @Test func killNineUnderLoadLosesNothingAcknowledged() async throws {
    let dir = try scratchDirectory()
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
          shell: 'echo "$LANES_RUN_ID $LANES_STEP" >> \(file.path)'
      - id: b
        mode: background
        after: [a]
        queue: later
        retry: { attempts: 100, backoff: 5ms }
        exec:
          shell: 'echo "$LANES_RUN_ID $LANES_STEP" >> \(file.path)'
    """.write(to: workflow, atomically: true, encoding: .utf8)
    let store = dir.appendingPathComponent("lanes.db").path
    var acknowledged = Set<String>()
    let kills = 20
    for _ in 0..<kills {
      let server = try await ServeChild.sqlite(workflow, store: store, directory: dir)
      let port = server.port
      let answered = AnswerCount()
      let load = Task {
        await withTaskGroup(of: [String].self) { group in
          for _ in 0..<4 {
            group.addTask {
              var ids: [String] = []
              while !Task.isCancelled {
                guard let id = await ServeChild.post("rec", port: port).run else { break }
                ids.append(id)
                answered.value.add(1, ordering: .relaxed)
              }
              return ids
            }
          }
          var all: [String] = []
          for await ids in group { all += ids }
          return all
        }
      }
      // The kill lands at a random moment once the load is through (a loaded machine can take
      // seconds to answer the first run; a kill before it would test nothing).
      _ = await eventually(within: .seconds(60), every: .milliseconds(2)) {
        answered.value.load(ordering: .relaxed) > 0
      }
      try await Task.sleep(for: .milliseconds(Int.random(in: 0...250)))
      server.kill9()
      load.cancel()
      acknowledged.formUnion(await load.value)
    }
    #expect(acknowledged.count >= kills, "the load got too few runs through to test anything")
    // The last restart settles everything.
    let server = try await ServeChild.sqlite(workflow, store: store, directory: dir)
    let expected = Set(acknowledged.flatMap { ["\($0) a", "\($0) b"] })
    let settled = await eventually(within: .seconds(60), every: .milliseconds(50)) {
      expected.isSubset(of: Set(recordedLines(file)))
    }
    // Every stored step ends, acknowledged or not (a run killed between its commit and its answer).
    let db = try DatabaseQueue(
      path: store,
      configuration: {
        var c = Configuration(); c.readonly = true; return c
      }())
    let drained = await eventually(within: .seconds(30), every: .milliseconds(50)) {
      (try? db.read {
        try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM lanes_steps WHERE state <> 'succeeded'")
      })
        == 0
    }
    let stopped = server.stop()
    #expect(stopped.status == 0, "\(stopped.stderr)")
    #expect(
      settled,
      "acknowledged steps that never ran: \(expected.subtracting(recordedLines(file)).sorted().prefix(10))")
    #expect(drained)
    let lines = recordedLines(file)
    var runs: [String: Int] = [:]
    for line in lines { runs[line, default: 0] += 1 }
    let rows = try await db.read { db in
      try Row.fetchAll(db, sql: "SELECT run_id, step, state, attempt FROM lanes_steps")
    }
    var attempts: [String: Int] = [:]
    for row in rows {
      #expect(row["state"] as String == "succeeded")
      attempts["\(row["run_id"] as Int64) \(row["step"] as String)"] = row["attempt"]
    }
    // The store's rows and the file name the same steps.
    #expect(Set(attempts.keys) == Set(runs.keys))
    // Each time a step ran, the store had counted an attempt: duplicates are reruns after kills.
    let unexplained = runs.filter { $0.value > (attempts[$0.key] ?? 0) }
    #expect(unexplained.isEmpty, "ran more often than the store counted: \(unexplained.prefix(5))")
    let duplicates = lines.count - runs.count
    // Only steps running at a kill, or ended and their ending not committed yet, run again: at
    // most the one each worker (4) runs plus the endings it may have in flight, per kill.
    let perKill = 4 * (1 + Runtime.journaledEndingsInFlight)
    #expect(duplicates <= kills * perKill, "\(duplicates) duplicates for \(kills) kills")
    print(
      "kill -9: \(kills) kills, \(acknowledged.count) runs acknowledged, \(runs.count) steps ran, \(duplicates) duplicates"
    )
  }

  /// A background step that kills its runtime every time ends dead with that reason after its
  /// attempts, and the server then stays up (no crash loop).
  @Test func aPoisonStepEndsDeadNotInACrashLoop() async throws {
    let dir = try scratchDirectory()
    let workflow = dir.appendingPathComponent("poison.yaml")
    try """
    workflow: poison
    queues:
      later:
        workers: 1
        capacity: 10
        when-full: reject
    steps:
      - id: answer
        mode: blocking
        simulate:
          latency: 1ms
      - id: crash
        mode: background
        after: [answer]
        queue: later
        retry: { attempts: 2, backoff: 5ms }
        exec:
          shell: 'kill -9 $PPID'
    """.write(to: workflow, atomically: true, encoding: .utf8)
    let store = dir.appendingPathComponent("lanes.db").path
    let first = try await ServeChild.sqlite(workflow, store: store, directory: dir)
    #expect(await ServeChild.post("poison", port: first.port).run != nil)
    var starts = 1
    var server: ServeChild? = first
    // Each start runs the step once more and the step kills the server (perhaps before it
    // listens), until the step is dead: then the server stays up.
    while starts < 6 {
      if let running = server {
        let pid = running.child.pid
        if !(await eventually(within: .seconds(3)) { !isRunning(pid) }) { break }
        running.kill9()
      }
      server = try await ServeChild.startOrEnd([workflow.path, "--store", "sqlite:\(store)"], directory: dir)
      starts += 1
    }
    let survivor = try #require(server)
    let stopped = survivor.stop()
    #expect(starts == 3, "the server started \(starts) times")
    #expect(stopped.stderr.contains("1 dead-lettered at open"), "\(stopped.stderr)")
    let db = try DatabaseQueue(path: store)
    let row = try db.read { try Row.fetchOne($0, sql: "SELECT state, attempt, error FROM lanes_steps") }
    #expect(row?["state"] as String? == "dead")
    #expect(row?["attempt"] as Int? == 2)
    #expect(row?["error"] as String? == "the process died while this step ran (2 attempts)")
  }
}

@Suite("SQLite store: claiming ahead in lanes serve", .serialized)
struct SQLiteClaimAheadServeTests {
  /// One worker, a step that records its run and then sleeps: four runs make one started step
  /// and three claimed ahead.
  func slowServer(_ dir: URL) async throws -> (ServeChild, URL, String) {
    let workflow = dir.appendingPathComponent("slow.yaml")
    let file = dir.appendingPathComponent("ran.txt")
    try """
    workflow: slow
    queues:
      later: { workers: 1, capacity: 10, when-full: reject }
    steps:
      - id: answer
        mode: blocking
        simulate: { latency: 1ms }
      - id: long
        mode: background
        after: [answer]
        queue: later
        retry: { attempts: 3, backoff: 5ms }
        exec:
          shell: 'echo "$LANES_RUN_ID $LANES_ATTEMPT" >> \(file.path); [ -e \(dir.path)/fast ] || sleep 30'
    """.write(to: workflow, atomically: true, encoding: .utf8)
    let store = dir.appendingPathComponent("lanes.db").path
    let server = try await ServeChild.sqlite(workflow, store: store, directory: dir)
    for _ in 0..<4 { #expect(await ServeChild.post("slow", port: server.port).run != nil) }
    // All four claimed (one started, three ahead), and only the started one ran.
    let db = try DatabaseQueue(path: store, configuration: readOnly())
    #expect(
      await eventually {
        (try? db.read {
          try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM lanes_steps WHERE state = 'running'")
        })
          == 4
      })
    #expect(await eventually { recordedLines(file).count == 1 })
    try db.close()
    return (server, workflow, store)
  }

  func readOnly() -> Configuration {
    var config = Configuration()
    config.readonly = true
    return config
  }

  /// (started, attempt) of each row, by run id.
  func rows(_ store: String) throws -> [Int64: [Int]] {
    let db = try DatabaseQueue(path: store)
    defer { try? db.close() }
    return try db.read { db in
      var rows: [Int64: [Int]] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT run_id, started, attempt FROM lanes_steps") {
        rows[row["run_id"]] = [row["started"], row["attempt"]]
      }
      return rows
    }
  }

  @Test func afterAKillTheStartedStepIsCountedAndTheClaimedAheadOnesAreNot() async throws {
    let dir = try scratchDirectory()
    let (server, workflow, store) = try await slowServer(dir)
    let file = dir.appendingPathComponent("ran.txt")
    let first = try #require(recordedLines(file).first?.split(separator: " ").first.flatMap { Int64($0) })
    server.kill9()
    let left = try rows(store)
    #expect(left.count == 4)
    #expect(left[first] == [1, 1])
    #expect(left.filter { $0.key != first }.values.allSatisfy { $0 == [0, 0] })
    // The next process runs the started one as attempt 2 and the others as attempt 1.
    FileManager.default.createFile(atPath: dir.appendingPathComponent("fast").path, contents: nil)
    let second = try await ServeChild.sqlite(workflow, store: store, directory: dir)
    #expect(await eventually { recordedLines(file).count == 5 })
    let result = second.stop()
    #expect(
      result.stderr.contains("recovered 4 steps: 1 running, 3 claimed ahead, not started"), "\(result.stderr)"
    )
    let attempts = recordedLines(file).dropFirst().map { $0.split(separator: " ") }
    #expect(attempts.filter { $0.last == "2" }.map { Int64($0[0]) } == [first])
    #expect(attempts.filter { $0.last == "1" }.count == 3)
  }

  @Test func aGracefulStopHandsBackTheClaimedAheadStepsUncounted() async throws {
    let dir = try scratchDirectory()
    let (server, _, store) = try await slowServer(dir)
    let stopped = server.stop()
    #expect(stopped.stderr.contains("kept 4 background steps in sqlite:\(store)"), "\(stopped.stderr)")
    let left = try rows(store)
    #expect(left.count == 4)
    #expect(left.values.allSatisfy { $0 == [0, 0] }, "\(left)")
  }
}

@Suite("--store on the command line")
struct StoreFlagTests {
  @Test func aBadStoreValueExits64NamingTheFix() throws {
    let result = try ChildProcess.run(
      ChildProcess.builtProduct("lanes"), ["call", "chat", "--store", "mysql://nowhere"], timeout: 60)
    #expect(result.status == 64)
    #expect(result.stderr.contains("use memory, sqlite:PATH"), "\(result.stderr)")
    let level = try ChildProcess.run(
      ChildProcess.builtProduct("lanes"), ["call", "chat", "--store", "sqlite:x.db", "--durability", "disk"],
      timeout: 60)
    #expect(level.status == 64)
    #expect(level.stderr.contains("use process or power"), "\(level.stderr)")
  }

  @Test func aStoreErrorAtOpenIsAMessageAndANonZeroExit() throws {
    let dir = try scratchDirectory()
    let file = dir.appendingPathComponent("notes.txt")
    try Data(String(repeating: "plain text, not a database\n", count: 100).utf8).write(to: file)
    let result = try ChildProcess.run(
      ChildProcess.builtProduct("lanes"), ["call", "chat", "--store", "sqlite:\(file.path)"], timeout: 60)
    #expect(result.status == 1)
    #expect(result.stderr.contains("not a SQLite database"), "\(result.stderr)")
  }

  @Test func aDrainKeepsWhatItCannotFinishAndTheNextServeRunsIt() async throws {
    let dir = try scratchDirectory()
    let workflow = dir.appendingPathComponent("slow.yaml")
    let file = dir.appendingPathComponent("ran.txt")
    try """
    workflow: slow
    queues:
      later: { workers: 1, capacity: 10, when-full: reject }
    steps:
      - id: answer
        mode: blocking
        simulate: { latency: 1ms }
      - id: long
        mode: background
        after: [answer]
        queue: later
        exec:
          shell: 'echo "$LANES_ATTEMPT" >> \(file.path); [ -e \(dir.path)/fast ] || sleep 30'
    """.write(to: workflow, atomically: true, encoding: .utf8)
    let store = dir.appendingPathComponent("lanes.db").path
    let first = try await ServeChild.sqlite(workflow, store: store, directory: dir)
    #expect(await ServeChild.post("slow", port: first.port).run != nil)
    #expect(await eventually { !recordedLines(file).isEmpty })
    first.child.signal(SIGTERM)
    let stopped = first.child.wait(timeout: 30)
    #expect(stopped.stderr.contains("kept 1 background step in sqlite:\(store)"), "\(stopped.stderr)")
    // Handed back at the stop: the next process runs it again as the same attempt.
    FileManager.default.createFile(atPath: dir.appendingPathComponent("fast").path, contents: nil)
    let second = try await ServeChild.sqlite(workflow, store: store, directory: dir)
    #expect(await eventually { recordedLines(file).count == 2 })
    let result = second.stop()
    #expect(result.stderr.contains("recovered 1 step: 1 queued"), "\(result.stderr)")
    #expect(recordedLines(file) == ["1", "1"])
  }

  @Test func serveUsesSqliteLanesDbByDefaultAndSaysSo() async throws {
    let dir = try scratchDirectory()
    let child = try ChildProcess(
      ChildProcess.builtProduct("lanes"), ["serve", "chat", "--listen", "127.0.0.1:0"], directory: dir)
    let said = await eventually(within: .seconds(30)) { child.errorSoFar.contains("listening") }
    child.signal(SIGTERM)
    let result = child.wait(timeout: 20)
    #expect(said)
    #expect(result.stderr.contains("lanes serve: store sqlite:lanes.db"), "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("lanes.db").path))
  }
}
