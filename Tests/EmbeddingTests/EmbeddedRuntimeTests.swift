import ExecutionCore
import Synchronization
import Testing

/// A gate a background closure waits at until the test opens it.
final class Gate: Sendable {
  private let stream: AsyncStream<Void>
  private let continuation: AsyncStream<Void>.Continuation

  init() { (stream, continuation) = AsyncStream.makeStream() }

  /// Waits until `open()` (returns at once if it already happened).
  func wait() async { for await _ in stream {} }

  /// Lets every waiter through, now and later.
  func open() { continuation.finish() }
}

/// A program that embeds the runtime: `run(workflow:)` answers after the blocking part, while the
/// background closures are still running.
@Suite(.timeLimit(.minutes(1))) struct EmbeddedRuntimeTests {
  struct Counts {
    var blockingDone = 0
    var backgroundStarted = 0
    var backgroundDone = 0
  }

  /// What the closures did, shared with the test.
  final class Progress: Sendable {
    private let counts = Mutex(Counts())
    func withLock<T: Sendable>(_ body: (inout Counts) -> T) -> T { counts.withLock { body(&$0) } }
  }

  func makeRuntime(gate: Gate, progress: Progress) throws -> Runtime {
    let steps = [
      StepDefinition(
        id: "answer", mode: .blocking,
        action: .closure { _ in progress.withLock { $0.blockingDone += 1 } }),
      StepDefinition(
        id: "later", mode: .background, after: ["answer"], queue: "work",
        action: .closure { _ in
          progress.withLock { $0.backgroundStarted += 1 }
          await gate.wait()
          progress.withLock { $0.backgroundDone += 1 }
        }),
    ]
    let topology = Topology(
      workflows: [WorkflowDefinition(name: "service", steps: steps, load: LoadDefinition(rate: 1))],
      queues: [QueueDefinition(name: "work", workers: 1, capacity: 10)])
    return try Runtime(topology: topology, options: RuntimeOptions(startLoad: false))
  }

  @Test func responseComesBackBeforeTheBackgroundClosureFinishes() async throws {
    let gate = Gate()
    let progress = Progress()
    let runtime = try makeRuntime(gate: gate, progress: progress)

    let result = try await runtime.run(workflow: "service")
    // The gate is still closed, so the background closure cannot have finished: had `run` waited
    // for it, this line would never be reached (and the time limit would fail the test).
    #expect(!result.failed)
    #expect(progress.withLock { ($0.blockingDone, $0.backgroundDone) } == (1, 0))
    let during = runtime.snapshot(fresh: true)
    #expect(during.workflows[0].runsResponded == 1)
    #expect(during.workflows[0].runsSettled == 0)
    #expect(during.queues[0].queued + during.queues[0].running == 1)
    #expect(during.queues[0].succeeded == 0)

    gate.open()
    #expect(await runtime.waitUntilSettled(timeout: .seconds(30)))
    #expect(progress.withLock { ($0.backgroundStarted, $0.backgroundDone) } == (1, 1))
    let after = runtime.snapshot(fresh: true)
    #expect(after.workflows[0].runsSettled == 1)
    #expect(after.workflows[0].steps.map(\.succeeded) == [1, 1])
    #expect(after.queues[0].succeeded == 1)
    _ = await runtime.shutdown(deadline: .seconds(2))
  }

  @Test func manyResponsesWhileEveryBackgroundClosureWaits() async throws {
    let gate = Gate()
    let progress = Progress()
    let runtime = try makeRuntime(gate: gate, progress: progress)

    for _ in 0..<5 { _ = try await runtime.run(workflow: "service") }
    #expect(progress.withLock { ($0.blockingDone, $0.backgroundDone) } == (5, 0))
    let during = runtime.snapshot(fresh: true)
    #expect(during.workflows[0].runsResponded == 5)
    // One worker: one closure waits at the gate, the other four wait on the queue.
    #expect(during.queues[0].queued + during.queues[0].running == 5)

    gate.open()
    #expect(await runtime.waitUntilSettled(timeout: .seconds(30)))
    let after = runtime.snapshot(fresh: true)
    #expect(after.workflows[0].runsSettled == 5)
    #expect(after.queues[0].succeeded == 5)
    #expect(progress.withLock { $0.backgroundDone } == 5)
    _ = await runtime.shutdown(deadline: .seconds(2))
  }
}
