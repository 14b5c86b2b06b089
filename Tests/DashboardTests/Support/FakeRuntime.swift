import ExecutionCore
import Synchronization

/// A runtime that returns a scripted snapshot, applies commands to it the way the real one
/// would (mode, pause, rate), and records every command.
final class FakeRuntime: RuntimeControl {
  enum Command: Hashable {
    case trigger(String)
    case burst(String, Int)
    case setRate(String, Double)
    case pause(String)
    case resume(String)
    case pauseQueue(String)
    case resumeQueue(String)
    case setMode(ExecutionMode)
    case setWorkflowMode(ExecutionMode?, String, comparison: Bool)
    case redrive(String)
    case startRecording(String)
    case finishRecording(UInt64)
  }

  private struct Inner {
    var snapshot: RuntimeSnapshot
    var commands: [Command] = []
    var snapshotsTaken = 0
    var nextRecording: UInt64 = 1
    var summaries: [LatencySummary] = []
    var redriveCounts: [String: Int] = [:]
    var advanceUptimeOnSnapshot = true
  }

  private let inner: Mutex<Inner>

  init(_ snapshot: RuntimeSnapshot = Fixtures.snapshot()) {
    inner = Mutex(Inner(snapshot: snapshot))
  }

  /// Commands received, oldest first.
  var commands: [Command] { inner.withLock { $0.commands } }
  /// Commands that change the runtime (everything except recordings).
  var runtimeCommands: [Command] {
    commands.filter {
      if case .startRecording = $0 { return false }
      if case .finishRecording = $0 { return false }
      return true
    }
  }
  /// How many snapshots were taken.
  var snapshotsTaken: Int { inner.withLock { $0.snapshotsTaken } }

  /// Replaces the scripted snapshot.
  func script(_ change: (inout RuntimeSnapshot) -> Void) { inner.withLock { change(&$0.snapshot) } }
  /// What `finishRecording` returns, in order.
  func scriptSummaries(_ summaries: [LatencySummary]) { inner.withLock { $0.summaries = summaries } }
  /// What `redrive` returns for a queue.
  func scriptRedrive(_ queue: String, moved: Int) { inner.withLock { $0.redriveCounts[queue] = moved } }
  /// When false, snapshots keep their uptime (a stuck runtime).
  func setAdvancing(_ advancing: Bool) { inner.withLock { $0.advanceUptimeOnSnapshot = advancing } }

  func snapshot() -> RuntimeSnapshot {
    inner.withLock {
      $0.snapshotsTaken += 1
      if $0.advanceUptimeOnSnapshot { $0.snapshot.uptime += .milliseconds(1) }
      return $0.snapshot
    }
  }

  private func record(_ command: Command, _ change: (inout RuntimeSnapshot) -> Void = { _ in }) {
    inner.withLock {
      $0.commands.append(command)
      change(&$0.snapshot)
    }
  }

  private func workflow(_ name: String, _ change: @escaping (inout WorkflowSnapshot) -> Void)
    -> (inout RuntimeSnapshot) -> Void
  {
    { snapshot in
      for index in snapshot.workflows.indices where snapshot.workflows[index].name == name {
        change(&snapshot.workflows[index])
      }
    }
  }

  private func queue(_ name: String, _ change: @escaping (inout QueueSnapshot) -> Void)
    -> (inout RuntimeSnapshot) -> Void
  {
    { snapshot in
      for index in snapshot.queues.indices where snapshot.queues[index].name == name {
        change(&snapshot.queues[index])
      }
    }
  }

  func trigger(workflow: String) -> TriggerResult {
    record(.trigger(workflow))
    return result(workflow, count: 1)
  }
  func triggerBurst(workflow: String, count: Int) -> TriggerResult {
    record(.burst(workflow, count))
    return result(workflow, count: count)
  }
  /// As the real runtime answers: refused when unknown, pausing or paused, started otherwise.
  private func result(_ name: String, count: Int) -> TriggerResult {
    let state = inner.withLock { $0.snapshot.workflows.first { $0.name == name }?.state }
    guard let state else { return TriggerResult(requested: count, accepted: 0, refusal: .unknownWorkflow) }
    if state != .running { return TriggerResult(requested: count, accepted: 0, refusal: .paused) }
    return TriggerResult(requested: count, accepted: count, refusal: nil)
  }
  func setRate(workflow name: String, rate: Double) {
    record(.setRate(name, rate), workflow(name) { $0.rate = rate })
  }
  /// Like the real runtime: pausing while runs are in flight, paused once none is.
  func pause(workflow name: String) {
    record(.pause(name), workflow(name) { $0.state = $0.runsInFlight > 0 ? .pausing : .paused })
  }
  /// Lets the runs in flight finish, so a pausing workflow becomes paused.
  func finishRunsInFlight(_ name: String) {
    inner.withLock {
      for index in $0.snapshot.workflows.indices where $0.snapshot.workflows[index].name == name {
        $0.snapshot.workflows[index].runsInFlight = 0
        if $0.snapshot.workflows[index].state == .pausing { $0.snapshot.workflows[index].state = .paused }
      }
    }
  }
  func resume(workflow name: String) { record(.resume(name), workflow(name) { $0.state = .running }) }
  func pauseQueue(_ name: String) { record(.pauseQueue(name), queue(name) { $0.state = .paused }) }
  func resumeQueue(_ name: String) { record(.resumeQueue(name), queue(name) { $0.state = .running }) }
  func setMode(_ mode: ExecutionMode) { record(.setMode(mode), { $0.mode = mode }) }
  func setMode(_ mode: ExecutionMode?, workflow name: String, comparison: Bool) {
    record(
      .setWorkflowMode(mode, name, comparison: comparison),
      workflow(name) {
        $0.modeOverride = mode
        $0.underComparison = comparison
      })
  }
  func redrive(queue name: String) -> Int {
    let moved = inner.withLock { $0.redriveCounts[name] ?? 0 }
    record(.redrive(name))
    return moved
  }
  func startRecording(workflow: String) -> RecordingID {
    inner.withLock { inner in
      inner.commands.append(.startRecording(workflow))
      defer { inner.nextRecording += 1 }
      return RecordingID(rawValue: inner.nextRecording)
    }
  }
  func finishRecording(_ id: RecordingID) -> LatencySummary? {
    inner.withLock {
      $0.commands.append(.finishRecording(id.rawValue))
      return $0.summaries.isEmpty ? .empty : $0.summaries.removeFirst()
    }
  }
}
