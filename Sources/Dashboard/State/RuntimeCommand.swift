import ExecutionCore

/// A change the dashboard asks of the runtime. The reducer only returns these; `DashboardApp`
/// is the one place that sends them to the `RuntimeControl`, so every state change is testable
/// without a runtime and every command is visible in the effect.
public enum RuntimeCommand: Sendable, Hashable {
  /// Start one run now.
  case trigger(workflow: String)
  /// Start `count` runs now.
  case burst(workflow: String, count: Int)
  /// Set the load generator's rate (runs per second).
  case setRate(workflow: String, rate: Double)
  /// Stop new runs; runs in flight finish.
  case pause(workflow: String)
  /// Take runs again.
  case resume(workflow: String)
  /// Workers of the queue stop taking steps.
  case pauseQueue(String)
  /// Workers of the queue take steps again.
  case resumeQueue(String)
  /// The mode for runs started from now on.
  case setMode(ExecutionMode)
  /// The mode for new runs of one workflow alone (nil: the runtime's); `comparison` keeps their
  /// latencies out of the workflow's normal figures.
  case setWorkflowMode(ExecutionMode?, workflow: String, comparison: Bool)
  /// Move the queue's dead letters back onto it.
  case redrive(queue: String)
  /// Start collecting the critical-path latency of the workflow's new runs.
  case startRecording(workflow: String)
  /// Stop a recording and hand back what it collected.
  case finishRecording(RecordingID)
}

/// What the runtime answered to a command, handed back to the state (`absorb`).
public enum CommandResult: Sendable, Hashable {
  /// The command returns nothing.
  case done
  /// What `trigger` or `triggerBurst` actually did.
  case triggered(TriggerResult)
  /// `redrive` moved this many dead letters.
  case redriven(Int)
  /// `startRecording` gave this id.
  case recording(RecordingID)
  /// `finishRecording` returned this summary (nil for an unknown id).
  case summary(LatencySummary?)
}
