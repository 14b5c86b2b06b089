import ExecutionCore
import Foundation
import Testing

/// Two workflows, "a" and "b", each a 10 ms blocking step followed by a 10 ms background step on "q".
private func twoWorkflows(clock: ManualClock, options: RuntimeOptions? = nil) throws -> Runtime {
  func workflow(_ name: String) -> WorkflowDefinition {
    WorkflowDefinition(
      name: name, steps: [blocking("s", 10), background("bg", 10, after: ["s"])],
      load: LoadDefinition(rate: 0))
  }
  return try Runtime(
    topology: Topology(
      workflows: [workflow("a"), workflow("b")],
      queues: [QueueDefinition(name: "q", workers: 2, capacity: 10)]),
    options: options
      ?? RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false),
    clock: clock)
}

extension RuntimeSnapshot {
  fileprivate func workflow(_ name: String) -> WorkflowSnapshot { workflows.first { $0.name == name }! }
}

extension AllRuntimeTests {
  @Suite struct WindowAndComparisonTests {
    @Test func windowsForgetOldRunsAndSinceStartKeepsThem() async throws {
      let clock = ManualClock()
      let runtime = try makeRuntime(steps: [blocking("a", 10)], clock: clock)
      // Three quick runs at 0 s (critical path 10 ms).
      runtime.triggerBurst(workflow: "w", count: 3)
      #expect(await clock.waitForSleepers(count: 3))
      await advance(clock, to: .ms(10))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      // Two slow runs at 30 s: meant to start 1 s earlier, so their critical path is about 1 s.
      await advance(clock, to: .seconds(30))
      let late = runtime.now - .seconds(1)
      async let first = runtime.run(workflow: "w", intendedStart: late)
      async let second = runtime.run(workflow: "w", intendedStart: late)
      #expect(await clock.waitForSleepers(count: 2))
      await advance(clock, to: .seconds(30) + .ms(10))
      _ = try await (first, second)

      var w = runtime.snapshot(fresh: true).w
      let recent = w.figures(.last10s)
      #expect(recent.criticalPath.count == 2)
      #expect(recent.criticalPath.p50 >= .ms(990))
      #expect(recent.covered <= .seconds(10))
      #expect(w.figures(.last1m).criticalPath.count == 5)
      #expect(w.figures(.last5m).settle.count == 5)
      #expect(w.figures(.sinceStart).criticalPath == w.criticalPath)
      #expect(w.criticalPath.count == 5)

      // A second later the 30 s second has ended: it counts in the rates.
      await advance(clock, to: .seconds(31))
      w = runtime.snapshot(fresh: true).w
      #expect(w.startedPerSecond == 2.0 / 5)
      #expect(w.respondedPerSecond == 2.0 / 5)
      #expect(w.figures(.last10s).startedPerSecond == 2.0 / 10)
      #expect(w.figures(.last1m).startedPerSecond == 5.0 / 31, "the minute still holds the first runs")
      #expect(abs(w.figures(.sinceStart).startedPerSecond - 5.0 / 31) < 0.01)

      // At 75 s the 10 s window is empty, the minute holds only the slow runs, since-start all five.
      await advance(clock, to: .seconds(75))
      w = runtime.snapshot(fresh: true).w
      #expect(w.figures(.last10s).criticalPath.count == 0)
      #expect(w.figures(.last1m).criticalPath.count == 2)
      #expect(w.figures(.last1m).criticalPath.p50 >= .ms(990))
      #expect(w.figures(.last1m).covered <= .seconds(60))
      #expect(w.figures(.last5m).criticalPath.count == 5)
      #expect(w.criticalPath.count == 5)
      #expect(w.startedPerSecond == 0)
    }

    @Test func aComparisonChangesOneWorkflowAndKeepsItsRunsOutOfItsFigures() async throws {
      let clock = ManualClock()
      let runtime = try twoWorkflows(clock: clock)
      runtime.setMode(.allSync, workflow: "a", comparison: true)
      let recording = runtime.startRecording(workflow: "a")
      #expect(runtime.trigger(workflow: "a").accepted == 1)
      #expect(runtime.trigger(workflow: "b").accepted == 1)
      #expect(await clock.waitForSleepers(count: 2))
      await advance(clock, to: .ms(30))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))

