import ExecutionCore
import TerminalUI

extension DashboardState {
  /// Handles a key through `table`: refuses runtime changes in read-only mode, else applies.
  public mutating func handle(key: Key, table: KeyTable, context: ActionContext) -> ActionEffect {
    guard let binding = table.binding(for: key) else { return .none }
    if serverReadOnly && !readOnly && binding.mutatesRuntime {
      say(
        "read-only server: \(binding.label(unicode: context.unicode)) (\(binding.shortDescription)) refused; "
          + "the server was started with --read-only, so this dashboard only watches",
        .warning, context)
      return .none
    }
    if readOnly && binding.mutatesRuntime {
      say(
        "read-only: \(binding.label(unicode: context.unicode)) (\(binding.shortDescription)) "
          + "would change the runtime; this dashboard only watches",
        .warning, context)
      return .none
    }
    return apply(binding.action, context: context)
  }

  /// Applies one action. Pure: it changes only the state and returns what the app must do,
  /// runtime commands included; every decision reads the snapshot on screen (`context.snapshot`).
  public mutating func apply(_ action: DashboardAction, context: ActionContext) -> ActionEffect {
    switch action {
    case .moveSelection(let delta):
      // While help or a detail is open the arrows scroll it; the overlay clamps the offset.
      if overlay == .help || overlay.isDetail {
        helpScroll = max(0, helpScroll + delta)
      } else {
        moveSelection(delta, snapshot: context.snapshot)
      }
    case .focusNext, .focusPrevious:
      let all = FocusPanel.allCases
      let index = all.firstIndex(of: focus) ?? 0
      let step = action == .focusNext ? 1 : all.count - 1
      focus = all[(index + step) % all.count]
      let select = context.keyTable.keys(.moveSelection(1), .moveSelection(-1), unicode: context.unicode)
      let k = context.key
      switch focus {
      case .workflows:
        say(
          "focus: workflows (\(select) select; \(k(.trigger)), \(k(.burst(10))), \(k(.toggleWorkflowPause)), "
            + "\(k(.raiseRate))/\(k(.lowerRate)) act on the selected one)", .info, context)
      case .queues:
        say(
          "focus: queues (\(select) select; \(k(.toggleQueuePause)) pauses, \(k(.redrive)) redrives "
            + "the selected one)", .info, context)
      case .events:
        say("focus: events (\(select) scroll the log, \(k(.openDetail)) opens an event)", .info, context)
      }
    case .trigger, .burst, .raiseRate, .lowerRate, .toggleWorkflowPause:
      return applyWorkflowCommand(action, context: context)
    case .toggleQueuePause, .redrive:
      return applyQueueCommand(action, context: context)
    case .toggleMode:
      return toggleMode(context: context)
    case .startComparison:
      return startComparison(context: context)
    case .toggleFreeze:
      frozen.toggle()
      say(frozen ? "display frozen (the runtime keeps running)" : "display live", .info, context)
      return frozen ? .none : .refresh
    case .refreshFaster, .refreshSlower:
      let next = refreshIndex + (action == .refreshFaster ? -1 : 1)
      refreshIndex = min(max(0, next), refreshIntervals.count - 1)
      say("refresh every \(DurationText.format(refreshInterval))", .info, context)
    case .cycleWindow:
      window = window.next
      say(
        "percentiles over the \(window.phrase); runs/s over the last "
          + DurationText.format(StatsWindow.rateWindow), .info, context)
    case .openDetail:
      openDetail(context: context)
    case .scrollWaterfall(let delta):
      waterfallScroll = max(0, waterfallScroll + delta)
    case .cycleTheme:
      themeIndex = (themeIndex + 1) % themeCount
      let name = themeIndex < context.themeNames.count ? context.themeNames[themeIndex] : "#\(themeIndex)"
      say("theme: \(name)", .info, context)
    case .saveScreen:
      return .saveScreen
    case .toggleHelp:
      overlay = overlay == .help ? .none : .help
      helpScroll = 0
    case .dismiss:
      if comparison != nil { return cancelComparison(context: context) }
      if overlay != .none {
        overlay = .none
        helpScroll = 0
        // Feedback about what was open would now point at nothing.
        status = nil
      }
    case .quit:
      return .quit
    }
    return .none
  }

