// A Swift service that embeds Lanes: a checkout request waits only for its blocking steps; the
// receipt and the analytics update run afterwards, on bounded queues, with retries.
// Run: swift run EmbeddingExample              (three requests, then a summary)
//      swift run EmbeddingExample --dashboard  (requests keep coming; watch them live, q quits)
import DashboardHost
import ExecutionCore
import Synchronization

let start = ContinuousClock.now
let dashboard = CommandLine.arguments.contains("--dashboard")
/// Seconds since start, for the log lines.
func elapsed() -> String { "+" + DurationText.format(ContinuousClock.now - start) }
/// The last time a background step finished.
let lastBackground = Mutex<Duration>(.zero)

let checkout = WorkflowDefinition(
  name: "checkout", description: "Charge the card and answer; receipt and analytics later",
  steps: [
    StepDefinition(
      id: "validate-cart", mode: .blocking,
      action: .closure { _ in
        try await Task.sleep(for: .milliseconds(20))  // e.g. read the cart from the database
      }),
    StepDefinition(
      id: "charge-card", mode: .blocking, after: ["validate-cart"], timeout: .seconds(2),
      action: .closure { _ in try await Task.sleep(for: .milliseconds(60)) }),
    StepDefinition(
      id: "send-receipt", mode: .background, after: ["charge-card"], queue: "email",
      retry: RetryPolicy(attempts: 3, backoff: .milliseconds(50)),
      action: .closure { context in
        try await Task.sleep(for: .milliseconds(300))
        // The mail server refuses every second run's first attempt: the queue retries it.
        if context.attempt == 1 && context.runID % 2 == 0 { throw MailServerBusy() }
        if !dashboard {
          print("\(elapsed())  receipt for order \(context.runID) sent (attempt \(context.attempt))")
        }
        lastBackground.withLock { $0 = ContinuousClock.now - start }
      }),
    StepDefinition(
      id: "update-analytics", mode: .background, after: ["charge-card"], queue: "analytics",
      action: .closure { _ in
        try await Task.sleep(for: .milliseconds(150))
        lastBackground.withLock { $0 = max($0, ContinuousClock.now - start) }
      }),
  ],
  load: LoadDefinition(rate: 5))  // only used by `runtime.start()`'s own load generator
struct MailServerBusy: Error {}

let runtime = try Runtime(
  topology: Topology(
    workflows: [checkout],
    queues: [
      QueueDefinition(name: "email", workers: 2, capacity: 100, whenFull: .reject),
      QueueDefinition(name: "analytics", workers: 1, capacity: 500, whenFull: .dropOldest),
    ]),
  options: RuntimeOptions(startLoad: false))

/// The service's request handler: it answers as soon as the blocking steps are done.
func handleCheckout() async -> String {
  do {
    let result = try await runtime.run(workflow: "checkout")
    return result.failed ? "502 \(result.error ?? "failed")" : "200 order \(result.runID) confirmed"
  } catch {
    return "503 \(error)"  // rejected: paused, shutting down, or over the in-flight limit
  }
}

if dashboard {
  let traffic = Task {  // the service keeps taking requests while someone watches
    while !Task.isCancelled {
      _ = await handleCheckout()
      try? await Task.sleep(for: .milliseconds(200))
    }
  }
  try await LanesDashboard.open(on: runtime)
  traffic.cancel()
} else {
  for _ in 1...3 {
    let response = await handleCheckout()
    print("\(elapsed())  response: \(response)")
  }
  _ = await runtime.waitUntilSettled(timeout: .seconds(10))
  let snapshot = runtime.snapshot(fresh: true)  // the same value the dashboard draws
  let (workflow, last) = (snapshot.workflows[0], lastBackground.withLock { $0 })
  print("responses: p50 \(DurationText.format(workflow.criticalPath.p50))")
  print("runs settled (background done too): p50 \(DurationText.format(workflow.settle.p50))")
  print("last background step finished at +\(DurationText.format(last))")
  for queue in snapshot.queues {
    print("queue \(queue.name): \(queue.succeeded) succeeded, \(queue.retried) retried, \(queue.dead) dead")
  }
}
_ = await runtime.shutdown(deadline: .seconds(2))
