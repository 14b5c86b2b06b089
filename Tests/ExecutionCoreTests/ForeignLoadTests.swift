import Benchmarks
import Synchronization
import Testing

@testable import ExecutionCore

#if canImport(Glibc)
  import Glibc
#endif

/// Background work under foreign CPU load (issue 10): with every core kept busy by ordinary-priority
/// processes, pure SCHED_IDLE background threads got almost no CPU and runs never settled. These
/// tests start two CPU hogs of their own (child processes, always killed, also when a test fails)
/// and require the work to finish; the deadlines are generous failure conditions, not timings.
extension AllRuntimeTests {
  @Suite struct ForeignLoadTests {
    /// Far longer than the work needs with a share (0.3 s of CPU at a quarter of a core or more),
    /// far shorter than it needs at SCHED_IDLE's weight (3 against 2048: about 100 s).
    static let deadline: Duration = .seconds(30)

    static func workflow(runs: Int) -> (WorkflowDefinition, QueueDefinition) {
      let steps = [
        StepDefinition(id: "respond", mode: .blocking, action: fixed(1)),
        StepDefinition(
          id: "work", mode: .background, after: ["respond"], queue: "bg",
          action: .simulate(SimulateSpec(latency: .fixed(.milliseconds(3)), cpu: true))),
      ]
      return (
        WorkflowDefinition(name: "wf", steps: steps, load: LoadDefinition(rate: 0, arrivals: .constant)),
        QueueDefinition(name: "bg", workers: 2, capacity: 10 * runs)
      )
    }

    @Test("CPU-bound background steps all finish and the runtime settles while two hogs run")
    func backgroundSettlesUnderTwoHogs() async throws {
      let hogs = try CPUHogs(count: 2)
      defer { hogs.stop() }
      let runs = 100
      let (workflow, queue) = Self.workflow(runs: runs)
      let runtime = try Runtime(
        topology: Topology(workflows: [workflow], queues: [queue]),
        options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .milliseconds(10)))
      for _ in 0..<runs {
        let result = try await runtime.run(workflow: "wf")
        #expect(!result.failed)
      }
      let limit = ContinuousClock.now + Self.deadline
      var settled = false
      while ContinuousClock.now < limit {
        if runtime.snapshot().workflows.first(where: { $0.name == "wf" })?.runsInFlight == 0 {
          settled = true
          break
        }
        try await Task.sleep(for: .milliseconds(20))
      }
      let succeeded = runtime.snapshot().queues.first { $0.name == "bg" }?.succeeded ?? 0
      _ = await runtime.shutdown(deadline: .seconds(1))
      #expect(settled, "runs still in flight \(Self.deadline) after the load: background starved")
      #expect(succeeded == runs)
    }

    @Test("Without permission to raise threads, the reserve thread keeps background work moving")
    func reserveThreadFinishesUnderTwoHogs() async throws {
      let hogs = try CPUHogs(count: 2)
      defer { hogs.stop() }
      let executor = BackgroundExecutor(threads: 2, share: 0.25, promotion: false)
      #expect(executor.mode == .reserveThread)
      #expect(executor.threadCount == 3)
      let finished = Counter()
      let jobs = 40
      await withTaskGroup(of: Void.self) { group in
        for _ in 0..<jobs {
          group.addTask(executorPreference: executor) {
            // 5 ms of CPU that never yields, as a CPU-bound step does.
            let end = ContinuousClock.now + .milliseconds(5)
            var spin: UInt64 = 0
            while ContinuousClock.now < end { spin = spin &* 6_364_136_223_846_793_005 &+ 1 }
            _ = withExtendedLifetime(spin) { finished.value.add(1, ordering: .relaxed) }
          }
        }
        let limit = ContinuousClock.now + Self.deadline
        while finished.value.load(ordering: .relaxed) < jobs && ContinuousClock.now < limit {
          try? await Task.sleep(for: .milliseconds(20))
        }
        if finished.value.load(ordering: .relaxed) < jobs { group.cancelAll() }
      }
      #expect(finished.value.load(ordering: .relaxed) == jobs)
    }

    // MARK: The watchdog's rules, driven with the samples the kernel gives

    /// A 50 ms tick in nanoseconds.
    static let tick = 50e6
    /// A thread that is runnable and never got the CPU: what SCHED_IDLE beside two hogs looks like.
    /// The kernel books its run-queue delay only when it runs, so `waited` stays 0.
    static let starvedSample = AgingPolicy.Sample(ran: 0, waited: 0, runnable: true)
    /// Two hogs' worth of other programs' CPU in a tick (two cores).
    static let hogs = 2 * tick
    /// A thread waiting for work on its condition variable.
    static let idleSample = AgingPolicy.Sample(ran: 0, waited: 0, runnable: false)