  /// Sets the status message.
  public mutating func say(_ text: String, _ tone: StatusMessage.Tone, _ context: ActionContext) {
    status = StatusMessage(text: text, tone: tone, expires: context.now + context.statusDuration)
  }

  /// Takes in what the runtime answered to a command this state asked for.
  public mutating func absorb(_ result: CommandResult, of command: RuntimeCommand, context: ActionContext) {
    switch (command, result) {
    case (.trigger(let name), .triggered(let outcome)), (.burst(let name, _), .triggered(let outcome)):
      // What the runtime did, not what was asked: a refusal is a warning that says why.
      say("\(name): \(outcome.summary)", outcome.allAccepted ? .info : .warning, context)
    case (.redrive(let queue), .redriven(let moved)):
      if moved == 0 {
        say("no dead letters in \(queue)", .warning, context)
      } else {
        say("redrove \(moved) dead letter\(moved == 1 ? "" : "s") onto \(queue)", .info, context)
      }
    case (.startRecording, .recording(let id)):
      comparisonRecordingStarted(id)
    case (.finishRecording(let id), .summary(let summary)):
      comparisonRecordingFinished(id, summary: summary ?? .empty, context: context)
    default:
      break
    }
  }

  /// Looks at a new snapshot: reports pauses that have finished, so "pausing…" turns into
  /// "paused" when the runtime says so and not before.
  public mutating func observe(_ snapshot: RuntimeSnapshot, context: ActionContext) {
    var still: [PendingPause] = []
    for var pending in pendingPauses {
      // Running before the pause was ever seen: not there yet (a remote runtime), for a while.
      let notYet = !pending.seenPausing && context.now - pending.askedAt < PendingPause.unseenLimit
      switch pending.target {
      case .workflow(let name):
        guard let workflow = snapshot.workflows.first(where: { $0.name == name }) else { continue }
        switch workflow.state {
        case .paused: say("\(name) paused: its runs in flight have finished", .info, context)
        case .pausing:
          pending.seenPausing = true
          still.append(pending)
        case .running: if notYet { still.append(pending) }
        }
      case .queue(let name):
        guard let queue = snapshot.queues.first(where: { $0.name == name }) else { continue }
        switch queue.state {
        case .paused: say("queue \(name) paused: its workers are idle", .info, context)
        case .pausing:
          pending.seenPausing = true
          still.append(pending)
        case .running: if notYet { still.append(pending) }
        }
      }
    }
    pendingPauses = still
  }

  /// The selected workflow's index within `snapshot`, clamped; nil when there is none.
  public func workflowIndex(in snapshot: RuntimeSnapshot?) -> Int? {
    guard let count = snapshot?.workflows.count, count > 0 else { return nil }
    return min(max(0, selectedWorkflow), count - 1)
  }

  /// The selected queue's index within `snapshot`, clamped; nil when there is none.
  public func queueIndex(in snapshot: RuntimeSnapshot?) -> Int? {
    guard let count = snapshot?.queues.count, count > 0 else { return nil }
    return min(max(0, selectedQueue), count - 1)
  }

  private mutating func moveSelection(_ delta: Int, snapshot: RuntimeSnapshot?) {
    switch focus {
    case .workflows:
      let count = snapshot?.workflows.count ?? 0
      let before = selectedWorkflow
      selectedWorkflow = min(max(0, (workflowIndex(in: snapshot) ?? 0) + delta), max(0, count - 1))
      if selectedWorkflow != before { waterfallScroll = 0 }
    case .queues:
      let count = snapshot?.queues.count ?? 0
      selectedQueue = min(max(0, (queueIndex(in: snapshot) ?? 0) + delta), max(0, count - 1))
    case .events:
      // Down moves toward the newest entry, which sits at the bottom.
      let count = snapshot?.events.count ?? 0
      eventScroll = min(max(0, eventScroll - delta), max(0, count - 1))
    }
  }

