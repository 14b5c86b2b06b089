import ExecutionCore
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

extension AllRuntimeTests {
  @Suite struct LoadAndIsolationTests {
    /// Nothing accepted is lost: the queue counts add up at every moment, under load, across
    /// pause, resume, redrive and shutdown.
    @Test func acceptedCountInvariantHoldsUnderLoad() async throws {
      let retry = RetryPolicy(attempts: 3, backoff: .microseconds(200), maxBackoff: .milliseconds(2))
      let flaky = StepDefinition(
        id: "flaky", mode: .background, after: ["a"], queue: "drop", timeout: .milliseconds(2), retry: retry,
        action: .simulate(
          SimulateSpec(latency: .uniform(min: .zero, max: .microseconds(300)), failureRate: 0.3)))
      let slow = StepDefinition(
        id: "slow", mode: .background, after: ["a"], queue: "reject", retry: retry,
        action: .simulate(
          SimulateSpec(latency: .logNormal(p50: .microseconds(100), p99: .milliseconds(3)), failureRate: 0.1))
      )
      let tail = StepDefinition(
        id: "tail", mode: .background, after: ["flaky"], queue: "reject",
        action: .simulate(SimulateSpec(latency: .fixed(.microseconds(50)))))
      let runtime = try makeRuntime(
        steps: [blocking("a", 0), flaky, slow, tail],
        queues: [
          QueueDefinition(name: "drop", workers: 4, capacity: 64, whenFull: .dropOldest),
          QueueDefinition(name: "reject", workers: 2, capacity: 32, whenFull: .reject),
        ],
        options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .milliseconds(1)),
        clock: SystemClock())
      var checks = 0
      func check() {
        let snap = runtime.snapshot()
        for q in snap.queues { #expect(q.isBalanced, "queue \(q.name) unbalanced: \(q)") }
        checks += 1
      }
      for round in 0..<20 {
        runtime.triggerBurst(workflow: "w", count: 100)
        check()
        if round == 5 { runtime.pauseQueue("drop") }
        if round == 9 { runtime.resumeQueue("drop") }
        if round % 4 == 3 { runtime.redrive(queue: "drop") }
        try await Task.sleep(for: .milliseconds(2))
        check()
      }
      #expect(await runtime.waitUntilSettled(timeout: .seconds(60)))
      check()
      runtime.redrive(queue: "reject")
      runtime.triggerBurst(workflow: "w", count: 200)
      let report = await runtime.shutdown(deadline: .zero)
      let snap = report.snapshot
      for q in snap.queues { #expect(q.isBalanced, "queue \(q.name) unbalanced after shutdown: \(q)") }
      #expect(snap.w.runsSettled == snap.w.runsStarted)
      #expect(snap.queues.allSatisfy { $0.queued == 0 && $0.running == 0 && $0.waitingRetry == 0 })
      let drop = snap.queue("drop")
      #expect(drop.accepted > 0 && drop.succeeded > 0)
      #expect(checks > 40)
    }

    /// CPU-bound background work saturating its queue does not stop the critical path, and the
    /// queue keeps making progress (behaviour only: no timing ratios on a shared machine).
    @Test func criticalPathRespondsWhileBackgroundBurnsCPU() async throws {
      let burn = WorkflowDefinition(
        name: "burn",
        steps: [
          StepDefinition(
            id: "spin", mode: .background, queue: "cpu",
            action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(5)), cpu: true)))
        ], load: LoadDefinition(rate: 0))
      let chain = WorkflowDefinition(
        name: "chain", steps: (0..<5).map { i in blocking("s\(i)", 1, after: i == 0 ? [] : ["s\(i - 1)"]) },
        load: LoadDefinition(rate: 0))
      let runtime = try Runtime(
        topology: Topology(
          workflows: [burn, chain], queues: [QueueDefinition(name: "cpu", workers: 4, capacity: 10_000)]),
        options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero))
      runtime.triggerBurst(workflow: "burn", count: 400)
      let accepted = ContinuousClock.now + .seconds(30)
      while runtime.snapshot().queues[0].accepted < 400 && ContinuousClock.now < accepted {
        try await Task.sleep(for: .milliseconds(1))
      }
      // Saturated: 400 steps of 5 ms of CPU wait behind 4 workers.
      #expect(runtime.snapshot().queues[0].queued > 0)
      for _ in 0..<10 {
        let result = try await runtime.run(workflow: "chain")
        #expect(!result.failed)
        #expect(result.latency >= .milliseconds(5))
      }
      // The saturated queue keeps making progress (it may be slow: its threads yield to everyone).
      let before = runtime.snapshot().queues[0].succeeded
      let limit = ContinuousClock.now + .seconds(60)
      while runtime.snapshot().queues[0].succeeded <= before && before < 400 && ContinuousClock.now < limit {
        try await Task.sleep(for: .milliseconds(5))
      }
      #expect(runtime.snapshot().queues[0].succeeded > before || before == 400)
      let snap = runtime.snapshot(fresh: true)
      #expect(snap.workflows[1].runsResponded == 10)
      #expect(snap.queues[0].succeeded > 0)
      #expect(snap.queues[0].isBalanced)
      let report = await runtime.shutdown(deadline: .zero)
      #expect(report.snapshot.queues[0].isBalanced)
    }

    #if os(Linux)
      /// The calling thread's scheduling policy and name.
      static func threadPolicyAndName() -> (policy: Int32, name: String) {
        var name = [CChar](repeating: 0, count: 32)
        if let file = fopen("/proc/thread-self/comm", "r") {
          _ = fgets(&name, 32, file)
          fclose(file)
        }
        let text = String(
          decoding: name.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (sched_getscheduler(0), text)
      }

      /// Background steps run on threads named lanes-bg with the SCHED_IDLE policy (5), which any
      /// waking normal thread preempts at once; blocking steps run on normal-policy threads.
      @Test func backgroundStepsRunOnIdlePolicyThreadsAndBlockingStepsDoNot() async throws {
        let seen = Mutex<[String: (Int32, String)]>([:])
        let workflow = WorkflowDefinition(
          name: "w",
          steps: [
            StepDefinition(
              id: "answer", mode: .blocking,
              action: .closure { _ in
                let found = LoadAndIsolationTests.threadPolicyAndName()
                seen.withLock { $0["blocking"] = found }
              }),
            StepDefinition(
              id: "log", mode: .background, after: ["answer"], queue: "q",
              action: .closure { _ in
                let found = LoadAndIsolationTests.threadPolicyAndName()
                seen.withLock { $0["background"] = found }
              }),
          ], load: LoadDefinition(rate: 0))
        let runtime = try Runtime(
          topology: Topology(
            workflows: [workflow], queues: [QueueDefinition(name: "q", workers: 1, capacity: 10)]),
          // Share 0: threads never raised, whatever else keeps this machine busy (ForeignLoadTests).
          options: RuntimeOptions(startLoad: false, backgroundShare: 0))
        _ = try await runtime.run(workflow: "w")
        let settled = await runtime.waitUntilSettled(timeout: .seconds(30))
        #expect(settled)
        _ = await runtime.shutdown(deadline: .seconds(1))
        let found = seen.withLock { $0 }
        #expect(found["background"]?.0 == 5)
        #expect(found["background"]?.1 == "lanes-bg")
        #expect(found["blocking"]?.0 == 0)
        #expect(found["blocking"]?.1 != "lanes-bg")
      }
    #endif
  }
}
