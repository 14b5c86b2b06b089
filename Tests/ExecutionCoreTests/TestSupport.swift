import ExecutionCore
import Testing

/// Every runtime suite nests here: serialized, so manual-clock tests that wait for quiet are not
/// starved by each other on a 2-core machine.
@Suite(.serialized) enum AllRuntimeTests {}

/// A simulated step taking a fixed time.
func fixed(_ ms: Int, failureRate: Double = 0) -> StepAction {
  .simulate(SimulateSpec(latency: .fixed(.milliseconds(ms)), failureRate: failureRate))
}

/// A blocking step.
func blocking(
  _ id: String, _ ms: Int, after: [String] = [], failureRate: Double = 0, retry: RetryPolicy = .none,
  timeout: Duration? = nil
) -> StepDefinition {
  StepDefinition(
    id: id, mode: .blocking, after: after, timeout: timeout, retry: retry,
    action: fixed(ms, failureRate: failureRate))
}

/// A background step on `queue`.
func background(
  _ id: String, _ ms: Int, queue: String = "q", after: [String] = [], failureRate: Double = 0,
  retry: RetryPolicy = .none, timeout: Duration? = nil
) -> StepDefinition {
  StepDefinition(
    id: id, mode: .background, after: after, queue: queue, timeout: timeout, retry: retry,
    action: fixed(ms, failureRate: failureRate))
}

/// A runtime with one workflow "w" and the given queues, on a manual clock.
func makeRuntime(
  steps: [StepDefinition], queues: [QueueDefinition] = [QueueDefinition(name: "q", workers: 1, capacity: 10)],
  options: RuntimeOptions = RuntimeOptions(
    startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false),
  clock: any LanesClock
) throws -> Runtime {
  let workflow = WorkflowDefinition(name: "w", steps: steps, load: LoadDefinition(rate: 0))
  return try Runtime(
    topology: Topology(workflows: [workflow], queues: queues), options: options, clock: clock)
}

/// Moves a manual clock to `target` one sleeper deadline at a time, letting woken tasks park again.
func advance(_ clock: ManualClock, to target: Duration) async {
  while true {
    await clock.settle(quiet: .milliseconds(20))
    guard let next = clock.nextDeadline, next <= target else { break }
    clock.advance(to: next)
  }
  clock.advance(to: target)
  await clock.settle(quiet: .milliseconds(20))
}

extension RuntimeSnapshot {
  func queue(_ name: String) -> QueueSnapshot { queues.first { $0.name == name }! }
  var w: WorkflowSnapshot { workflows[0] }
}

extension Duration {
  static func ms(_ value: Int) -> Duration { .milliseconds(value) }
}
