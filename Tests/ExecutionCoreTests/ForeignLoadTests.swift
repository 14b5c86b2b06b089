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
