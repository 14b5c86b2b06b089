import ExecutionCore
import Foundation
import LanesTestSupport
import Testing

@testable import LanesRemote

/// `RemoteRuntime` against the python stand-in for `lanes serve`: what it reads, what it sends,
/// and what it does when the server goes away and comes back.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RemoteRuntimeTests {
  @Test func readsTheServersSnapshotAsTheRuntimeMadeIt() async throws {
    let server = try FakeLanesServer(routes: Fixtures.routes())
    let original = try await Fixtures.snapshot(runs: 3)
    try server.write(original)
    let remote = try await Fixtures.connect(server)
    defer { remote.close() }

    let seen = remote.snapshot()
    #expect(seen.uptime == original.uptime)
    #expect(seen.workflows.map(\.name) == ["chat"])
    #expect(seen.workflows[0].runsStarted == 3)
    #expect(seen.workflows[0].criticalPath == original.workflows[0].criticalPath)
    #expect(seen.queues.map(\.name) == ["history"])
    #expect(seen.events.count == original.events.count)
    #expect(remote.info.workflows == ["chat"])
    #expect(remote.link().state == .connected)
    #expect(remote.link().address == "127.0.0.1:\(server.port)")
    #expect(!remote.link().readOnly)
  }

  @Test func followsTheServerAsItChanges() async throws {
    let server = try await Fixtures.server()
    let remote = try await Fixtures.connect(server)
    defer { remote.close() }
    #expect(remote.snapshot().workflows[0].state == .running)

    try server.write(try await Fixtures.snapshot(runs: 1, paused: true))
    #expect(await eventually { remote.snapshot().workflows[0].state == .paused })
  }

  @Test func marksItselfStaleWhenTheServerDiesAndReconnectsWhenItComesBack() async throws {
    let server = try await Fixtures.server()
    let remote = try await Fixtures.connect(server)
    defer { remote.close() }
    let before = remote.snapshot().uptime

    server.stop()
    #expect(
      await eventually {
        if case .reconnecting = remote.link().state { return remote.link().lastUpdateAge > .seconds(2) }
        return false
      }, "no reconnecting state: \(remote.link())")
    guard case .reconnecting(let reason, let attempt, _) = remote.link().state else { return }
    #expect(reason == "connection refused" || reason.contains("lost"), "\(reason)")
    #expect(attempt >= 2, "it keeps trying")
    // The last snapshot stays on show while the server is away.
    #expect(remote.snapshot().uptime == before)

    // Back on the same port as a new process, with a different runtime (fewer runs).
    try server.write(try await Fixtures.snapshot(runs: 1))
    try server.restart()
    #expect(await eventually { remote.link().state == .connected }, "\(remote.link())")
    #expect(remote.link().lastUpdateAge < .seconds(2))
    #expect(remote.snapshot().workflows[0].runsStarted == 1)
    // It asked who the server is again before trusting its snapshots.
    let paths = server.requests.map(\.path)
    #expect(paths.filter { $0 == "/v1/info" }.count >= 2)
  }

  @Test func theTokenGoesWithEveryRequestAndAWrongOneIsRefused() async throws {
    let server = try await Fixtures.server(token: "s3cret")
    let remote = try await Fixtures.connect(server, token: "s3cret")
    remote.pause(workflow: "chat")
    #expect(await eventually { server.requests.contains { $0.path == "/v1/workflows/chat/pause" } })
    remote.close()
    #expect(server.requests.allSatisfy { $0.authorization == "Bearer s3cret" })

    await #expect {
      _ = try await Fixtures.connect(server, token: "wrong")
    } throws: { error in
      guard let error = error as? RemoteConnectError else { return false }
      return error.kind == .unauthorized && error.description.contains("refused the token (401)")
        && error.description.contains("--token-file")
    }
    await #expect {
      _ = try await Fixtures.connect(server)
    } throws: { error in
      guard let error = error as? RemoteConnectError else { return false }
      return error.kind == .unauthorized && error.description.contains("wants a token (401)")
    }
  }

  @Test func refusesWhatIsNotALanesServerOfThisAPI() async throws {
    func refusal(_ routes: [String: FakeLanesServer.Route]) async throws -> RemoteConnectError? {
      let server = try FakeLanesServer(routes: routes)
      try server.write(try await Fixtures.snapshot(runs: 0))
      do {
        let remote = try await Fixtures.connect(server)
        remote.close()
        return nil
      } catch {
        return error as? RemoteConnectError
      }
    }
    let newer = try await refusal(Fixtures.routes(extra: ["GET /v1/info": .json(Fixtures.info(api: 2))]))
    #expect(newer?.kind == .incompatible)
    #expect(newer?.description.contains("speaks API version 2") == true, "\(String(describing: newer))")

    let other = try await refusal(
      Fixtures.routes(extra: ["GET /v1/info": .json(Fixtures.info(server: "nginx"))]))
    #expect(other?.description.contains("is not a lanes server") == true, "\(String(describing: other))")
    #expect(other?.description.contains("\"nginx\"") == true)

    let missing = try await refusal(["GET /v1/snapshot": .file("snapshot.json")])
    #expect(missing?.description.contains("answered 404") == true, "\(String(describing: missing))")

    let text = try await refusal(
      Fixtures.routes(extra: ["GET /v1/info": FakeLanesServer.Route(body: .text("<html>hello</html>"))]))
    #expect(text?.description.contains("did not answer a JSON object") == true, "\(String(describing: text))")

    let garbled = try await refusal(
      Fixtures.routes(extra: ["GET /v1/snapshot": .json(["uptime": "soon", "mode": "hybrid"])]))
    #expect(garbled?.kind == .incompatible)
    #expect(garbled?.description.contains("sent a snapshot this lanes cannot read") == true)
  }

  @Test func nothingListeningIsUnreachable() async throws {
    let server = try await Fixtures.server()
    let url = server.url
    server.stop()
    await #expect {
      _ = try await RemoteRuntime.connect(to: try RemoteEndpoint(parsing: url))
    } throws: { error in
      guard let error = error as? RemoteConnectError else { return false }
      return error.kind == .unreachable && error.description.contains("connection refused")
        && error.description.contains("is `lanes serve` running there?")
    }
  }

  @Test func commandsBecomeTheAPIsRequestsInOrder() async throws {
    let trigger: [String: Any] = ["requested": 1, "accepted": 1]
    let burst: [String: Any] = ["requested": 10, "accepted": 4, "refusal": "inFlightLimit"]
    let server = try await Fixtures.server(extra: [
      "POST /v1/workflows/chat/pause": .json(["workflow": "chat", "state": "pausing"]),
      "POST /v1/workflows/chat/resume": .json(["workflow": "chat", "state": "running"]),
      "POST /v1/workflows/chat/trigger": .json(trigger),
      "POST /v1/workflows/chat/rate": .json(["workflow": "chat", "rate": 5]),
      "POST /v1/workflows/chat/mode": .json(["workflow": "chat"]),
      "POST /v1/mode": .json(["mode": "all-sync"]),
      "POST /v1/queues/history/pause": .json(["queue": "history"]),
      "POST /v1/queues/history/resume": .json(["queue": "history"]),
      "POST /v1/queues/history/redrive": .json(["queue": "history", "moved": 3]),
      "POST /v1/workflows/chat/recordings": .json(["id": 77]),
      "DELETE /v1/recordings/77": .json(
        try JSONSerialization.jsonObject(
          with: JSONEncoder().encode(
            LatencySummary(
              count: 5, p50: .milliseconds(2), p95: .milliseconds(3), p99: .milliseconds(4),
              p999: .milliseconds(4),
              max: .milliseconds(4), mean: .milliseconds(2))))),
    ])
    let remote = try await Fixtures.connect(server)
    defer { remote.close() }

    // Every call returns at once with a result that only means "sent".
    #expect(remote.trigger(workflow: "chat") == TriggerResult(requested: 1, accepted: 0, refusal: nil))
    remote.pause(workflow: "chat")
    remote.resume(workflow: "chat")
    remote.setRate(workflow: "chat", rate: 5)
    remote.setMode(.allSync)
    remote.setMode(nil, workflow: "chat", comparison: true)
    remote.pauseQueue("history")
    remote.resumeQueue("history")
    #expect(remote.redrive(queue: "history") == 0)
    let recording = remote.startRecording(workflow: "chat")
    #expect(remote.finishRecording(recording) == nil)

    var answers: [RemoteAnswer] = []
    #expect(
      await eventually {
        answers += remote.takeAnswers()
        return answers.count >= 3
      }, "\(answers)")
    #expect(
      answers == [
        .triggered(workflow: "chat", count: 1, TriggerResult(requested: 1, accepted: 1, refusal: nil)),
        .redriven(queue: "history", moved: 3),
        .recordingFinished(
          recording,
          LatencySummary(
            count: 5, p50: .milliseconds(2), p95: .milliseconds(3), p99: .milliseconds(4),
            p999: .milliseconds(4), max: .milliseconds(4), mean: .milliseconds(2))),
      ])
    let sent = server.requests.filter { $0.method != "GET" }
    #expect(
      sent.map { "\($0.method) \($0.path)" } == [
        "POST /v1/workflows/chat/trigger", "POST /v1/workflows/chat/pause", "POST /v1/workflows/chat/resume",
        "POST /v1/workflows/chat/rate", "POST /v1/mode", "POST /v1/workflows/chat/mode",
        "POST /v1/queues/history/pause", "POST /v1/queues/history/resume", "POST /v1/queues/history/redrive",
        "POST /v1/workflows/chat/recordings", "DELETE /v1/recordings/77",
      ])
    /// The body sent to `path`, re-serialised with sorted keys.
    func body(_ path: String) -> String {
      let text = sent.first { $0.path == path }?.body ?? ""
      guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      else { return "not JSON: \(text)" }
      return String(decoding: data, as: UTF8.self)
    }
    #expect(body("/v1/workflows/chat/trigger") == #"{"count":1}"#)
    #expect(body("/v1/workflows/chat/rate") == #"{"rate":5}"#)
    #expect(body("/v1/mode") == #"{"mode":"all-sync"}"#)
    #expect(body("/v1/workflows/chat/mode") == #"{"comparison":true,"mode":null}"#)

    // A burst the server partly refused comes back as the server said.
    try server.configure(routes: Fixtures.routes(extra: ["POST /v1/workflows/chat/trigger": .json(burst)]))
    remote.triggerBurst(workflow: "chat", count: 10)
    #expect(
      await eventually {
        answers = remote.takeAnswers()
        return !answers.isEmpty
      })
    #expect(
      answers == [
        .triggered(
          workflow: "chat", count: 10, TriggerResult(requested: 10, accepted: 4, refusal: .inFlightLimit))
      ])
  }

  @Test func refusalsAndLostCommandsComeBackAsFailures() async throws {
    let server = try await Fixtures.server(extra: [
      "POST /v1/workflows/chat/pause": .json(
        ["error": "read-only server: POST /v1/workflows/chat/pause refused (started with --read-only)"],
        status: 403),
      "POST /v1/queues/nope/redrive": .json(["error": "no queue named nope; queues: history"], status: 404),
    ])
    let remote = try await Fixtures.connect(server)
    defer { remote.close() }
    #expect(!remote.link().readOnly)

    remote.pause(workflow: "chat")
    remote.redrive(queue: "nope")
    var answers: [RemoteAnswer] = []
    #expect(
      await eventually {
        answers += remote.takeAnswers()
        return answers.count >= 2
      })
    #expect(
      answers == [
        .failed(
          action: "pause chat",
          message: "read-only server: POST /v1/workflows/chat/pause refused (started with --read-only)"),
        .failed(action: "redrive nope", message: "no queue named nope; queues: history"),
      ])
    // Refused as read-only: from now on the front end refuses such keys itself.
    #expect(remote.link().readOnly)

    // A recording whose end cannot be sent still ends (empty), so a comparison does not wait forever.
    server.stop()
    let recording = remote.startRecording(workflow: "chat")
    _ = remote.finishRecording(recording)
    answers = []
    #expect(
      await eventually {
        answers += remote.takeAnswers()
        return answers.contains(.recordingFinished(recording, nil))
      }, "\(answers)")
    #expect(
      answers.contains {
        if case .failed("recording of chat", let message) = $0 {
          message.hasPrefix("not sent:")
        } else {
          false
        }
      })
  }

  @Test func closeStopsItsThreadsAtOnce() async throws {
    let server = try await Fixtures.server(extra: [
      "POST /v1/workflows/chat/pause": FakeLanesServer.Route(body: .json([:]), delayMilliseconds: 60_000)
    ])
    let remote = try await Fixtures.connect(server)
    remote.pause(workflow: "chat")
    #expect(await eventually { server.requests.contains { $0.path == "/v1/workflows/chat/pause" } })
    let started = ContinuousClock.now
    remote.close()
    // The answer would take 60 s and the request's own timeout is 10 s: close cancels the
    // request instead of waiting for either (the bound is far from both, not a speed claim).
    #expect(ContinuousClock.now - started < .seconds(9))
    let polls = server.requests.count
    try await Task.sleep(for: .milliseconds(300))
    #expect(server.requests.count == polls, "it still polls after close")
  }

  @Test func pollsNoFasterThanTheSnapshotIsRead() async throws {
    let server = try await Fixtures.server()
    let remote = try await Fixtures.connect(server)  // polls at most every 50 ms
    defer { remote.close() }
    _ = remote.snapshot()
    try await Task.sleep(for: .milliseconds(400))
    let before = server.requests.filter { $0.path == "/v1/snapshot" }.count
    let started = ContinuousClock.now
    // Read 5 times, 400 ms apart: at 50 ms it would ask for about 40 snapshots meanwhile. Reads
    // that come late on a busy machine only make the gaps, and so the polls, rarer.
    for _ in 0..<5 {
      _ = remote.snapshot()
      try await Task.sleep(for: .milliseconds(400))
    }
    let polls = server.requests.filter { $0.path == "/v1/snapshot" }.count - before
    #expect(polls >= 1)
    // Plus the once-a-second poll that keeps STALE honest: on a busy machine the sleeps stretch,
    // and each second they last may add one (two when a late poll and the next one's timer meet).
    // Polling at 50 ms would ask for twenty a second.
    let seconds = Int((ContinuousClock.now - started).components.seconds) + 1
    #expect(polls <= 5 + 2 + 2 * seconds, "\(polls) snapshots asked for over 5 reads in \(seconds) s")
  }

  @Test func thePollIsTimedJustBeforeTheNextRead() {
    let start = ContinuousClock.now
    let interval = Duration.milliseconds(250)
    func next(lastRead: Duration?, gap: Duration?) -> Duration {
      RemoteRuntime.nextPoll(after: start, interval: interval, lastRead.map { start + $0 }, gap) - start
    }
    // No pace yet (fewer than two reads), or reads faster than the interval: every interval.
    #expect(next(lastRead: nil, gap: nil) == interval)
    #expect(next(lastRead: .zero, gap: nil) == interval)
    #expect(next(lastRead: .zero, gap: .milliseconds(100)) == interval)
    // Reads every 500 ms, the last 100 ms ago: due 50 ms before the next, 400 ms from now.
    #expect(next(lastRead: .milliseconds(-100), gap: .milliseconds(500)) == .milliseconds(350))
    // The next read is 20 ms away, too close for a poll: aim at the one after it.
    #expect(next(lastRead: .milliseconds(-480), gap: .milliseconds(500)) == .milliseconds(470))
    // This poll woke 10 ms late, after the read it aimed at: the next aims at the next read.
    #expect(next(lastRead: .milliseconds(-10), gap: .milliseconds(260)) == .milliseconds(200))
    // Reads every 2 s: still at least once a second, so a server gone shows as stale.
    #expect(next(lastRead: .zero, gap: .seconds(2)) == .seconds(1))
  }
}
