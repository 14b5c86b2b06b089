import ExecutionCore
import Foundation
import LanesSQLite
import LanesTestSupport
import Synchronization
import Testing

/// What the closure steps saw.
final class Seen: Sendable {
  let keys = Mutex<[String]>([])
  let outputs = Mutex<[String]>([])
  /// Run ids whose `flaky` step has failed once already.
  let failedOnce = Mutex<Set<UInt64>>([])
}

/// Workflow `w`: blocking `answer`, then background `a` (outputs {"n":1}), then `b` (reads a's
/// output); `flaky` fails its first attempt; `doomed` always fails (2 attempts).
func storeWorkflow(_ seen: Seen) -> Topology {
  Topology(
    workflows: [
      WorkflowDefinition(
        name: "w",
        steps: [
          StepDefinition(id: "answer", mode: .blocking, action: .closure { _ in }),
          StepDefinition(
            id: "a", mode: .background, after: ["answer"], queue: "q",
            action: .transform { context in
              seen.keys.withLock { $0.append(context.idempotencyKey) }
              return try Payload(json: #"{"n":1}"#)
            }),
          StepDefinition(
            id: "b", mode: .background, after: ["a"], queue: "q",
            action: .closure { context in
              let output = try context.output(of: "a")
              seen.outputs.withLock { $0.append(output.text) }
            }),
          StepDefinition(
            id: "flaky", mode: .background, after: ["answer"], queue: "q",
            retry: RetryPolicy(attempts: 3, backoff: .milliseconds(5)),
            action: .closure { context in
              let first = seen.failedOnce.withLock { $0.insert(context.runID).inserted }
              if first { throw ServeFailure(description: "first attempt fails") }
            }),
          StepDefinition(
            id: "doomed", mode: .background, queue: "q",
            retry: RetryPolicy(attempts: 2, backoff: .milliseconds(5)),
            action: .closure { _ in throw ServeFailure(description: "always fails") }),
        ], load: LoadDefinition(rate: 0))
    ],
    queues: [QueueDefinition(name: "q", workers: 2, capacity: 1000)])
}

@Suite("Runtime with a SQLite store")
struct RuntimeStoreTests {
  @Test func runsAnswerAfterTheCommitAndTotalsContinueAcrossRestarts() async throws {
    let dir = try scratchDirectory()
    let path = dir.appendingPathComponent("s.db").path
    let seen = Seen()
    // Background on the shared pool: inside a full `swift test` run, SCHED_IDLE workers are starved by
    // the other suites in this same process (our own load never raises them, by design).
    var options = RuntimeOptions(
      startLoad: false, isolateBackground: false, store: SQLiteStepStore(path: path))
    // Waits are long: inside a full `swift test` on a loaded 2-core machine, every hand-off of a
    // step (claim, start, finish, each a commit and a wake-up on the pool) queues behind the other
    // suites; alone this test takes about a second.
    let runtime = try Runtime(topology: storeWorkflow(seen), options: options)
    #expect(try await runtime.openStore()?.summary == nil)
    runtime.start()
    var ids: [UInt64] = []
    for _ in 0..<5 { ids.append(try await runtime.run(workflow: "w").runID) }
    #expect(await runtime.waitUntilSettled(timeout: .seconds(90)))
    #expect(seen.outputs.withLock { $0 } == Array(repeating: #"{"n":1}"#, count: 5))
    #expect(Set(seen.keys.withLock { $0 }) == Set(ids.map { "\($0)-a" }))
    let dead = await eventually(within: .seconds(90)) { runtime.snapshot(fresh: true).queues[0].dead == 5 }
    #expect(dead)
    let before = runtime.snapshot(fresh: true).queues[0]
    #expect(before.accepted == 20)
    #expect(before.succeeded == 15)
    #expect(before.retried == 10)  // flaky once and doomed once, per run
    #expect(await eventually(within: .seconds(90)) { runtime.deadLetters(queue: "q").count == 5 })
    _ = await runtime.shutdown(deadline: .seconds(5))

    // A new process on the same file: totals continue, dead letters are there, redrive works.
    options.store = SQLiteStepStore(path: path)
    let again = try Runtime(topology: storeWorkflow(seen), options: options)
    let recovery = try await again.openStore()
    #expect(recovery?.dead == 5)
    #expect(again.events(after: 0).contains { $0.message.contains("recovered 0 steps: 5 dead letters") })
    let restored = again.snapshot(fresh: true).queues[0]
    #expect(restored.accepted == 20)
    #expect(restored.succeeded == 15)
    again.start()
    let next = try await again.run(workflow: "w").runID
    #expect(!ids.contains(next))
    #expect(await eventually(within: .seconds(90)) { again.snapshot(fresh: true).queues[0].dead == 6 })
    // The count is the store's, once the steps moved (not the figure it last reported).
    #expect(try await again.redriveConfirmed(queue: "q") == 6)
    #expect(try await again.redriveConfirmed(queue: "q") == 0)
    // Redriven: each doomed step runs its two attempts again and dies again.
    let redone = await eventually(within: .seconds(90)) {
      let q = again.snapshot(fresh: true).queues[0]
      return q.deadLettered == 5 + 1 + 6 && q.dead == 6
    }
    #expect(redone, "\(again.snapshot(fresh: true).queues[0])")
    #expect(again.snapshot(fresh: true).queues[0].accepted == 24)
    #expect(try await again.deleteDeadLettersConfirmed(queue: "q") == 6)
    let deleted = await eventually(within: .seconds(90)) {
      let q = again.snapshot(fresh: true).queues[0]
      return q.deadLettersDeleted == 6 && q.dead == 0
    }
    #expect(deleted)
    #expect(again.snapshot(fresh: true).queues[0].isBalanced)
    _ = await again.shutdown(deadline: .seconds(5))
  }

  @Test func aFullStoreRefusesNewRunsWithAStoreReason() async throws {
    let dir = try scratchDirectory()
    let seen = Seen()
    let store = SQLiteStepStore(path: dir.appendingPathComponent("s.db").path, maxPageCount: 40)
    let runtime = try Runtime(
      topology: storeWorkflow(seen),
      options: RuntimeOptions(startLoad: false, isolateBackground: false, store: store))
    try await runtime.openStore()
    runtime.start()
    let big = try Payload(json: "\"" + String(repeating: "x", count: 20_000) + "\"")
    var refusal: RuntimeError?
    for _ in 0..<200 {
      do {
        let result = try await runtime.run(workflow: "w", input: big)
        if result.failed { #expect(result.error?.contains("not stored") == true) }
      } catch let error as RuntimeError {
        refusal = error
        break
      }
    }
    #expect(refusal?.refusal == .shuttingDown, "\(String(describing: refusal))")
    #expect(refusal?.description.contains("the store cannot take new runs") == true)
    #expect(refusal?.description.contains("full") == true)
    _ = await runtime.shutdown(deadline: .seconds(2))
  }
}
