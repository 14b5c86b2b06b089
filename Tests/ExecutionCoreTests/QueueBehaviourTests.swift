import ExecutionCore
import Synchronization
import Testing

extension AllRuntimeTests {
  @Suite struct QueueBehaviourTests {
    func queue(_ policy: OverflowPolicy, workers: Int = 1, capacity: Int = 1) -> [QueueDefinition] {
      [QueueDefinition(name: "q", workers: workers, capacity: capacity, whenFull: policy)]
    }

    @Test func rejectRefusesVisibly() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(steps: [background("x", 100)], queues: queue(.reject), clock: clock)
      for _ in 0..<3 { runtime.trigger(workflow: "w") }
      #expect(await clock.waitForSleepers(count: 1))
      await clock.settle(quiet: .ms(20))
      var snap = runtime.snapshot(fresh: true)
      let q = snap.queue("q")
      #expect(q.running == 1 && q.queued == 1 && q.rejected == 1 && q.accepted == 2)
      #expect(q.isBalanced)
      #expect(snap.w.steps[0].rejected == 1)
      #expect(snap.events.contains { $0.kind == .stepRejected })
      await advance(clock, to: .ms(300))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      snap = runtime.snapshot(fresh: true)
      #expect(snap.queue("q").succeeded == 2)
      #expect(snap.w.runsSettled == 3)
      #expect(snap.queue("q").isBalanced)
    }

