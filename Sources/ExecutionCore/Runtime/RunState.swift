import Synchronization

/// One step's progress within one run: a few words, times in nanoseconds on the runtime clock.
struct StepRecord: Sendable {
  /// -1 until known.
  var readyNs: Int64 = -1
  var startNs: Int64 = -1
  var endNs: Int64 = -1
  var attempts: UInt16 = 0
  var pendingDependencies: UInt16
  var outcome: StepOutcome = .pending
}

/// Step indices that became ready, held without an allocation when there is at most one (every
/// step of a chain): finishing a step is on the critical path.
struct ReadySteps: RandomAccessCollection, ExpressibleByArrayLiteral {
  private var single = -1
  private var more: [Int] = []

  init() {}
  init(_ steps: [Int]) { for step in steps { append(step) } }
  init(arrayLiteral steps: Int...) { self.init(steps) }

  var startIndex: Int { 0 }
  var endIndex: Int { (single >= 0 ? 1 : 0) + more.count }
  subscript(position: Int) -> Int {
    if single >= 0 { return position == 0 ? single : more[position - 1] }
    return more[position]
  }

  mutating func append(_ step: Int) {
    if single < 0 && more.isEmpty { single = step } else { more.append(step) }
  }
}

/// What finishing a step changed in its run.
struct FinishEffect {
  /// Steps whose dependencies are now all done.
  var ready = ReadySteps()
  /// True if this was the run's last unfinished step.
  var settled = false
  /// False if the step had already ended (a redriven step finishing again).
  var counted = true
}

/// The mutable part of a run.
struct RunProgress: Sendable {
  var steps: [StepRecord]
  /// Background steps handed to the durable store (store mode only; empty otherwise).
  var stored: Set<Int> = []
  var unfinished: Int
  var responded = false
  var failed = false
  var settled = false
  var responseNs: Int64 = -1
  var settledNs: Int64 = -1
  var error: String?
  /// The run's steps all ended before its response was recorded; settle right after responding.
  var settlePending = false
  /// The run's task while its blocking part runs (shutdown cancels it); nil once that is done.
  var task: Task<Void, Never>?
  var taskDone = false
  /// The task of a `run(workflow:)` caller while it runs the blocking part itself (shutdown cancels it).
  var caller: CallerTask?
  /// Step outputs by step index; empty until a step produces one (a run without data allocates
  /// nothing), and emptied when the run responds if no step will need them later.
  var outputs: [Payload?] = []
  /// The outputs were freed at the response: later ones are not kept.
  var outputsReleased = false
  /// The response, once recorded.
  var response: Payload?
  /// The blocking step whose failure failed the run, and its error.
  var failedStep: Int?
  var stepError: String?
}

/// The task of a `run(workflow:)` caller, which runs its run's blocking part in its own task.
///
/// `@unchecked Sendable`: `UnsafeCurrentTask` is a reference to a task that is valid only while that
/// task runs. It is stored in `RunProgress.caller` under the run's lock by the task itself, as it
/// starts the blocking part, and removed under the same lock by the task itself before
/// `run(workflow:)` returns; the only other use is `cancel()` (thread-safe) by shutdown, under that
/// lock. So it is never used once its task could have ended, and never from two places unguarded.
struct CallerTask: @unchecked Sendable {
  let task: UnsafeCurrentTask
}

/// One run of a workflow.
final class RunState: Sendable {
  let id: UInt64
  /// Position among the runs of its workflow: part of every random decision's hash.
  let index: UInt64
  let workflow: WorkflowRuntime
  let mode: ExecutionMode
  let intendedNs: Int64
  /// Started under a comparison: its latencies stay out of the workflow's normal figures.
  let comparison: Bool
  /// The run's input (validated JSON).
  let input: Payload
  let progress: Mutex<RunProgress>

  init(
    id: UInt64, index: UInt64, workflow: WorkflowRuntime, mode: ExecutionMode, intendedNs: Int64,
    comparison: Bool = false, input: Payload = .null
  ) {
    self.id = id
    self.input = input
    self.comparison = comparison
    self.index = index
    self.workflow = workflow
    self.mode = mode
    self.intendedNs = intendedNs
    let steps = workflow.initialRecords
    self.progress = Mutex(RunProgress(steps: steps, unfinished: steps.count))
  }

  /// Whether step `i` runs on a queue in this run.
  func isBackground(_ i: Int) -> Bool {
    mode == .hybrid && workflow.background[i]
  }

