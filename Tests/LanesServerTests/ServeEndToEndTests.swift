import ExecutionCore
import Foundation
import LanesTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `lanes serve` in its own process, talked to over loopback HTTP: every status the API has, the
/// token and read-only rules, SSE resume, and a shutdown with a run in flight.
@Suite(.serialized) struct ServeEndToEndTests {
  @Test func runsAndEveryErrorStatus() async throws {
    let server = try await ServedLanes()
    let http = server.client()

    #expect(try await http.send("GET", "/healthz").json["status"] as? String == "ok")
    let info = try await http.send("GET", "/v1/info")
    #expect(info.status == 200)
    #expect(info.json["server"] as? String == "lanes")
    #expect(info.json["api"] as? Int == 1)
    #expect(info.json["workflows"] as? [String] == ["fast", "failing", "slow"])
    #expect(info.json["queues"] as? [String] == ["jobs"])

    // A run with data: the input is taken, the run answers with its id and timings.
    let run = try await http.send("POST", "/v1/workflows/fast/runs", body: #"{"order":7,"items":[1,2]}"#)
    #expect(run.status == 200, "\(run.body)")
    let id = try #require(run.json["run"] as? String)
    #expect(run.json["workflow"] as? String == "fast")
    #expect((run.json["criticalPathSeconds"] as? Double ?? 0) > 0)
    #expect(run.json.keys.contains("response"))
    // The run is found by its id, and stays found after it settled.
    var state = ""
    let settled = await poll {
      let trace = try? await http.send("GET", "/v1/runs/\(id)")
      state = trace?.json["state"] as? String ?? "missing"
      return state == "settled"
    }
    #expect(settled, "run \(id) state: \(state)")
    let trace = try await http.send("GET", "/v1/runs/\(id)")
    let steps = try #require(trace.json["steps"] as? [[String: Any]])
    #expect(steps.map { $0["id"] as? String } == ["answer", "doomed"])
    #expect(steps.map { $0["outcome"] as? String } == ["succeeded", "dead"])

    #expect(try await http.send("GET", "/v1/runs/987654321").status == 404)
    #expect(try await http.send("GET", "/v1/runs/abc").status == 400)
    #expect(try await http.send("GET", "/v1/nowhere").status == 404)
    let wrongMethod = try await http.send("PUT", "/v1/workflows/fast/pause")
    #expect(wrongMethod.status == 405)
    #expect(wrongMethod.headers["allow"] == "POST")

    // A failed run names the step.
    let failed = try await http.send("POST", "/v1/workflows/failing/runs")
    #expect(failed.status == 502)
    #expect(failed.json["failedStep"] as? String == "charge")
    #expect((failed.json["error"] as? String)?.isEmpty == false)

    // Malformed, unknown, oversized.
    let malformed = try await http.send("POST", "/v1/workflows/fast/runs", body: "{bad")
    #expect(malformed.status == 400)
    #expect((malformed.json["error"] as? String)?.contains("not JSON") == true)
    #expect(try await http.send("POST", "/v1/workflows/nope/runs").status == 404)
    let huge = "[" + String(repeating: "1,", count: 600_000) + "1]"
    #expect(try await http.send("POST", "/v1/workflows/fast/runs", body: huge).status == 413)
    #expect(try await http.send("POST", "/v1/workflows/fast/runs?wait=maybe").status == 400)
    let bigHeader = try await http.send(
      "GET", "/v1/info", headers: ["X-Filler": String(repeating: "a", count: 40_000)])
    #expect((400..<500).contains(bigHeader.status))

    // Without waiting: 202 and the id at once.
    let started = try await http.send("POST", "/v1/workflows/fast/runs?wait=false", body: "null")
    #expect(started.status == 202)
    #expect(UInt64(started.json["run"] as? String ?? "") != nil)

    // Paused: 503 with Retry-After; resumed: runs again.
    let paused = try await http.send("POST", "/v1/workflows/fast/pause")
    #expect(paused.status == 200)
    #expect(["pausing", "paused"].contains(paused.json["state"] as? String ?? ""))
    let refused = try await http.send("POST", "/v1/workflows/fast/runs")
    #expect(refused.status == 503)
    #expect(refused.headers["retry-after"] == "1")
    #expect(try await http.send("POST", "/v1/workflows/fast/resume").json["state"] as? String == "running")
    #expect(try await http.send("POST", "/v1/workflows/fast/runs").status == 200)

    // Control routes.
    let trigger = try await http.send("POST", "/v1/workflows/fast/trigger", body: #"{"count":3}"#)
    #expect(trigger.json["requested"] as? Int == 3)
    #expect(trigger.json["accepted"] as? Int == 3)
    #expect(try await http.send("POST", "/v1/workflows/fast/trigger", body: #"{"count":0}"#).status == 400)
    #expect(
      try await http.send("POST", "/v1/workflows/fast/rate", body: #"{"rate":0}"#).json["rate"] as? Double
        == 0)
    #expect(try await http.send("POST", "/v1/workflows/fast/rate", body: #"{"rate":-1}"#).status == 400)
    #expect(try await http.send("POST", "/v1/workflows/fast/rate", body: #"{"speed":1}"#).status == 400)
    // The smallest rate there is (schemathesis found it trapped the load generator): a gap of
    // "never", and the server goes on.
    #expect(try await http.send("POST", "/v1/workflows/fast/rate", body: #"{"rate":5e-324}"#).status == 200)
    #expect(try await http.send("POST", "/v1/workflows/fast/rate", body: #"{"rate":0}"#).status == 200)
    #expect(try await http.send("POST", "/v1/workflows/fast/trigger", body: #"{"count":null}"#).status == 400)
    #expect(
      try await http.send("POST", "/v1/workflows/fast/mode", body: #"{"comparison":true}"#).status == 400)
    let mode = try await http.send(
      "POST", "/v1/workflows/fast/mode", body: #"{"mode":"all-sync","comparison":true}"#)
    #expect(mode.json["mode"] as? String == "all-sync")
    #expect(mode.json["comparison"] as? Bool == true)
    #expect(try await http.send("POST", "/v1/workflows/fast/mode", body: #"{"mode":null}"#).status == 200)
    #expect(try await http.send("POST", "/v1/mode", body: #"{"mode":"sideways"}"#).status == 400)
    #expect(
      try await http.send("POST", "/v1/mode", body: #"{"mode":"hybrid"}"#).json["mode"] as? String == "hybrid"
    )
    let recording = try await http.send("POST", "/v1/workflows/fast/recordings")
    let recordingID = try #require(recording.json["id"] as? Int)
    #expect(try await http.send("DELETE", "/v1/recordings/\(recordingID)").status == 200)
    #expect(try await http.send("DELETE", "/v1/recordings/\(recordingID)").status == 404)
    #expect(try await http.send("POST", "/v1/queues/jobs/pause").json["state"] as? String != nil)
    #expect(try await http.send("POST", "/v1/queues/jobs/resume").json["state"] as? String == "running")
    #expect(try await http.send("POST", "/v1/queues/nope/pause").status == 404)
    #expect(try await http.send("POST", "/v1/workflows/nope/pause").status == 404)

    // Dead letters: listed, redriven (they fail again), deleted.
    var letters = 0
    _ = await poll {
      let listed = try? await http.send("GET", "/v1/queues/jobs/dead-letters")
      letters = (listed?.json["deadLetters"] as? [Any])?.count ?? 0
      return letters >= 5
    }
    #expect(letters >= 5)
    let moved = try await http.send("POST", "/v1/queues/jobs/redrive").json["moved"] as? Int ?? 0
    #expect(moved >= 5)
    var deleted = 0
    _ = await poll {
      let answer = try? await http.send("DELETE", "/v1/queues/jobs/dead-letters")
      deleted += answer?.json["deleted"] as? Int ?? 0
      return deleted >= moved
    }
    #expect(deleted >= moved)

    // The snapshot decodes as the runtime's own type, and its accounting adds up.
    let snapshot = try await http.send("GET", "/v1/snapshot")
    let decoded = try JSONDecoder().decode(RuntimeSnapshot.self, from: Data(snapshot.body.utf8))
    #expect(decoded.workflows.map(\.name) == ["fast", "failing", "slow"])
    #expect(decoded.queues.allSatisfy { $0.isBalanced })
    #expect((decoded.queues.first?.deadLettersDeleted ?? 0) >= moved)

    // Metrics count what happened.
    let metrics = try await http.send("GET", "/metrics")
    #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
    let succeeded = Self.value(
      of: #"lanes_runs_total{workflow="fast",outcome="succeeded"}"#, in: metrics.body)
    #expect((succeeded ?? 0) >= 6)
    #expect(Self.value(of: #"lanes_runs_total{workflow="failing",outcome="failed"}"#, in: metrics.body) == 1)
    #expect(Self.value(of: #"lanes_critical_path_seconds_count{workflow="fast"}"#, in: metrics.body) != nil)
    #expect(metrics.body.contains("lanes_build_info{version="))

    let openapi = try await http.send("GET", "/v1/openapi.yaml")
    #expect(openapi.body.hasPrefix("openapi: 3"))

    let result = try await server.stop()
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("shutdown: clean") || result.stderr.contains("shutdown: LOST"))
  }

  @Test func tokenAndReadOnly() async throws {
    let server = try await ServedLanes(["fast"], ["--read-only"], token: "s3cret-token")
    let anonymous = server.client()
    let wrong = server.client(token: "s3cret-tokem")
    let right = server.client(token: "s3cret-token")
    #expect(try await anonymous.send("GET", "/healthz").status == 200)
    let refused = try await anonymous.send("GET", "/v1/info")
    #expect(refused.status == 401)
    #expect(refused.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
    #expect(try await wrong.send("GET", "/v1/snapshot").status == 401)
    #expect(try await wrong.send("POST", "/v1/workflows/fast/runs").status == 401)
    #expect(try await anonymous.send("GET", "/metrics").status == 401)
    let info = try await right.send("GET", "/v1/info")
    #expect(info.status == 200)
    #expect(info.json["readOnly"] as? Bool == true)
    // Read-only: runs are served, nothing else changes.
    #expect(try await right.send("POST", "/v1/workflows/fast/runs").status == 200)
    for (method, path) in [
      ("POST", "/v1/workflows/fast/pause"), ("POST", "/v1/workflows/fast/trigger"), ("POST", "/v1/mode"),
      ("POST", "/v1/queues/jobs/redrive"), ("DELETE", "/v1/queues/jobs/dead-letters"),
    ] {
      let answer = try await right.send(method, path, body: "{}")
      #expect(answer.status == 403, "\(method) \(path)")
      #expect((answer.json["error"] as? String)?.hasPrefix("read-only server") == true)
    }
    #expect(try await right.send("GET", "/v1/queues/jobs/dead-letters").status == 200)
    #expect(try await right.send("POST", "/healthz").status == 405)
    #expect(try await server.stop().status == 0)
  }

  @Test func anAddressOffLoopbackNeedsAToken() throws {
    let result = try ChildProcess.run(
      ChildProcess.builtProduct("lanes"), ["serve", "--listen", "0.0.0.0:0", ServedLanes.fixture("fast")],
      timeout: 60)
    #expect(result.status == 64)
    #expect(result.stderr.contains("--token-file"))
    let bad = try ChildProcess.run(
      ChildProcess.builtProduct("lanes"), ["serve", "--listen", "nowhere"], timeout: 60)
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("--listen"))
  }

  @Test func eventsResumeAfterTheLastIDAndSayWhenTheyCannot() async throws {
    let server = try await ServedLanes(["fast", "failing"])
    let http = server.client()
    _ = try await http.send("POST", "/v1/workflows/fast/pause")
    _ = try await http.send("POST", "/v1/workflows/fast/resume")
    let first = try await http.stream("/v1/events") { Self.ids(in: $0).count >= 3 }
    let ids = Self.ids(in: first)
    #expect(ids.prefix(3) == [1, 2, 3], "\(first)")
    #expect(first.contains("event: workflowPausing"))
    // Resumed after id 1: the next event is 2, nothing before it.
    let resumed = try await http.stream("/v1/events", headers: ["Last-Event-ID": "1"]) {
      Self.ids(in: $0).count >= 2
    }
    #expect(Self.ids(in: resumed).prefix(2) == [2, 3], "\(resumed)")
    #expect(!resumed.contains("event: reset"))
    #expect(try await http.send("GET", "/v1/events", headers: ["Last-Event-ID": "x"]).status == 400)
    // 300 failed runs overflow the log (200 events): a client back from id 1 is told to refetch.
    _ = try await http.send("POST", "/v1/workflows/failing/trigger", body: #"{"count":300}"#)
    _ = await poll {
      (try? await http.send("GET", "/metrics").body).flatMap {
        Self.value(of: #"lanes_runs_total{workflow="failing",outcome="failed"}"#, in: $0)
      } == 300
    }
    let behind = try await http.stream("/v1/events", headers: ["Last-Event-ID": "1"]) {
      $0.contains("event: reset")
    }
    #expect(behind.contains("event: reset"), "\(behind.prefix(500))")
    #expect(try await server.stop().status == 0)
  }

  @Test func shutdownLetsARunInFlightAnswerAndRefusesNewOnes() async throws {
    let server = try await ServedLanes(["slow"], ["--max-in-flight", "1"])
    let http = server.client()
    let inFlight = Task { try await http.send("POST", "/v1/workflows/slow/runs", timeout: 60) }
    let running = await poll {
      (try? await http.send("GET", "/v1/snapshot").body).map { $0.contains(#""runsInFlight":1"#) } ?? false
    }
    #expect(running)
    // The in-flight limit: 429 with Retry-After.
    let limited = try await http.send("POST", "/v1/workflows/slow/runs")
    #expect(limited.status == 429)
    #expect(limited.headers["retry-after"] != nil)
    server.child.signal(SIGTERM)
    var refusedWhileDraining = false
    _ = await poll(every: .milliseconds(20)) {
      refusedWhileDraining = (try? await http.send("POST", "/v1/workflows/slow/runs").status) == 503
      return refusedWhileDraining
    }
    #expect(refusedWhileDraining)
    let answer = try await inFlight.value
    #expect(answer.status == 200, "\(answer.body)")
    let result = try await server.wait(timeout: 60)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("stopping"))
    #expect(result.stderr.contains("shutdown:"))
  }

  @Test func shutdownSaysLoudlyWhatItLeftAndLogsAsJSON() async throws {
    let server = try await ServedLanes(["backlog"], ["--drain", "1s", "--log-format", "json"])
    let http = server.client()
    for _ in 0..<3 {
      #expect(try await http.send("POST", "/v1/workflows/backlog/runs").status == 200)
    }
    let result = try await server.stop()
    #expect(result.status == 0, "\(result.stderr)")
    // One running and two queued steps of ten seconds cannot finish in a drain of one second.
    #expect(result.stderr.contains("lanes serve: LOST 3 background steps"), "\(result.stderr)")
    let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
    #expect(lines.count >= 3)
    for line in lines {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(object?["message"] is String, "\(line)")
      #expect(object?["level"] is String, "\(line)")
    }
    #expect(lines.contains { $0.contains(#""message":"listening""#) })
    #expect(lines.contains { $0.contains(#""level":"error""#) && $0.contains(#""stepsLost":"3""#) })
  }

  static func ids(in stream: String) -> [Int] {
    // "\r\n" is one Character in Swift: split on scalars, or chunk-size lines swallow the next.
    stream.unicodeScalars.split(separator: "\n").map { String(String.UnicodeScalarView($0)) }.compactMap {
      line in
      line.hasPrefix("id: ") ? Int(line.dropFirst(4).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
    }
  }

  /// The value of the sample `series` (name and labels exactly) in a Prometheus text scrape.
  static func value(of series: String, in text: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
      return Double(line.dropFirst(series.count + 1))
    }
    return nil
  }
}
