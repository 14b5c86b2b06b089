import ExecutionCore
import LanesTestSupport
import Testing

extension AllRuntimeTests {
  @Suite struct ControlTests {
    @Test func pausedWorkflowRejectsNewRunsUntilResumed() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 10), background("x", 50, after: ["a"])], clock: clock)
      runtime.trigger(workflow: "w")
      #expect(await clock.waitForSleepers(count: 1))
      runtime.pause(workflow: "w")
      #expect(runtime.snapshot().w.state == .pausing)
      runtime.trigger(workflow: "w")
      await #expect(throws: RuntimeError.self) { try await runtime.run(workflow: "w") }
      #expect(runtime.snapshot().w.runsRejected == 2)
      // Pausing lasts until the run in flight has settled, background step included.
      await advance(clock, to: .ms(10))
      #expect(runtime.snapshot().w.state == .pausing)
      await advance(clock, to: .ms(60))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      var snap = runtime.snapshot()
      #expect(snap.w.state == .paused)
      #expect(snap.events.map(\.kind).contains(.workflowPaused))
      runtime.resume(workflow: "w")
      snap = runtime.snapshot()
      #expect(snap.w.state == .running)
      runtime.trigger(workflow: "w")
      #expect(runtime.snapshot().w.runsStarted == 2)
    }

    @Test func inFlightLimitRejectsVisibly() async throws {
      let clock = ManualClock()
      var options = RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false)
      options.maxRunsInFlight = 2
      let runtime = try makeRuntime(steps: [blocking("a", 10)], options: options, clock: clock)
      runtime.triggerBurst(workflow: "w", count: 3)
      var snap = runtime.snapshot()
      #expect(snap.w.runsStarted == 2)
      #expect(snap.w.runsRejected == 1)
      #expect(snap.runsInFlight == 2)
      #expect(snap.maxRunsInFlight == 2)
      #expect(snap.events.contains { $0.kind == .runRejected && $0.message.contains("limit 2") })
      // Both runs' blocking steps must be asleep before time moves (the quiet-period heuristic of
      // `advance` can fire first on a busy machine, and a step that starts late sleeps later).
      #expect(await clock.waitForSleepers(count: 2))
      await advance(clock, to: .ms(10))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      runtime.trigger(workflow: "w")
      snap = runtime.snapshot()
      #expect(snap.w.runsStarted == 3)
    }

    @Test func shutdownCancelsWhatIsLeftAndCountsAddUp() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 1), background("x", 100, after: ["a"])],
        queues: [QueueDefinition(name: "q", workers: 1, capacity: 5, whenFull: .block)], clock: clock)
      runtime.triggerBurst(workflow: "w", count: 8)
      #expect(await clock.waitForSleepers(count: 8))
      await advance(clock, to: .ms(1))
      // One running, five queued, two producers blocked: reached by the runs' tasks in their own time.
      let full = await eventually(every: .milliseconds(1)) {
        let q = runtime.snapshot(fresh: true).queue("q")
        return q.running == 1 && q.queued == 5 && q.blockedProducers == 2
      }
      var snap = runtime.snapshot(fresh: true)
      #expect(full, "queue: \(snap.queue("q"))")
      let report = await runtime.shutdown(deadline: .milliseconds(50))
      #expect(!report.settledInTime)
      #expect(report.runsCancelled == 8)
      snap = report.snapshot
      let q = snap.queue("q")
      #expect(q.isBalanced)
      #expect(q.cancelled == 6 && q.accepted == 6)
      #expect(report.stepsCancelled == 6)
      #expect(snap.shuttingDown)
      #expect(snap.w.runsSettled == 8)
      #expect(snap.runsInFlight == 0)
      #expect(snap.events.contains { $0.kind == .shutdown })
      await #expect(throws: RuntimeError.self) { try await runtime.run(workflow: "w") }
    }

    @Test func shutdownWaitsForWorkThatFinishesInTime() async throws {
      let clock = SystemClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 1), background("x", 5, after: ["a"])],
        queues: [QueueDefinition(name: "q", workers: 2, capacity: 50)], clock: clock)
      runtime.triggerBurst(workflow: "w", count: 10)
      let report = await runtime.shutdown(deadline: .seconds(20))
      #expect(report.settledInTime)
      #expect(report.stepsCancelled == 0)
      #expect(report.snapshot.queue("q").succeeded == 10)
      #expect(report.snapshot.queue("q").isBalanced)
    }

    /// `run(workflow:)` runs the blocking part in the caller's task: a shutdown that gives up on the
    /// run cancels it there, and the caller gets a failed, cancelled result (not a 30 s wait).
    @Test func shutdownCancelsARunAwaitedByItsCaller() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 1), blocking("long", 30_000, after: ["a"])], clock: clock)
      let caller = Task { try await runtime.run(workflow: "w") }
      #expect(await clock.waitForSleepers(count: 1))
      await advance(clock, to: .ms(1))
      #expect(await clock.waitForSleepers(count: 1))
      let report = await runtime.shutdown(deadline: .zero)
      let result = try await caller.value
      #expect(result.failed)
      #expect(result.error?.contains("cancelled") == true, "\(result)")
      #expect(report.runsCancelled == 1)
      #expect(report.snapshot.w.runsSettled == 1)
    }

    /// Cancelling the caller of `run(workflow:)` cancels its run's blocking steps.
    @Test func cancellingTheCallerCancelsTheRun() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(steps: [blocking("long", 30_000)], clock: clock)
      let caller = Task { try await runtime.run(workflow: "w") }
      #expect(await clock.waitForSleepers(count: 1))
      caller.cancel()
      let result = try await caller.value
      #expect(result.failed)
      #expect(result.error?.contains("cancelled") == true, "\(result)")
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      #expect(runtime.snapshot(fresh: true).w.runsFailed == 1)
    }

    @Test func generatorStartsRunsAtItsRateAndStopsAtZero() async throws {
      let clock = ManualClock()
      let workflow = WorkflowDefinition(
        name: "w", steps: [blocking("a", 1)], load: LoadDefinition(rate: 100, arrivals: .constant))
      let runtime = try Runtime(
        topology: Topology(workflows: [workflow], queues: []),
        options: RuntimeOptions(snapshotRefreshInterval: .zero, isolateBackground: false), clock: clock)
      runtime.start()
      #expect(runtime.snapshot().w.rate == 100)
      await advance(clock, to: .ms(95))
      // Arrivals at 10, 20, ..., 90 ms.
      #expect(runtime.snapshot().w.runsStarted == 9)
      runtime.setRate(workflow: "w", rate: 0)
      await advance(clock, to: .ms(300))
      #expect(runtime.snapshot().w.runsStarted == 9)
      #expect(runtime.snapshot().w.rate == 0)
      #expect(runtime.snapshot().events.contains { $0.kind == .rateChanged })
    }

    @Test func driveStartsTheRequestedRunsOpenLoop() async throws {
      let runtime = try makeRuntime(steps: [blocking("a", 2)], clock: SystemClock())
      await runtime.drive(workflow: "w", rate: 2000, arrivals: .poisson, runs: 40)
      #expect(runtime.snapshot().w.runsStarted == 40)
      #expect(await runtime.waitUntilSettled(timeout: .seconds(20)))
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.w.runsResponded == 40)
      #expect(snap.w.criticalPath.count == 40)
      #expect(snap.w.criticalPath.p50 >= .milliseconds(2))
    }

    @Test func driveStopsAfterItsDuration() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(steps: [blocking("a", 0)], clock: clock)
      async let driving: Void = runtime.drive(workflow: "w", rate: 100, duration: .ms(100))
      for _ in 0..<20 {
        await clock.settle(quiet: .ms(20))
        clock.advance(by: .ms(10))
      }
      await driving
      // Intended starts at 0, 10, ..., 90 ms.
      #expect(runtime.snapshot().w.runsStarted == 10)
    }
  }
}

extension AllRuntimeTests {
  @Suite struct SeriesTests {
    @Test func perSecondSeriesCloseEachSecond() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 10), background("x", 10, after: ["a"])], clock: clock)
      for index in 0..<3 {
        // Not `waitForSleepers(count: 1)`: the previous run's background step may be the sleeper
        // it sees, and advancing before this run's blocking step sleeps would strand the run.
        let run = Task { try await runtime.run(workflow: "w") }
        await advance(clock, to: .ms(10 * (index + 1)))
        _ = try await run.value
      }
      await advance(clock, to: .milliseconds(2500))
      let snap = runtime.snapshot(fresh: true)
      let series = snap.w.criticalPathSeries
      #expect(series.map(\.second) == [0, 1])
      #expect(series[0].count == 3 && series[0].p50 == .ms(10) && series[0].mode == .hybrid)
      #expect(series[1].count == 0)
      #expect(snap.w.criticalPath.count == 3)
      #expect(snap.w.steps[1].duration.count == 3)
      #expect(snap.queue("q").depthSeries.count >= 1)
      #expect(snap.queue("q").wait.count == 3)
      #expect(snap.queue("q").run.count == 3)
      #expect(snap.uptime == .milliseconds(2500))
    }
  }
}