  /// Records where a step is (queued, running, waiting to retry) and, on a new attempt, its start.
  func update(_ i: Int, outcome: StepOutcome, attemptStartNs: Int64? = nil, readyNs: Int64? = nil) {
    progress.withLock { progress in
      guard !progress.steps[i].isEnded else { return }
      progress.steps[i].outcome = outcome
      if let readyNs, progress.steps[i].readyNs < 0 { progress.steps[i].readyNs = readyNs }
      if let attemptStartNs {
        progress.steps[i].attempts &+= 1
        if progress.steps[i].startNs < 0 { progress.steps[i].startNs = attemptStartNs }
      }
    }
  }

  /// Marks blocking step `i` running for its first attempt, in one trip through the run's lock:
  /// its ready time is the latest end of its dependencies (or the run's intended start), and the
  /// attempt starts then, or `allowance` before `nowNs` if the step began later than that.
  /// Returns the attempt's start.
  func beginBlocking(_ i: Int, nowNs: Int64, allowance: Int64) -> Int64 {
    progress.withLock { progress in
      let readyNs = max(progress.steps[i].readyNs, intendedNs)
      let startNs = max(readyNs, nowNs - allowance)
      guard !progress.steps[i].isEnded else { return startNs }
      progress.steps[i].readyNs = readyNs
      progress.steps[i].outcome = .running
      progress.steps[i].attempts &+= 1
      if progress.steps[i].startNs < 0 { progress.steps[i].startNs = startNs }
      return startNs
    }
  }

  /// Ends step `i`; on success its dependents may become ready, otherwise they are skipped. A
  /// succeeded step's `output` is kept for the steps that depend on it and for the response.
  func finish(_ i: Int, outcome: StepOutcome, endNs: Int64?, output: Payload? = nil) -> FinishEffect {
    progress.withLock { progress in
      var effect = FinishEffect()
      if let output, outcome == .succeeded, !progress.outputsReleased {
        if progress.outputs.isEmpty { progress.outputs = Array(repeating: nil, count: progress.steps.count) }
        progress.outputs[i] = output
      }
      if progress.steps[i].isEnded {
        // A redriven dead letter ending again: update the trace, but the run settled already.
        progress.steps[i].outcome = outcome
        if let endNs { progress.steps[i].endNs = endNs }
        effect.counted = false
        return effect
      }
      progress.steps[i].outcome = outcome
      if let endNs { progress.steps[i].endNs = endNs }
      progress.unfinished -= 1
      if outcome == .succeeded {
        let end = endNs ?? 0
        for d in workflow.steps[i].dependents where progress.steps[d].outcome == .pending {
          progress.steps[d].pendingDependencies -= 1
          progress.steps[d].readyNs = max(progress.steps[d].readyNs, end)
          if progress.steps[d].pendingDependencies == 0 { effect.ready.append(d) }
        }
      } else {
        var stack = workflow.steps[i].dependents
        while let d = stack.popLast() {
          guard progress.steps[d].outcome == .pending else { continue }
          progress.steps[d].outcome = .skipped
          progress.unfinished -= 1
          stack.append(contentsOf: workflow.steps[d].dependents)
        }
      }
      if progress.unfinished == 0 && !progress.settled {
        progress.settled = true
        effect.settled = true
      }
      return effect
    }
  }

  /// The outputs step `step` may see (its dependencies', direct and transitive), in workflow order.
  func dependencyOutputs(of step: CompiledStep) -> [DependencyOutput] {
    progress.withLock { Self.outputs(of: step, in: $0) }
  }

  private static func outputs(of step: CompiledStep, in progress: RunProgress) -> [DependencyOutput] {
    // Nothing produced yet (a run without data): the shared list of nulls, no allocation.
    if progress.outputs.isEmpty { return step.nullOutputs }
    return zip(step.visible, step.nullOutputs).map { j, entry in
      DependencyOutput(id: entry.id, output: progress.outputs[j] ?? .null)
    }
  }

  /// The output of step `j` (`null` if it produced none).
  func output(of j: Int) -> Payload {
    progress.withLock { $0.outputs.isEmpty ? .null : $0.outputs[j] ?? .null }
  }