  /// The rates `+` and `-` step through, in runs per second.
  public static let rateLadder: [Double] = [0, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]

  private mutating func toggleMode(context: ActionContext) -> ActionEffect {
    guard comparison == nil else {
      say("a comparison is running: \(context.key(.dismiss)) cancels it", .warning, context)
      return .none
    }
    guard let snapshot = context.snapshot else {
      say("no snapshot yet: the mode is unknown", .warning, context)
      return .none
    }
    let next: ExecutionMode = snapshot.mode == .hybrid ? .allSync : .hybrid
    say(
      next == .allSync
        ? "mode → ALL-SYNC: new runs wait for every step" : "mode → HYBRID: background steps run later",
      next == .allSync ? .warning : .info, context)
    return .send(.setMode(next))
  }

  private mutating func applyWorkflowCommand(
    _ action: DashboardAction, context: ActionContext
  ) -> ActionEffect {
    guard let index = workflowIndex(in: context.snapshot), let workflow = context.snapshot?.workflows[index]
    else {
      say("no workflow to act on", .warning, context)
      return .none
    }
    let name = workflow.name
    switch action {
    case .trigger, .burst:
      // A paused workflow rejects new runs: say so rather than "triggered" for a run that is
      // rejected the moment it arrives.
      guard workflow.state == .running else {
        say(
          "\(name) is \(workflow.state.rawValue): it rejects new runs (\(context.key(.toggleWorkflowPause)) "
            + "resumes it)", .warning, context)
        return .none
      }
      if case .burst(let count) = action {
        say("sending a burst of \(count) runs of \(name)", .info, context)
        return .send(.burst(workflow: name, count: count))
      }
      say("sending 1 run of \(name)", .info, context)
      return .send(.trigger(workflow: name))
    case .raiseRate, .lowerRate:
      let ladder = Self.rateLadder
      let next =
        action == .raiseRate
        ? ladder.first { $0 > workflow.rate + 1e-9 } ?? ladder[ladder.count - 1]
        : ladder.last { $0 < workflow.rate - 1e-9 } ?? 0
      say("\(name) load \(NumberText.rate(workflow.rate)) → \(NumberText.rate(next))", .info, context)
      return .send(.setRate(workflow: name, rate: next))
    case .toggleWorkflowPause:
      if workflow.state == .running {
        pendingPauses.append(PendingPause(.workflow(name), askedAt: context.now))
        say("pausing \(name)…: no new runs, runs in flight finish", .info, context)
        return .send(.pause(workflow: name))
      }
      pendingPauses.removeAll { $0.target == .workflow(name) }
      say("resumed \(name)", .info, context)
      return .send(.resume(workflow: name))
    default:
      return .none
    }
  }

  private mutating func applyQueueCommand(_ action: DashboardAction, context: ActionContext)
    -> ActionEffect
  {
    guard let index = queueIndex(in: context.snapshot), let queue = context.snapshot?.queues[index] else {
      say("no queue to act on", .warning, context)
      return .none
    }
    let name = queue.name
    if action == .redrive {
      guard queue.dead > 0 else {
        say("no dead letters in \(name)", .warning, context)
        return .none
      }
      return .send(.redrive(queue: name))
    }
    if queue.state == .running {
      pendingPauses.append(PendingPause(.queue(name), askedAt: context.now))
      say("pausing queue \(name)…: workers finish what they hold", .info, context)
      return .send(.pauseQueue(name))
    }
    pendingPauses.removeAll { $0.target == .queue(name) }
    say("resumed queue \(name)", .info, context)
    return .send(.resumeQueue(name))
  }
}

extension Overlay {
  /// True for a detail view.
  var isDetail: Bool {
    if case .detail = self { return true }
    return false
  }
}
