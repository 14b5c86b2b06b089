import ExecutionCore
import Testing

extension AllRuntimeTests {
  @Suite struct RunSemanticsTests {
    @Test func blockingStepsRunInDependencyOrderAndInParallel() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [
          blocking("a", 10), blocking("b", 20, after: ["a"]), blocking("c", 30, after: ["a"]),
          blocking("d", 5, after: ["b", "c"]),
        ], clock: clock)
      async let result = runtime.run(workflow: "w")
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(10))
      // b and c sleep at the same time: they run in parallel.
      #expect(await clock.waitForSleepers(count: 2))
      clock.advance(to: .ms(30))
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(40))
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(45))
      let r = try await result
      #expect(r.latency == .ms(45))
      #expect(!r.failed)
      let trace = try #require(runtime.snapshot(fresh: true).w.lastRun)
      #expect(trace.steps.map(\.outcome) == [.succeeded, .succeeded, .succeeded, .succeeded])
      #expect(trace.steps.map(\.onCriticalPath) == [true, false, true, true])
      #expect(trace.steps[2].readyAt == .ms(10))
      #expect(trace.steps[3].startedAt == .ms(40))
      #expect(trace.response == .ms(45))
    }

    @Test func responseDoesNotWaitForBackgroundButSettleDoes() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 10), background("x", 100, after: ["a"])], clock: clock)
      async let result = runtime.run(workflow: "w")
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(10))
      let r = try await result
      #expect(r.latency == .ms(10))
      #expect(r.mode == .hybrid)
      #expect(await clock.waitForSleepers(count: 1))
      var snap = runtime.snapshot(fresh: true)
      #expect(snap.w.runsResponded == 1)
      #expect(snap.w.runsSettled == 0)
      #expect(snap.w.runsInFlight == 1)
      #expect(snap.queue("q").running == 1)
      #expect(snap.w.lastRun?.steps[1].outcome == .running)
      clock.advance(to: .ms(110))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      snap = runtime.snapshot(fresh: true)
      #expect(snap.w.runsSettled == 1)
      #expect(snap.w.settle.count == 1)
      #expect(snap.queue("q").succeeded == 1)
      #expect(snap.w.lastRun?.settled != nil)
      #expect(snap.w.lastRun?.steps[1].executedAs == .background)
    }

    @Test func allSyncRunsBackgroundStepsInlineAndModeIsPerRun() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 10), background("x", 100, after: ["a"])], clock: clock)
      runtime.setMode(.allSync)
      async let result = runtime.run(workflow: "w")
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(10))
      #expect(await clock.waitForSleepers(count: 1))
      // The mode changes for later runs only.
      runtime.setMode(.hybrid)
      clock.advance(to: .ms(110))
      let r = try await result
      #expect(r.mode == .allSync)
      #expect(r.latency == .ms(110))
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.queue("q").accepted == 0)
      #expect(snap.w.lastRun?.steps[1].executedAs == .blocking)
      #expect(snap.events.contains { $0.kind == .modeChanged })
      async let second = runtime.run(workflow: "w")
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(120))
      #expect(try await second.mode == .hybrid)
    }

    @Test func blockingFailureFailsTheRunAndSkipsDependents() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [
          blocking("a", 10), blocking("bad", 5, after: ["a"], failureRate: 1),
          blocking("slow", 50, after: ["a"]),
          blocking("after-bad", 5, after: ["bad"]), background("x", 5, after: ["bad"]),
        ], clock: clock)
      async let result = runtime.run(workflow: "w")
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(10))
      #expect(await clock.waitForSleepers(count: 2))
      clock.advance(to: .ms(15))
      let r = try await result
      #expect(r.failed)
      #expect(r.latency == .ms(15))
      #expect(r.error?.contains("simulated failure (failure-rate 1.0)") == true)
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.w.runsFailed == 1)
      #expect(snap.w.runsResponded == 0)
      #expect(snap.w.runsSettled == 1)
      let outcomes = snap.w.lastRun?.steps.map(\.outcome)
      #expect(outcomes == [.succeeded, .failed, .cancelled, .skipped, .skipped])
      #expect(snap.events.contains { $0.kind == .runFailed && $0.severity == .error })
    }

    /// A chain's last step ends the run: its response and its settling are recorded at the same
    /// moment, counted once each, and the run leaves the in-flight count.
    @Test func aChainRespondsAndSettlesAtItsLastStep() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(
        steps: [blocking("a", 5), blocking("b", 7, after: ["a"]), blocking("c", 3, after: ["b"])],
        clock: clock)
      async let result = runtime.run(workflow: "w")
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(5))
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(12))
      #expect(await clock.waitForSleepers(count: 1))
      clock.advance(to: .ms(15))
      let r = try await result
      #expect(!r.failed)
      #expect(r.latency == .ms(15))
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.w.runsResponded == 1)
      #expect(snap.w.runsSettled == 1)
      #expect(snap.w.runsInFlight == 0)
      #expect(snap.runsInFlight == 0)
      #expect(snap.w.lastRun?.response == .ms(15))
      #expect(snap.w.lastRun?.settled == .ms(15))
      #expect(snap.w.criticalPath.count == 1)
      #expect(await runtime.waitUntilSettled(timeout: .seconds(1)))
    }

    @Test func blockingRetriesInlineWithBackoffOnTheCriticalPath() async throws {
      let clock = ManualClock()
      let retry = RetryPolicy(attempts: 3, backoff: .ms(10), maxBackoff: .ms(100))
      let runtime = try makeRuntime(steps: [blocking("a", 10, failureRate: 1, retry: retry)], clock: clock)
      async let result = runtime.run(workflow: "w")
      await advance(clock, to: .ms(500))
      let r = try await result
      #expect(r.failed)
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.w.steps[0].failed == 3)
      #expect(snap.w.steps[0].retried == 2)
      #expect(snap.w.lastRun?.steps[0].attempts == 3)
      // Three 10 ms attempts plus two backoffs of at most 10 and 20 ms.
      #expect(r.latency >= .ms(30) && r.latency <= .ms(60))
      #expect(snap.events.filter { $0.kind == .stepRetried }.count == 2)
    }

    @Test func blockingTimeoutCancelsTheAttempt() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(steps: [blocking("a", 100, timeout: .ms(30))], clock: clock)
      async let result = runtime.run(workflow: "w")
      #expect(await clock.waitForSleepers(count: 2))
      clock.advance(to: .ms(30))
      let r = try await result
      #expect(r.failed)
      #expect(r.latency == .ms(30))
      #expect(r.error?.contains("timed out after 30ms") == true)
      // The step's sleep was cancelled, not left behind.
      await clock.settle(quiet: .ms(20))
      #expect(clock.sleeperCount == 0)
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.w.steps[0].timedOut == 1)
      #expect(snap.events.contains { $0.kind == .stepTimedOut })
    }

    @Test func closureStepsReceiveTheirContext() async throws {
      let clock = ManualClock()
      let step = StepDefinition(
        id: "hook", mode: .blocking,
        action: .closure { context in
          if context.stepID != "hook" || context.attempt != 1 { throw CancellationError() }
        })
      let runtime = try makeRuntime(steps: [step], clock: clock)
      let r = try await runtime.run(workflow: "w")
      #expect(!r.failed)
      #expect(runtime.snapshot(fresh: true).w.steps[0].succeeded == 1)
    }

    @Test func unknownWorkflowThrows() async throws {
      let runtime = try makeRuntime(steps: [blocking("a", 1)], clock: ManualClock())
      await #expect(throws: RuntimeError.unknownWorkflow("nope")) { try await runtime.run(workflow: "nope") }
    }

    @Test func invalidTopologiesAreRefused() {
      let clock = ManualClock()
      #expect(throws: RuntimeError.self) {
        try makeRuntime(
          steps: [blocking("a", 1, after: ["b"]), blocking("b", 1, after: ["a"])], clock: clock)
      }
      #expect(throws: RuntimeError.self) {
        try makeRuntime(steps: [background("x", 1), blocking("a", 1, after: ["x"])], clock: clock)
      }
      #expect(throws: RuntimeError.self) {
        try makeRuntime(steps: [background("x", 1, queue: "nope")], clock: clock)
      }
      #expect(throws: RuntimeError.self) {
        try makeRuntime(steps: [blocking("a", 1, after: ["zzz"])], clock: clock)
      }
      #expect(throws: RuntimeError.self) {
        try makeRuntime(steps: [blocking("a", 1), blocking("a", 1)], clock: clock)
      }
    }

    @Test func recordingCollectsRunsStartedAfterIt() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(steps: [blocking("a", 0)], clock: clock)
      _ = try await runtime.run(workflow: "w")
      let id = runtime.startRecording(workflow: "w")
      _ = try await runtime.run(workflow: "w")
      _ = try await runtime.run(workflow: "w")
      let summary = try #require(runtime.finishRecording(id))
      #expect(summary.count == 2)
      #expect(runtime.finishRecording(id) == nil)
    }
  }
}