  /// Marks background step `i` queued and returns the copy of the data it may see, in one trip
  /// through the run's lock; nil for a run without data (a null input, no output so far: all the
  /// step may see is `null`, and its queue item carries no references to copy).
  func queueing(_ i: Int, readyNs: Int64) -> StepInput? {
    progress.withLock { progress in
      if !progress.steps[i].isEnded {
        progress.steps[i].outcome = .queued
        if progress.steps[i].readyNs < 0 { progress.steps[i].readyNs = readyNs }
      }
      if input.isNull && progress.outputs.isEmpty { return nil }
      return StepInput(input: input, dependencyOutputs: Self.outputs(of: workflow.steps[i], in: progress))
    }
  }

  /// The background steps to insert into a durable store now, in one trip through the run's lock:
  /// each still pending, not stored yet, whose blocking dependencies all succeeded and whose
  /// background dependencies are stored (or stored now). `pending` counts its background
  /// dependencies (none has run yet: they run from the store). Ready ones are marked queued.
  func storable(readyNs: Int64) -> [(step: Int, pending: Int, data: StepInput)] {
    progress.withLock { progress in
      var chosen: [Int] = []
      var changed = true
      while changed {
        changed = false
        for i in progress.steps.indices
        where isBackground(i) && progress.steps[i].outcome == .pending && !progress.stored.contains(i) {
          let eligible = workflow.steps[i].dependencies.allSatisfy { d in
            isBackground(d) ? progress.stored.contains(d) : progress.steps[d].outcome == .succeeded
          }
          guard eligible else { continue }
          progress.stored.insert(i)
          chosen.append(i)
          changed = true
        }
      }
      return chosen.map { i in
        let pending = workflow.steps[i].dependencies.filter { isBackground($0) }.count
        if pending == 0 {
          progress.steps[i].outcome = .queued
          if progress.steps[i].readyNs < 0 { progress.steps[i].readyNs = readyNs }
        }
        return (
          i, pending,
          StepInput(input: input, dependencyOutputs: Self.outputs(of: workflow.steps[i], in: progress))
        )
      }
    }
  }

  /// The response (from the outputs, under the run's lock), by the workflow's plan.
  static func response(_ plan: ResponsePlan, _ progress: RunProgress, _ workflow: WorkflowRuntime) -> Payload
  {
    if progress.outputs.isEmpty { return workflow.nullResponse }
    func output(_ j: Int) -> Payload { progress.outputs[j] ?? .null }
    switch plan {
    case .none: return .null
    case .step(let j): return output(j)
    case .sinks(let sinks): return .object(sinks.map { (workflow.steps[$0].definition.id, output($0)) })
    }
  }

  /// The step's logical ready time (the latest logical end of its dependencies).
  func readyNs(_ i: Int) -> Int64 {
    progress.withLock { $0.steps[i].readyNs }
  }

  /// A waterfall of this run, with the longest blocking chain marked.
  func trace(name: String) -> RunTrace {
    let progress = progress.withLock { $0 }
    let base = intendedNs
    func offset(_ ns: Int64) -> Duration? { ns < 0 ? nil : .nanoseconds(ns - base) }
    var onPath = [Bool](repeating: false, count: progress.steps.count)
    // Walk back from the blocking step that ended last through the dependency that ended last.
    var current = progress.steps.indices.filter {
      !isBackground($0) && progress.steps[$0].endNs >= 0
    }
    .max { progress.steps[$0].endNs < progress.steps[$1].endNs }
    while let i = current {
      onPath[i] = true
      current = workflow.steps[i].dependencies.filter {
        !isBackground($0) && progress.steps[$0].endNs >= 0
      }.max { progress.steps[$0].endNs < progress.steps[$1].endNs }
    }
    let steps = progress.steps.enumerated().map { i, record in
      StepTrace(
        id: workflow.steps[i].definition.id, executedAs: isBackground(i) ? .background : .blocking,
        readyAt: offset(record.readyNs), startedAt: offset(record.startNs), endedAt: offset(record.endNs),
        outcome: record.outcome, attempts: Int(record.attempts), onCriticalPath: onPath[i])
    }
    return RunTrace(
      runID: id, workflow: name, mode: mode, intendedStart: .nanoseconds(intendedNs),
      response: progress.failed ? nil : offset(progress.responseNs), settled: offset(progress.settledNs),
      failed: progress.failed, steps: steps, number: index + 1, comparison: comparison)
  }
}

extension StepRecord {
  /// True once the step has an outcome that will not change (short of a redrive).
  var isEnded: Bool {
    switch outcome {
    case .pending, .queued, .running, .waitingRetry: return false
    default: return true
    }
  }
}
