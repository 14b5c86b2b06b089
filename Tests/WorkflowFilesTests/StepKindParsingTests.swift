import ExecutionCore
import StepKinds
import Testing
import WorkflowFiles

/// Well-formed `exec` and `http` steps become the specs they describe, and closures to run.
@Suite struct StepKindParsingTests {
  static let text = """
    workflow: real
    queues: { media: { workers: 1, capacity: 10 }, webhooks: { workers: 1, capacity: 10 } }
    steps:
      - id: thumbnail
        mode: background
        queue: media
        timeout: 10s
        retry: { attempts: 3, backoff: 200ms }
        exec:
          args: [convert, in.png, -resize, 64x64, out.png]
          env: { LC_ALL: C, DEBUG: 1 }
          cwd: /tmp
          kill-grace: 500ms
      - id: compress
        mode: blocking
        exec:
          shell: "gzip -c big.log > big.log.gz"
      - id: notify
        mode: background
        queue: webhooks
        http:
          method: post
          url: http://127.0.0.1:8080/hook
          headers: { Content-Type: application/json }
          body: '{"event":"done"}'
          timeout: 2s
          expect: [2xx, 304, "200-204"]
      - id: ping
        mode: blocking
        http: { url: "https://example.com/health" }
      - id: think
        mode: blocking
        simulate: { latency: 5ms }
    """

  @Test func eachKindBecomesItsSpec() throws {
    let file = try WorkflowLoader.parse(text: Self.text, file: "real.yaml")
    #expect(
      file.kinds["thumbnail"]
        == .exec(
          ExecSpec(
            arguments: ["convert", "in.png", "-resize", "64x64", "out.png"],
            env: ["LC_ALL": "C", "DEBUG": "1"],
            cwd: "/tmp", killGrace: .milliseconds(500))))
    #expect(file.kinds["compress"] == .exec(ExecSpec(shell: "gzip -c big.log > big.log.gz")))
    #expect(
      file.kinds["notify"]
        == .http(
          HTTPSpec(
            method: "POST", url: "http://127.0.0.1:8080/hook", headers: ["Content-Type": "application/json"],
            body: "{\"event\":\"done\"}", timeout: .seconds(2), expect: [200...299, 304...304, 200...204])))
    #expect(file.kinds["ping"] == .http(HTTPSpec(url: "https://example.com/health")))
    #expect(file.kinds["think"] == .simulate(SimulateSpec(latency: .fixed(.milliseconds(5)))))
    #expect(file.kinds.values.map(\.key).sorted() == ["exec", "exec", "http", "http", "simulate"])
  }

  @Test func stepSettingsStayOnTheStepAndKindsRunAsTransforms() throws {
    let file = try WorkflowLoader.parse(text: Self.text, file: "real.yaml")
    let thumbnail = try #require(file.workflow.steps.first { $0.id == "thumbnail" })
    #expect(thumbnail.timeout == .seconds(10))
    #expect(thumbnail.retry == RetryPolicy(attempts: 3, backoff: .milliseconds(200)))
    #expect(thumbnail.queue == "media")
    for step in file.workflow.steps {
      switch (step.action, file.kinds[step.id]) {
      case (.transform, .exec?), (.transform, .http?), (.simulate, .simulate?): break
      default: Issue.record("step \(step.id) has the wrong action")
      }
    }
  }

  @Test func execStepRunsTheProcessItDescribes() async throws {
    let text = """
      workflow: run
      steps:
        - id: ok
          mode: blocking
          exec: { args: [/bin/sh, -c, "test \\"$GREETING\\" = hello"], env: { GREETING: hello } }
        - id: fails
          mode: blocking
          exec: { shell: "exit 7" }
      """
    let file = try WorkflowLoader.parse(text: text, file: "run.yaml")
    let context = StepContext(runID: 1, stepID: "ok", attempt: 1, executedAs: .blocking)
    guard case .transform(let ok) = file.workflow.steps[0].action,
      case .transform(let fails) = file.workflow.steps[1].action
    else {
      Issue.record("exec steps must be transforms (their stdout is their output)")
      return
    }
    #expect(try await ok(context) == .null)
    await #expect(throws: ProcessStepError.exited(status: 7, tail: "")) { try await fails(context) }
  }
}