      var snap = runtime.snapshot(fresh: true)
      #expect(snap.mode == .hybrid, "the runtime's mode is left alone")
      let a = snap.workflow("a")
      let b = snap.workflow("b")
      #expect(a.modeOverride == .allSync)
      #expect(a.underComparison)
      #expect(a.runsStarted == 1)
      #expect(a.comparisonRuns == 1)
      #expect(a.criticalPath.count == 0)
      #expect(a.settle.count == 0)
      #expect(a.figures(.last1m).criticalPath.count == 0)
      #expect(a.criticalPathSeries.allSatisfy { $0.count == 0 })
      #expect(a.lastRun?.mode == .allSync)
      #expect(a.lastRun?.comparison == true)
      #expect(b.modeOverride == nil)
      #expect(!b.underComparison)
      #expect(b.lastRun?.mode == .hybrid)
      #expect(b.criticalPath.count == 1)
      #expect(b.figures(.last1m).settle.count == 1)
      #expect(runtime.finishRecording(recording)?.count == 1, "the comparison's recording has its run")

      // Ending the comparison: a's runs follow the runtime's mode and count again.
      runtime.setMode(nil, workflow: "a", comparison: false)
      runtime.trigger(workflow: "a")
      #expect(await clock.waitForSleepers(count: 1))
      await advance(clock, to: .ms(60))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      snap = runtime.snapshot(fresh: true)
      #expect(snap.workflow("a").lastRun?.mode == .hybrid)
      #expect(snap.workflow("a").lastRun?.comparison == false)
      #expect(snap.workflow("a").criticalPath.count == 1)
      #expect(snap.workflow("a").comparisonRuns == 1)
      #expect(snap.workflow("a").modeOverride == nil)
      // The runtime's mode reaches every workflow without an override of its own.
      runtime.setMode(.allSync, workflow: "b")
      runtime.setMode(.hybrid)
      runtime.setMode(.allSync)
      #expect(runtime.snapshot().workflow("b").modeOverride == .allSync)
      #expect(runtime.snapshot().workflow("a").modeOverride == nil)
    }

    @Test func triggersSayWhatHappened() async throws {
      let clock = ManualClock()
      var options = RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false)
      options.maxRunsInFlight = 2
      let runtime = try twoWorkflows(clock: clock, options: options)
      let burst = runtime.triggerBurst(workflow: "a", count: 3)
      #expect(burst == TriggerResult(requested: 3, accepted: 2, refusal: .inFlightLimit))
      #expect(burst.refused == 1)
      #expect(burst.summary.contains("2 of 3"))
      #expect(
        runtime.trigger(workflow: "nope")
          == TriggerResult(requested: 1, accepted: 0, refusal: .unknownWorkflow))
      #expect(await clock.waitForSleepers(count: 2))
      await advance(clock, to: .ms(30))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      runtime.pause(workflow: "b")
      let paused = runtime.trigger(workflow: "b")
      #expect(paused.refusal == .paused)
      #expect(paused.accepted == 0)
      #expect(paused.summary.contains("paused"))
      #expect(runtime.snapshot().workflow("b").runsRejected == 1)
      let fine = runtime.trigger(workflow: "a")
      #expect(fine.allAccepted)
      #expect(fine.summary == "triggered 1 run")
      #expect(await clock.waitForSleepers(count: 1))
      await advance(clock, to: .ms(60))
      _ = await runtime.shutdown(deadline: .seconds(5))
      #expect(runtime.trigger(workflow: "a").refusal == .shuttingDown)
    }

    @Test func tracesCarryPerWorkflowNumbersAndTheSnapshotEncodes() async throws {
      let clock = ManualClock()
      let before = Date().timeIntervalSince1970
      let runtime = try twoWorkflows(clock: clock)
      let after = Date().timeIntervalSince1970
      runtime.triggerBurst(workflow: "a", count: 3)
      runtime.trigger(workflow: "b")
      #expect(await clock.waitForSleepers(count: 4))
      await advance(clock, to: .ms(30))
      #expect(await runtime.waitUntilSettled(timeout: .seconds(10)))
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.workflow("a").lastRun?.number == 3)
      #expect(snap.workflow("b").lastRun?.number == 1)
      #expect(snap.workflow("b").lastRun?.runID == 4)
      // The start's time of day, to within the time it took to make the runtime.
      let startedAt = Double(snap.startedAt.components.seconds)
      #expect(startedAt >= before.rounded(.down) && startedAt <= after.rounded(.up))
      #expect(snap.queue("q").figures(.last10s).run.count == 4)
      #expect(snap.queue("q").figures(.sinceStart).wait == snap.queue("q").wait)

      let encoder = JSONEncoder()
      encoder.outputFormatting = .sortedKeys
      let data = try encoder.encode(snap)
      let decoded = try JSONDecoder().decode(RuntimeSnapshot.self, from: data)
      #expect(try encoder.encode(decoded) == data)
      #expect(decoded.workflow("a").figures(.last1m) == snap.workflow("a").figures(.last1m))
      let text = String(decoding: data, as: UTF8.self)
      #expect(text.contains("\"1m\""), "windows are keyed by their labels")
    }
  }
}
