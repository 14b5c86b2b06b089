import ExecutionCore
import LanesTestSupport
import Testing

extension AllRuntimeTests {
  /// Where every background step went, at shutdown and under hand-overs; worker tasks follow work.
  @Suite struct QueueAccountingTests {
    @Test func aBlockQueueAccountsForEveryStepWhenShutDownWithProducersWaiting() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 1), background("x", 1000, after: ["a"])],
        queues: [QueueDefinition(name: "q", workers: 1, capacity: 10, whenFull: .block)], clock: clock)
      runtime.triggerBurst(workflow: "w", count: 100)
      #expect(await clock.waitForSleepers(count: 100))
      await advance(clock, to: .ms(1))
      // One step runs, ten wait, and the other 89 runs wait for room before responding.
      #expect(
        await eventually(every: .milliseconds(1)) { runtime.snapshot().queue("q").blockedProducers == 89 })
      var q = runtime.snapshot(fresh: true).queue("q")
      #expect(q.offered == 100)
      #expect(q.isBalanced)

      let report = await runtime.shutdown(deadline: .zero)
      q = report.snapshot.queue("q")
      #expect(q.offered == 100, "every run's background step was offered once")
      #expect(q.blockedProducers == 0)
      #expect(q.refusedAtShutdown == 89)
      #expect(q.accepted + q.rejected + q.refusedAtShutdown == 100)
      #expect(q.accepted == 11)
      #expect(q.cancelled == 11)
      #expect(q.isBalanced)
      #expect(report.snapshot.w.runsSettled == 100)
      #expect(report.snapshot.w.steps[1].succeeded == 0)
    }

    @Test func resumingHandsWaitingStepsOverAndLetsBlockedProducersIntoTheRoom() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [background("x", 100)],
        queues: [QueueDefinition(name: "q", workers: 1, capacity: 1, whenFull: .block)], clock: clock)
      runtime.pauseQueue("q")
      runtime.triggerBurst(workflow: "w", count: 3)
      #expect(
        await eventually(every: .milliseconds(1)) { runtime.snapshot().queue("q").blockedProducers == 2 })
      var q = runtime.snapshot().queue("q")
      #expect(q.queued == 1)
      #expect(q.workerTasks == 0, "a paused queue starts no worker")
      runtime.resumeQueue("q")
      // In the same step: the waiting one goes to a worker, and a producer takes the room it left.
      q = runtime.snapshot().queue("q")
      #expect(q.running == 1)
      #expect(q.queued == 1)
      #expect(q.blockedProducers == 1)
      #expect(q.isBalanced)
      #expect(await clock.waitForSleepers(count: 1))
      await advance(clock, to: .ms(300))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      q = runtime.snapshot().queue("q")
      #expect(q.succeeded == 3)
      #expect(q.workerTasks == 1)
      #expect(q.isBalanced)
    }

    @Test func workerTasksFollowTheWorkNotTheDeclaredCount() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [background("x", 50)],
        queues: [QueueDefinition(name: "q", workers: 1_000_000, capacity: 1_000_000)], clock: clock)
      #expect(runtime.snapshot().queue("q").workerTasks == 0)
      runtime.triggerBurst(workflow: "w", count: 10)
      #expect(await clock.waitForSleepers(count: 10))
      var q = runtime.snapshot().queue("q")
      #expect(q.workerTasks == 10)
      #expect(q.running == 10)
      await advance(clock, to: .ms(50))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      // Idle workers are reused: ten more steps start no new task.
      #expect(await eventually(every: .milliseconds(1)) { runtime.snapshot().queue("q").idleWorkers == 10 })
      runtime.triggerBurst(workflow: "w", count: 10)
      #expect(await clock.waitForSleepers(count: 10))
      q = runtime.snapshot().queue("q")
      #expect(q.workerTasks == 10)
      await advance(clock, to: .ms(100))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      q = runtime.snapshot().queue("q")
      #expect(q.succeeded == 20)
      #expect(q.isBalanced)
      _ = await runtime.shutdown(deadline: .seconds(1))
    }
  }
}
