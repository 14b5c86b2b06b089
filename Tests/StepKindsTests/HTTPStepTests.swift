import ExecutionCore
import Foundation
import Testing

@testable import StepKinds

/// Against a real server on loopback (Fixtures/http_fixture.py).
@Suite(.timeLimit(.minutes(5))) struct HTTPStepTests {
  private func failure(_ spec: HTTPSpec) async -> HTTPStepError? {
    do {
      try await HTTPStep.run(spec, context: testContext)
      return nil
    } catch let error as HTTPStepError {
      return error
    } catch {
      Issue.record("unexpected error type: \(error)")
      return nil
    }
  }

  @Test func okSucceeds() async throws {
    let server = try FixtureServer.get()
    try await HTTPStep.run(HTTPSpec(url: server.baseURL + "/ok"), context: testContext)
  }

  @Test func serverErrorFailsThenARetrySucceeds() async throws {
    let server = try FixtureServer.get()
    let spec = HTTPSpec(url: server.baseURL + "/fail-then-ok/\(UUID().uuidString)")
    let first = await failure(spec)
    #expect(first == .unexpectedStatus(status: 500, expected: "2xx", body: "first attempt fails"))
    #expect(first?.description == "HTTP 500 Internal Server Error (expected 2xx): first attempt fails")
    try await HTTPStep.run(spec, context: testContext)
  }

  @Test func statusesOutsideExpectFailAndInsideSucceed() async throws {
    let server = try FixtureServer.get()
    let missing = HTTPSpec(url: server.baseURL + "/status/404")
    #expect(await failure(missing)?.description == "HTTP 404 Not Found (expected 2xx): status 404 body")
    try await HTTPStep.run(HTTPSpec(url: missing.url, expect: [404...404]), context: testContext)
    let created = HTTPSpec(url: server.baseURL + "/status/201", expect: [200...200, 300...399])
    #expect(
      await failure(created) == .unexpectedStatus(status: 201, expected: "200, 3xx", body: "status 201 body"))
  }

  @Test func unexpectedBodyIsCutTo200Bytes() async throws {
    let server = try FixtureServer.get()
    // /echo answers with the request; a 1000-byte header makes a long body.
    let spec = HTTPSpec(
      url: server.baseURL + "/echo", headers: ["X-Long": String(repeating: "y", count: 1000)],
      expect: [599...599])
    guard case .unexpectedStatus(200, "599", let body) = await failure(spec) else {
      Issue.record("expected an unexpected-status failure")
      return
    }
    #expect(body.utf8.count <= 200)
    #expect(body.hasPrefix("GET"))
  }

  @Test func methodHeadersAndBodyAreSent() async throws {
    let server = try FixtureServer.get()
    // Expecting 599 makes the step fail with the echoed request in its message.
    let spec = HTTPSpec(
      method: "post", url: server.baseURL + "/echo", headers: ["X-Lanes": "yes"], body: "payload",
      expect: [599...599])
    let message = await failure(spec)?.description ?? ""
    #expect(message.contains(": POST\npayload\n"))
    #expect(message.contains("\nx-lanes: yes\n"))
  }

  @Test func slowEndpointTimesOut() async throws {
    let server = try FixtureServer.get()
    let error = await failure(HTTPSpec(url: server.baseURL + "/slow/30", timeout: .milliseconds(300)))
    #expect(error == .timedOut(after: .milliseconds(300), url: server.baseURL + "/slow/30"))
    #expect(error?.description == "timed out after 300ms: \(server.baseURL)/slow/30")
  }

  @Test func cancellationCancelsTheRequest() async throws {
    let server = try FixtureServer.get()
    let url = server.baseURL + "/slow/30"
    let started = ContinuousClock.now
    let task = Task { try await HTTPStep.run(HTTPSpec(url: url), context: testContext) }
    try await Task.sleep(for: .milliseconds(200))
    task.cancel()
    await #expect(throws: HTTPStepError.cancelled(url: url)) { try await task.value }
    // Generous: the server would hold the request for 30 s.
    #expect(ContinuousClock.now - started < .seconds(20))
  }

  @Test func closedPortIsConnectionRefused() async {
    let url = "http://127.0.0.1:\(closedLoopbackPort())/"
    let error = await failure(HTTPSpec(url: url, timeout: .seconds(10)))
    #expect(error == .connectionRefused(url: url))
    #expect(error?.description == "connection refused: \(url)")
  }

  @Test func unknownHostCannotBeResolved() async {
    // .invalid is reserved (RFC 6761): it never resolves, with or without a network.
    let error = await failure(HTTPSpec(url: "http://nope.invalid/", timeout: .seconds(15)))
    #expect(error == .cannotResolveHost("nope.invalid"))
    #expect(error?.description == "cannot resolve host \"nope.invalid\"")
  }

  @Test(arguments: ["ftp://example.com/", "not a url", "http://", "/relative/path"])
  func invalidURLsAreRefused(url: String) async {
    #expect(await failure(HTTPSpec(url: url)) == .invalidURL(url))
  }

  @Test func manyRequestsAndCancellationsLeakNoDescriptors() async throws {
    let server = try FixtureServer.get()
    // Warm up the shared session's connection pool before counting.
    try await HTTPStep.run(HTTPSpec(url: server.baseURL + "/ok"), context: testContext)
    let before = openDescriptorCount()
    for _ in 0..<300 {
      try await HTTPStep.run(HTTPSpec(url: server.baseURL + "/ok"), context: testContext)
    }
    for _ in 0..<100 {
      _ = await failure(HTTPSpec(url: server.baseURL + "/slow/5", timeout: .milliseconds(20)))
    }
    try await HTTPStep.run(HTTPSpec(url: server.baseURL + "/ok"), context: testContext)
    // A leak per request would show as hundreds; the slack covers pooled connections and other suites.
    let after = openDescriptorCount()
    #expect(after - before < 60, "descriptors before: \(before), after: \(after)")
  }

  @Test func concurrentStepsAreNotQueuedByTheClient() async throws {
    let server = try FixtureServer.get()
    let key = UUID().uuidString
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<24 {
        group.addTask {
          try await HTTPStep.run(HTTPSpec(url: server.baseURL + "/hold/\(key)/1.5"), context: testContext)
        }
      }
      try await group.waitForAll()
    }
    // Ask the server how many were in flight at once: more than URLSession's default of 6 per host.
    let (data, _) = try await HTTPStep.session.data(from: URL(string: server.baseURL + "/max/\(key)")!)
    let most = Int(String(decoding: data, as: UTF8.self)) ?? 0
    #expect(most > 12, "at most \(most) requests were in flight at once")
  }

  @Test func stepActionHelperRunsTheRequest() async throws {
    let server = try FixtureServer.get()
    guard case .transform(let body) = StepAction.http(HTTPSpec(url: server.baseURL + "/status/503")) else {
      Issue.record("http did not make a transform")
      return
    }
    await #expect(
      throws: HTTPStepError.unexpectedStatus(status: 503, expected: "2xx", body: "status 503 body")
    ) {
      try await body(testContext)
    }
  }
}

@Suite struct HTTPSpecTests {
  @Test func parsesExpectedStatuses() {
    #expect(HTTPSpec.parseExpected("2xx") == 200...299)
    #expect(HTTPSpec.parseExpected(" 4XX ") == 400...499)
    #expect(HTTPSpec.parseExpected("404") == 404...404)
    #expect(HTTPSpec.parseExpected("200-204") == 200...204)
    for bad in ["", "6xx", "2x", "abc", "204-200", "99", "600", "200-", "-200", "1-2-3"] {
      #expect(HTTPSpec.parseExpected(bad) == nil, "\(bad)")
    }
  }

  @Test func describesAndAcceptsExpectedStatuses() {
    let spec = HTTPSpec(url: "http://x/", expect: [200...299, 304...304, 400...404])
    #expect(spec.expectDescription == "2xx, 304, 400-404")
    #expect(spec.accepts(204) && spec.accepts(304) && spec.accepts(404))
    #expect(!spec.accepts(301) && !spec.accepts(405) && !spec.accepts(500))
    #expect(HTTPSpec(url: "http://x/").expectDescription == "2xx")
  }
}