    @Test("A thread kept off the CPU that books no run-queue delay raises every thread after two ticks")
    func starvedWithoutBookedDelayIsRaised() {
      var policy = AgingPolicy(threads: 2)
      let samples: [AgingPolicy.Sample?] = [Self.starvedSample, Self.idleSample]
      #expect(policy.assess(samples, elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 1) == .none)
      #expect(
        policy.assess(samples, elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 2)
          == .raiseAll(resume: false))
      #expect(policy.contended)
    }

    @Test("A long booked delay counts as starvation too, and one starved tick is not enough")
    func bookedDelayCountsAndBurstsDoNot() {
      var policy = AgingPolicy(threads: 1)
      let waitedLong = AgingPolicy.Sample(ran: 1e6, waited: 1.3e9, runnable: false)
      #expect(
        policy.assess([waitedLong], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 1) == .none)
      // A tick with CPU for the thread in between: the count starts again.
      let ran = AgingPolicy.Sample(ran: 40e6, waited: 0, runnable: true)
      #expect(policy.assess([ran], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 2) == .none)
      #expect(
        policy.assess([waitedLong], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 3) == .none)
      #expect(
        policy.assess([Self.starvedSample], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 4)
          == .raiseAll(resume: false))
    }

    @Test("Nothing is raised while the machine has CPU to spare or the threads get the CPU")
    func notRaisedWithoutForeignLoad() {
      var policy = AgingPolicy(threads: 2)
      // Idle CPU: a SCHED_IDLE thread gets it (the load balancer moves it there).
      for tick in 1...20 {
        #expect(
          policy.assess(
            [Self.starvedSample, Self.starvedSample], elapsed: Self.tick, idleNs: 0.5 * Self.tick,
            foreignNs: Self.tick, tick: tick)
            == .none)
      }
      // Saturated by this process's own threads (a busy critical path): no other program ran.
      for tick in 21...40 {
        #expect(
          policy.assess(
            [Self.starvedSample, Self.starvedSample], elapsed: Self.tick, idleNs: 0, foreignNs: 0, tick: tick)
            == .none)
      }
      // Saturated by the background itself: both threads run most of every tick.
      let busy = AgingPolicy.Sample(ran: 45e6, waited: 2e6, runnable: true)
      for tick in 41...60 {
        #expect(
          policy.assess([busy, busy], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: tick)
            == .none)
      }
      #expect(!policy.contended)
    }

    @Test("Raised threads stay raised without work while the machine stays saturated")
    func raisedStayRaisedUnderLoad() {
      var policy = AgingPolicy(threads: 2)
      _ = policy.assess(
        [Self.starvedSample, nil], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 1)
      #expect(
        policy.assess(
          [Self.starvedSample, nil], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 2)
          == .raiseAll(resume: false))
      for tick in 3...200 {
        #expect(
          policy.assess(
            [Self.idleSample, Self.idleSample], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs,
            tick: tick)
            == .none)
      }
      #expect(policy.contended)
    }

    @Test("Lowered after ten ticks in a row with CPU to spare; starved again soon, raised after one tick")
    func loweredWhenCalmAndResumed() {
      var policy = AgingPolicy(threads: 1)
      _ = policy.assess([Self.starvedSample], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 1)
      #expect(
        policy.assess([Self.starvedSample], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 2)
          == .raiseAll(resume: false))
      let spare = Self.tick  // one core idle for the whole tick
      var tick = 3
      for _ in 1...9 {
        #expect(
          policy.assess(
            [Self.idleSample], elapsed: Self.tick, idleNs: spare, foreignNs: Self.hogs, tick: tick) == .none
        )
        tick += 1
      }
      // One saturated tick: the calm count starts again.
      #expect(
        policy.assess([Self.idleSample], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: tick)
          == .none)
      tick += 1
      for _ in 1...9 {
        #expect(
          policy.assess(
            [Self.idleSample], elapsed: Self.tick, idleNs: spare, foreignNs: Self.hogs, tick: tick) == .none
        )
        tick += 1
      }
      #expect(
        policy.assess([Self.idleSample], elapsed: Self.tick, idleNs: spare, foreignNs: Self.hogs, tick: tick)
          == .lowerAll)
      #expect(!policy.contended)
      tick += 1
      #expect(
        policy.assess([Self.starvedSample], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: tick)
          == .raiseAll(resume: true))
      // Long after a lowering, two ticks again, at the share's nice.
      var later = AgingPolicy(threads: 1)
      #expect(
        later.assess([Self.starvedSample], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 1000)
          == .none)
    }

    @Test("Lowered once other programs stop using the CPU, though the runtime's own backlog keeps it busy")
    func loweredWhenForeignLoadLeaves() {
      var policy = AgingPolicy(threads: 2)
      _ = policy.assess(
        [Self.starvedSample, nil], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 1)
      #expect(
        policy.assess(
          [Self.starvedSample, nil], elapsed: Self.tick, idleNs: 0, foreignNs: Self.hogs, tick: 2)
          == .raiseAll(resume: false))
      // The hogs are gone; the raised threads work off a backlog on both cores (no idle CPU).
      let busy = AgingPolicy.Sample(ran: 48e6, waited: 1e6, runnable: true)
      for tick in 3...11 {
        #expect(
          policy.assess([busy, busy], elapsed: Self.tick, idleNs: 0, foreignNs: 0, tick: tick) == .none)
      }
      #expect(
        policy.assess([busy, busy], elapsed: Self.tick, idleNs: 0, foreignNs: 0, tick: 12) == .lowerAll)
    }

    @Test("A share maps to the nice level with that share of a core against one nice-0 competitor")
    func shareToNice() {
      #expect(BackgroundShare.nice(for: 0) == nil)
      #expect(BackgroundShare.nice(for: -1) == nil)
      #expect(BackgroundShare.nice(for: .nan) == nil)
      #expect(BackgroundShare.nice(for: 0.25) == 5)
      #expect(BackgroundShare.nice(for: 0.1) == 10)
      #expect(BackgroundShare.nice(for: 0.5) == 0)
      #expect(BackgroundShare.nice(for: 3) == 0)
      #expect(BackgroundShare.nice(for: 0.001) == 19)
    }
  }
}

/// A counter tasks on other threads add to.
final class Counter: Sendable {
  let value = Atomic<Int>(0)
}
