import ExecutionCore
import TerminalUI

extension DashboardState {
  /// Handles a key through `table`: refuses runtime changes in read-only mode, else applies.
  public mutating func handle(key: Key, table: KeyTable, context: ActionContext) -> ActionEffect {
    guard let binding = table.binding(for: key) else { return .none }
    if readOnly && binding.mutatesRuntime {
      say(
        "read-only: \(binding.label) (\(binding.shortDescription)) would change the runtime",
        .warning, context)
      return .none
    }
    return apply(binding.action, context: context)
  }

  /// Applies one action: changes the state, sends commands to `context.control`.
  public mutating func apply(_ action: DashboardAction, context: ActionContext) -> ActionEffect {
    switch action {
    case .moveSelection(let delta):
      // While help is open the arrows scroll it; the overlay clamps the offset to its length.
      if overlay == .help {
        helpScroll = max(0, helpScroll + delta)
      } else {
        moveSelection(delta, snapshot: context.snapshot)
      }
    case .focusNext, .focusPrevious:
      let all = FocusPanel.allCases
      let index = all.firstIndex(of: focus) ?? 0
      let step = action == .focusNext ? 1 : all.count - 1
      focus = all[(index + step) % all.count]
      switch focus {
      case .workflows:
        say("focus: workflows (j/k select; t, b, p, +/- act on the selected one)", .info, context)
      case .queues: say("focus: queues (j/k select; P pauses, r redrives the selected one)", .info, context)
      case .events: say("focus: events (j/k scroll the log)", .info, context)
      }
    case .trigger, .burst, .raiseRate, .lowerRate, .toggleWorkflowPause:
      return applyWorkflowCommand(action, context: context)
    case .toggleQueuePause, .redrive:
      return applyQueueCommand(action, context: context)
    case .toggleMode:
      guard comparison == nil else {
        say("a comparison is running: esc cancels it", .warning, context)
        return .none
      }
      let next: ExecutionMode = context.control.snapshot().mode == .hybrid ? .allSync : .hybrid
      context.control.setMode(next)
      say(
        next == .allSync
          ? "mode → ALL-SYNC: new runs wait for every step" : "mode → HYBRID: background steps run later",
        next == .allSync ? .warning : .info, context)
      return .refresh
    case .startComparison:
      startComparison(context: context)
      return .refresh
    case .toggleFreeze:
      frozen.toggle()
      say(frozen ? "display frozen (the runtime keeps running)" : "display live", .info, context)
      return frozen ? .none : .refresh
    case .refreshFaster, .refreshSlower:
      let next = refreshIndex + (action == .refreshFaster ? -1 : 1)
      refreshIndex = min(max(0, next), refreshIntervals.count - 1)
      say("refresh every \(DurationText.format(refreshInterval))", .info, context)
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
      if comparison != nil {
        cancelComparison(context: context)
        return .refresh
      }
      overlay = .none
    case .quit:
      return .quit
    }
    return .none
  }

  /// Sets the status message.
  public mutating func say(_ text: String, _ tone: StatusMessage.Tone, _ context: ActionContext) {
    status = StatusMessage(text: text, tone: tone, expires: context.now + context.statusDuration)
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
      selectedWorkflow = min(max(0, (workflowIndex(in: snapshot) ?? 0) + delta), max(0, count - 1))
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

  private mutating func applyWorkflowCommand(
    _ action: DashboardAction, context: ActionContext
  ) -> ActionEffect {
    guard let index = workflowIndex(in: context.snapshot), let workflow = context.snapshot?.workflows[index]
    else {
      say("no workflow to act on", .warning, context)
      return .none
    }
    let name = workflow.name
    let control = context.control
    switch action {
    case .trigger:
      control.trigger(workflow: name)
      say("triggered 1 run of \(name)", .info, context)
    case .burst(let count):
      control.triggerBurst(workflow: name, count: count)
      say("triggered a burst of \(count) runs of \(name)", .info, context)
    case .raiseRate, .lowerRate:
      let ladder = Self.rateLadder
      let next =
        action == .raiseRate
        ? ladder.first { $0 > workflow.rate + 1e-9 } ?? ladder[ladder.count - 1]
        : ladder.last { $0 < workflow.rate - 1e-9 } ?? 0
      control.setRate(workflow: name, rate: next)
      say("\(name) load \(NumberText.rate(workflow.rate)) → \(NumberText.rate(next))", .info, context)
    case .toggleWorkflowPause:
      if workflow.state == .running {
        control.pause(workflow: name)
        say("pausing \(name): no new runs, runs in flight finish", .info, context)
      } else {
        control.resume(workflow: name)
        say("resumed \(name)", .info, context)
      }
    default:
      return .none
    }
    return .refresh
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
      let moved = context.control.redrive(queue: name)
      if moved == 0 {
        say("no dead letters in \(name)", .warning, context)
      } else {
        say("redrove \(moved) dead letter\(moved == 1 ? "" : "s") onto \(name)", .info, context)
      }
    } else if queue.state == .running {
      context.control.pauseQueue(name)
      say("pausing queue \(name): workers finish what they hold", .info, context)
    } else {
      context.control.resumeQueue(name)
      say("resumed queue \(name)", .info, context)
    }
    return .refresh
  }
}
