import Testing

@testable import ExecutionCore

/// The worker's hand-over: finishing a step and taking the next in one critical section.
struct StepQueueTests {
  private func items(_ count: Int) throws -> [QueueItem] {
    let steps = [StepDefinition(id: "log", mode: .background, queue: "q", action: .closure { _ in })]
    let definition = WorkflowDefinition(name: "w", steps: steps, load: LoadDefinition(rate: 0))
    let compiled = try CompiledTopology.compile(
      Topology(workflows: [definition], queues: [QueueDefinition(name: "q", workers: 1, capacity: 10)]))
    let workflow = WorkflowRuntime(index: 0, definition: definition, steps: compiled.workflows[0])
    return (0..<count).map { i in
      QueueItem(
        run: RunState(id: UInt64(i + 1), index: UInt64(i), workflow: workflow, mode: .hybrid, intendedNs: 0),
        step: 0, attempts: 0, enqueuedNs: 0)
    }
  }

  private func counts(_ queue: StepQueue) -> (queued: Int, running: Int, succeeded: Int) {
    let snapshot = queue.snapshot(nowNs: 0, cached: SnapshotCache.Queue())
    #expect(snapshot.isBalanced)
    return (snapshot.queued, snapshot.running, snapshot.succeeded)
  }

  @Test func aSucceededStepHandsOverTheNextWaitingOneInOrder() async throws {
    let queue = StepQueue(index: 0, definition: QueueDefinition(name: "q", workers: 1, capacity: 10))
    let all = try items(3)
    for item in all { #expect(queue.offer(item).isAccepted) }
    let first = try #require(await queue.take())
    #expect(first.run.id == 1)
    let handed = queue.succeededTakingNext(first, waitNs: 1_000, runNs: 2_000, nowSecond: 0)
    #expect(handed.next?.run.id == 2)
    #expect(!handed.paused)
    #expect(counts(queue) == (1, 1, 1))
    let second = try #require(handed.next)
    let last = queue.succeededTakingNext(second, waitNs: 1_000, runNs: 2_000, nowSecond: 0)
    #expect(last.next?.run.id == 3)
    let none = queue.succeededTakingNext(try #require(last.next), waitNs: 1_000, runNs: 2_000, nowSecond: 0)
    #expect(none.next == nil)
    #expect(counts(queue) == (0, 0, 3))
  }

  @Test func aPausedQueueHandsNothingOverAndReportsThePauseOnce() async throws {
    let queue = StepQueue(index: 0, definition: QueueDefinition(name: "q", workers: 1, capacity: 10))
    for item in try items(2) { #expect(queue.offer(item).isAccepted) }
    let first = try #require(await queue.take())
    #expect(queue.pause() == .pausing)
    let handed = queue.succeededTakingNext(first, waitNs: 0, runNs: 0, nowSecond: 0)
    #expect(handed.next == nil)
    #expect(handed.paused)
    #expect(counts(queue) == (1, 0, 1))
  }
}

extension OfferResult {
  fileprivate var isAccepted: Bool {
    if case .accepted = self { return true }
    return false
  }
}
