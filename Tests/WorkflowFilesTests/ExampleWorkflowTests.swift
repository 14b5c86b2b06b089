import ExecutionCore
import Foundation
import Testing
import WorkflowFiles

/// The shipped examples parse into the steps, modes, queues and latencies their comments describe.
@Suite struct ExampleWorkflowTests {
  private func step(_ file: WorkflowFile, _ id: String) throws -> StepDefinition {
    try #require(file.workflow.steps.first { $0.id == id })
  }

  private func simulate(_ step: StepDefinition) throws -> SimulateSpec {
    guard case .simulate(let spec) = step.action else {
      Issue.record("step \(step.id) is not simulated")
      throw CancellationError()
    }
    return spec
  }

  @Test func chat() throws {
    let file = try BuiltInWorkflows.chat.load()
    #expect(file.workflow.name == "chat")
    #expect(file.workflow.load == LoadDefinition(rate: 3, arrivals: .poisson))
    #expect(
      file.workflow.steps.map(\.id) == [
        "auth", "retrieve-context", "model-inference", "respond", "save-history", "analytics-event",
        "moderation-audit", "update-memory",
      ])
    #expect(
      file.workflow.steps.map(\.mode) == [
        .blocking, .blocking, .blocking, .blocking, .background, .background, .background, .background,
      ])
    #expect(
      file.queues == [
        QueueDefinition(name: "history", workers: 2, capacity: 200, whenFull: .reject),
        QueueDefinition(name: "events", workers: 2, capacity: 500, whenFull: .dropOldest),
        QueueDefinition(name: "audit", workers: 1, capacity: 200, whenFull: .reject),
        QueueDefinition(name: "memory", workers: 4, capacity: 300, whenFull: .reject),
      ])
    let auth = try step(file, "auth")
    #expect(try simulate(auth).latency == .uniform(min: .milliseconds(4), max: .milliseconds(12)))
    #expect(auth.after.isEmpty && auth.queue == nil && auth.timeout == nil && auth.retry == .none)
    let inference = try step(file, "model-inference")
    #expect(inference.after == ["retrieve-context"])
    #expect(inference.timeout == .seconds(5))
    #expect(try simulate(inference).latency == .logNormal(p50: .milliseconds(450), p99: .milliseconds(1400)))
    #expect(try simulate(inference).failureRate == 0.005)
    #expect(try simulate(try step(file, "respond")).latency == .fixed(.milliseconds(2)))
    let history = try step(file, "save-history")
    #expect(history.queue == "history")
    #expect(history.timeout == .seconds(2))
    #expect(history.retry == RetryPolicy(attempts: 4, backoff: .milliseconds(100), maxBackoff: .seconds(2)))
    let analytics = try step(file, "analytics-event")
    // max-backoff is not written, so it takes the default.
    #expect(analytics.retry == RetryPolicy(attempts: 2, backoff: .milliseconds(50), maxBackoff: .seconds(10)))
    let audit = try simulate(try step(file, "moderation-audit"))
    #expect(audit.cpu)
    #expect(audit.failureRate == 0)
  }

  @Test func ingest() throws {
    let file = try BuiltInWorkflows.ingest.load()
    #expect(file.workflow.load == LoadDefinition(rate: 2, arrivals: .constant))
    #expect(file.workflow.steps.filter { $0.mode == .blocking }.map(\.id) == ["validate", "chunk"])
    #expect(
      file.workflow.steps.filter { $0.mode == .background }.map(\.id) == ["embed", "index", "notify-webhook"])
    let embed = try simulate(try step(file, "embed"))
    #expect(embed.cpu)
    #expect(embed.latency == .uniform(min: .milliseconds(3), max: .milliseconds(8)))
    let webhook = try step(file, "notify-webhook")
    #expect(webhook.after == ["index"])
    #expect(webhook.queue == "webhooks")
    #expect(webhook.retry.attempts == 5)
    #expect(try simulate(webhook).failureRate == 0.05)
    #expect(file.queues.map(\.name) == ["embeddings", "indexing", "webhooks"])
  }

  @Test func agent() throws {
    let file = try BuiltInWorkflows.agent.load()
    #expect(
      file.workflow.steps.filter { $0.mode == .blocking }.map(\.id) == ["plan", "call-tool", "summarize"])
    let crm = try step(file, "crm-sync")
    #expect(crm.mode == .background)
    #expect(crm.queue == "crm")
    #expect(crm.retry == RetryPolicy(attempts: 3, backoff: .milliseconds(200), maxBackoff: .seconds(2)))
    let failure = try simulate(crm).failureRate
    #expect((0.1...0.2).contains(failure))
    #expect(
      try simulate(try step(file, "call-tool")).latency
        == .logNormal(p50: .milliseconds(180), p99: .milliseconds(1200)))
    #expect(try step(file, "audit-log").queue == "audit")
  }

  @Test func overloadQueueCannotKeepUpAtItsDefaultRate() throws {
    let file = try BuiltInWorkflows.overload.load()
    let queue = try #require(file.queues.first)
    let render = try simulate(try step(file, "render-thumbnail"))
    guard case .fixed(let latency) = render.latency else {
      Issue.record("expected a fixed latency")
      return
    }
    let servicePerSecond = Double(queue.workers) / latency.seconds
    #expect(file.workflow.load.rate > servicePerSecond)
    #expect(queue.whenFull != .block)
  }

  @Test func everyExampleQueueHasHeadroomExceptOverload() throws {
    // Busy workers = rate x mean latency x expected attempts; well under the worker count.
    for builtIn in BuiltInWorkflows.all where builtIn.name != "overload" {
      let file = try builtIn.load()
      for queue in file.queues {
        var busy = 0.0
        for step in file.workflow.steps where step.queue == queue.name {
          let spec = try simulate(step)
          let mean: Double
          switch spec.latency {
          case .fixed(let value): mean = value.seconds
          case .uniform(let low, let high): mean = (low.seconds + high.seconds) / 2
          case .logNormal(let p50, let p99):
            let sigma = Foundation.log(p99.seconds / p50.seconds) / 2.326
            mean = p50.seconds * Foundation.exp(sigma * sigma / 2)
          }
          let attempts = (0..<step.retry.attempts).reduce(0.0) {
            $0 + Foundation.pow(spec.failureRate, Double($1))
          }
          busy += file.workflow.load.rate * mean * attempts
        }
        #expect(busy < Double(queue.workers) * 0.7, "\(builtIn.name)/\(queue.name) is too busy")
      }
    }
  }

  @Test func allBuiltInsLoadTogetherSharingTheAuditQueue() throws {
    let topology = try WorkflowLoader.load(arguments: BuiltInWorkflows.all.map(\.name))
    #expect(topology.workflows.map(\.name) == ["chat", "ingest", "agent", "overload"])
    #expect(topology.queues.filter { $0.name == "audit" }.count == 1)
    #expect(
      topology.queues.map(\.name) == [
        "history", "events", "audit", "memory", "embeddings", "indexing", "webhooks", "crm", "thumbnails",
      ])
  }
}