    @Test func dropOldestDropsVisibly() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(steps: [background("x", 100)], queues: queue(.dropOldest), clock: clock)
      for _ in 0..<3 { runtime.trigger(workflow: "w") }
      #expect(await clock.waitForSleepers(count: 1))
      await clock.settle(quiet: .ms(20))
      let q = runtime.snapshot(fresh: true).queue("q")
      #expect(q.dropped == 1 && q.queued == 1 && q.running == 1 && q.accepted == 3)
      #expect(q.isBalanced)
      await advance(clock, to: .ms(300))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.w.steps[0].dropped == 1)
      #expect(snap.w.steps[0].succeeded == 2)
      #expect(snap.events.contains { $0.kind == .stepDropped })
      #expect(snap.queue("q").isBalanced)
    }

    @Test func blockMakesTheProducerWaitBeforeResponding() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 1), background("x", 100, after: ["a"])], queues: queue(.block), clock: clock)
      async let r1 = runtime.run(workflow: "w")
      async let r2 = runtime.run(workflow: "w")
      #expect(await clock.waitForSleepers(count: 2))
      clock.advance(to: .ms(1))
      let first = try await [r1, r2]
      #expect(first.allSatisfy { $0.latency == .ms(1) })
      async let r3 = runtime.run(workflow: "w")
      #expect(await clock.waitForSleepers(count: 2))
      clock.advance(to: .ms(2))
      await clock.settle(quiet: .ms(20))
      var snap = runtime.snapshot(fresh: true)
      #expect(snap.queue("q").blockedProducers == 1)
      #expect(snap.w.runsResponded == 2)
      await advance(clock, to: .ms(101))
      let third = try await r3
      #expect(third.latency >= .ms(100))
      snap = runtime.snapshot(fresh: true)
      #expect(snap.queue("q").blockedProducers == 0)
      #expect(snap.queue("q").rejected == 0)
      await advance(clock, to: .ms(400))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      #expect(runtime.snapshot(fresh: true).queue("q").succeeded == 3)
    }

    @Test func backgroundRetriesThenDeadLettersWithTheLastError() async throws {
      let clock = ManualClock()
      let retry = RetryPolicy(attempts: 3, backoff: .ms(10), maxBackoff: .ms(50))
      let runtime = try makeRuntime(
        steps: [background("x", 5, failureRate: 1, retry: retry)], queues: queue(.reject, capacity: 10),
        clock: clock)
      runtime.trigger(workflow: "w")
      await advance(clock, to: .ms(200))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      let snap = runtime.snapshot(fresh: true)
      let q = snap.queue("q")
      #expect(q.accepted == 1 && q.dead == 1 && q.deadLettered == 1)
      #expect(q.retried == 2 && q.failedAttempts == 3)
      #expect(q.isBalanced)
      #expect(snap.w.steps[0].deadLettered == 1)
      #expect(snap.recentFailures.count == 3)
      #expect(snap.recentFailures.last?.dead == true)
      #expect(snap.recentFailures.last?.error == "simulated failure (failure-rate 1.0)")
      #expect(snap.events.contains { $0.kind == .stepDeadLettered && $0.severity == .error })
      #expect(runtime.deadLetters(queue: "q").first?.error == "simulated failure (failure-rate 1.0)")
    }

    @Test func backgroundTimeoutCountsAsAFailedAttempt() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [background("x", 100, timeout: .ms(20))], queues: queue(.reject, capacity: 10), clock: clock)
      runtime.trigger(workflow: "w")
      await advance(clock, to: .ms(50))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.w.steps[0].timedOut == 1)
      #expect(snap.queue("q").dead == 1)
      #expect(runtime.deadLetters(queue: "q").first?.error == "timed out after 20ms")
      #expect(clock.sleeperCount == 0)
    }

    @Test func redriveMovesDeadLettersBackWithoutCountingThemAgain() async throws {
      let clock = ManualClock()
      let healthy = Atomic<Bool>(false)
      let step = StepDefinition(
        id: "flaky", mode: .background, queue: "q",
        action: .closure { _ in
          if !healthy.load(ordering: .relaxed) { throw RedriveError.down }
        })
      let runtime = try makeRuntime(steps: [step], queues: queue(.reject, capacity: 10), clock: clock)
      runtime.triggerBurst(workflow: "w", count: 3)
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      var q = runtime.snapshot(fresh: true).queue("q")
      #expect(q.dead == 3 && q.accepted == 3 && q.isBalanced)
      healthy.store(true, ordering: .relaxed)
      #expect(runtime.redrive(queue: "q") == 3)
      for _ in 0..<1000 where runtime.snapshot(fresh: true).queue("q").succeeded < 3 {
        try await Task.sleep(for: .milliseconds(2))
      }
      q = runtime.snapshot(fresh: true).queue("q")
      #expect(q.succeeded == 3 && q.dead == 0 && q.accepted == 3 && q.deadLettered == 3)
      #expect(q.isBalanced)
      #expect(runtime.snapshot().events.contains { $0.kind == .redriven })
      #expect(runtime.redrive(queue: "q") == 0)
    }

    enum RedriveError: Error { case down }

    @Test func pausedQueueGrowsThenResumes() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [background("x", 50)], queues: queue(.reject, capacity: 100), clock: clock)
      runtime.trigger(workflow: "w")
      #expect(await clock.waitForSleepers(count: 1))
      runtime.pauseQueue("q")
      var snap = runtime.snapshot(fresh: true)
      #expect(snap.queue("q").state == .pausing)
      runtime.triggerBurst(workflow: "w", count: 5)
      await clock.settle(quiet: .ms(20))
      snap = runtime.snapshot(fresh: true)
      #expect(snap.queue("q").queued == 5)
      #expect(snap.queue("q").isBalanced)
      clock.advance(to: .ms(50))
      await clock.settle(quiet: .ms(20))
      snap = runtime.snapshot(fresh: true)
      #expect(snap.queue("q").state == .paused)
      #expect(snap.queue("q").running == 0 && snap.queue("q").queued == 5 && snap.queue("q").succeeded == 1)
      #expect(snap.queue("q").oldestQueuedAge == .ms(50))
      #expect(snap.events.contains { $0.kind == .queuePaused })
      await advance(clock, to: .ms(200))
      #expect(runtime.snapshot(fresh: true).queue("q").queued == 5)
      runtime.resumeQueue("q")
      #expect(runtime.snapshot(fresh: true).queue("q").state == .running)
      await advance(clock, to: .ms(600))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      snap = runtime.snapshot(fresh: true)
      #expect(snap.queue("q").succeeded == 6)
      #expect(snap.queue("q").isBalanced)
      #expect(snap.events.contains { $0.kind == .queueResumed })
    }

    @Test func backgroundChainsRunAfterTheirBackgroundDependencies() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 1), background("x", 10, after: ["a"]), background("y", 10, after: ["x"])],
        queues: queue(.reject, capacity: 10), clock: clock)
      async let r = runtime.run(workflow: "w")
      await advance(clock, to: .ms(1))
      #expect(try await r.latency == .ms(1))
      await advance(clock, to: .ms(100))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      let trace = try #require(runtime.snapshot(fresh: true).w.lastRun)
      #expect(trace.steps.map(\.outcome) == [.succeeded, .succeeded, .succeeded])
      #expect(trace.steps[2].startedAt! >= trace.steps[1].endedAt!)
    }
  }
}
