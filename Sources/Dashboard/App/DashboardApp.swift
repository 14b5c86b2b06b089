import ExecutionCore
import TerminalUI

/// The dashboard's loop: read an event, handle it, take a snapshot at the refresh cadence,
/// render, present. Generic over the terminal so tests drive it with `InMemoryTerminal`.
///
/// It only ever calls `RuntimeControl`, whose calls all return at once, so it never blocks the
/// runtime. Use it from one thread.
public final class DashboardApp<Backend: TerminalBackend> {
  /// The terminal.
  public let backend: Backend
  /// What the dashboard remembers between frames.
  public private(set) var state: DashboardState
  /// The snapshot on screen.
  public private(set) var snapshot: RuntimeSnapshot?
  /// The themes `T` cycles through (never empty).
  public let themes: [Theme]

  private let control: any RuntimeControl
  /// The same control when the runtime is remote: its answers come later, its link goes in the header.
  private let remote: (any RemoteRuntimeControl)?
  private let options: DashboardOptions
  private let clock: any DashboardClock
  private var nextRefresh: Duration = .zero
  private var lastFreshAt: Duration = .zero
  private var stepSamples: [(uptime: Duration, total: Int)] = []
  private var lastScreen: Screen?
  private var statusShown = false

  /// Creates a dashboard on `backend` for the runtime behind `control`.
  public init(
    backend: Backend, control: any RuntimeControl, themes: [Theme] = [.builtInDefault],
    options: DashboardOptions = DashboardOptions(), clock: any DashboardClock = SystemDashboardClock()
  ) {
    self.backend = backend
    self.control = control
    self.remote = control as? any RemoteRuntimeControl
    self.themes = themes.isEmpty ? [.builtInDefault] : themes
    self.options = options
    self.clock = clock
    self.state = DashboardState(
      readOnly: options.readOnly, themeCount: self.themes.count,
      refreshIntervals: options.refreshIntervals, refreshIndex: options.initialRefreshIndex)
    state.report(themeWarnings: options.themeWarnings, now: clock.now(), for: options.statusDuration * 3)
    if let name = options.initialTheme, let index = self.themes.firstIndex(where: { $0.name == name }) {
      state.themeIndex = index
    }
    state.serverReadOnly = remote?.link().readOnly ?? false
  }

  /// Runs until the user quits or a signal arrives.
  public func run() -> DashboardExit {
    while true {
      if let exit = step() { return exit }
    }
  }

  /// One turn of the loop: waits for at most one event (until the next refresh is due),
  /// handles it, refreshes if due, and presents a frame if anything changed.
  public func step() -> DashboardExit? {
    if snapshot == nil {
      takeSnapshot(at: clock.now())
      nextRefresh = clock.now() + state.refreshInterval
      present()
    }
    let wait = max(.zero, nextRefresh - clock.now())
    var dirty = false
    if let event = backend.nextEvent(timeout: wait) {
      switch event {
      case .terminate(let signal):
        return .signal(signal)
      case .resize:
        dirty = true
      case .key(let key):
        let intervalBefore = state.refreshInterval
        let effect = state.handle(key: key, table: options.keyTable, context: context())
        dirty = true
        if state.refreshInterval != intervalBefore {
          nextRefresh = min(nextRefresh, clock.now() + state.refreshInterval)
        }
        if perform(effect) { return .quit }
      }
    }
    if takeRemoteAnswers() { dirty = true }
    let now = clock.now()
    let advance = state.advanceComparison(context: context())
    if advance != .none {
      dirty = true
      _ = perform(advance)
    }
    if now >= nextRefresh {
      if !state.frozen { takeSnapshot(at: now) }
      nextRefresh = now + state.refreshInterval
      dirty = true
    }
    if statusShown != (state.visibleStatus(at: now) != nil) { dirty = true }
    if dirty { present() }
    return nil
  }

  /// The frame as it would be drawn now.
  public func render() -> Screen {
    let now = clock.now()
    let theme = themes[min(state.themeIndex, themes.count - 1)]
    let link = remote?.link()
    // A remote runtime's data is as old as its last answer; a local one's as its last new uptime.
    let age = link?.lastUpdateAge ?? (now - lastFreshAt)
    let stale = !state.frozen && snapshot != nil && age > options.staleAfter
    return DashboardRenderer.render(
      RenderInput(
        state: state, snapshot: snapshot, theme: theme, capabilities: capabilities,
        size: backend.size, now: now, dataAge: stale ? age : nil,
        stepsPerSecond: stepsPerSecond(), keyTable: options.keyTable, connection: link))
  }

  /// Takes what a remote runtime answered since the last turn (and whether it is read-only now)
  /// into the state; returns whether anything changed.
  private func takeRemoteAnswers() -> Bool {
    guard let remote else { return false }
    var changed = false
    let readOnly = remote.link().readOnly
    if readOnly != state.serverReadOnly {
      state.serverReadOnly = readOnly
      changed = true
    }
    for answer in remote.takeAnswers() {
      changed = true
      let ctx = context()
      switch answer {
      case .triggered(let workflow, let count, let result):
        let command: RuntimeCommand =
          count == 1 ? .trigger(workflow: workflow) : .burst(workflow: workflow, count: count)
        state.absorb(.triggered(result), of: command, context: ctx)
      case .redriven(let queue, let moved):
        state.absorb(.redriven(moved), of: .redrive(queue: queue), context: ctx)
      case .recordingFinished(let id, let summary):
        state.absorb(.summary(summary), of: .finishRecording(id), context: ctx)
      case .failed(let action, let message):
        state.say("\(action): \(message)", .error, ctx)
      }
    }
    return changed
  }

  private func present() {
    let screen = render()
    statusShown = state.visibleStatus(at: clock.now()) != nil
    lastScreen = screen
    backend.present(screen)
  }

  private func context() -> ActionContext {
    ActionContext(
      snapshot: snapshot, now: clock.now(), themeNames: themes.map(\.name),
      comparisonPhase: options.comparisonPhase, statusDuration: options.statusDuration,
      keyTable: options.keyTable, unicode: capabilities.unicode)
  }

  /// Carries out what the reducer asked for: the only place the dashboard commands the runtime.
  /// Returns true when the loop must end.
  private func perform(_ effect: ActionEffect) -> Bool {
    for command in effect.commands {
      // A remote runtime's answer arrives later, through `takeRemoteAnswers`.
      guard let result = send(command) else { continue }
      state.absorb(result, of: command, context: context())
    }
    if effect.saveScreen { saveScreen() }
    if effect.refresh && !state.frozen { takeSnapshot(at: clock.now()) }
    return effect.quit
  }

  /// Sends `command`; returns the runtime's answer, or nil when a remote runtime will answer later.
  private func send(_ command: RuntimeCommand) -> CommandResult? {
    if remote != nil {
      switch command {
      case .trigger, .burst, .redrive, .finishRecording:
        _ = sendNow(command)
        return nil
      default:
        break
      }
    }
    return sendNow(command)
  }

  private func sendNow(_ command: RuntimeCommand) -> CommandResult {
    switch command {
    case .trigger(let workflow): return .triggered(control.trigger(workflow: workflow))
    case .burst(let workflow, let count):
      return .triggered(control.triggerBurst(workflow: workflow, count: count))
    case .setRate(let workflow, let rate): control.setRate(workflow: workflow, rate: rate)
    case .pause(let workflow): control.pause(workflow: workflow)
    case .resume(let workflow): control.resume(workflow: workflow)
    case .pauseQueue(let queue): control.pauseQueue(queue)
    case .resumeQueue(let queue): control.resumeQueue(queue)
    case .setMode(let mode): control.setMode(mode)
    case .setWorkflowMode(let mode, let workflow, let comparison):
      control.setMode(mode, workflow: workflow, comparison: comparison)
    case .redrive(let queue): return .redriven(control.redrive(queue: queue))
    case .startRecording(let workflow): return .recording(control.startRecording(workflow: workflow))
    case .finishRecording(let id): return .summary(control.finishRecording(id))
    }
    return .done
  }

  /// What the terminal can show, less Unicode when the options ask for ASCII.
  private var capabilities: TerminalCapabilities {
    var capabilities = backend.capabilities
    if options.ascii { capabilities.unicode = false }
    return capabilities
  }

  private func takeSnapshot(at now: Duration) {
    let fresh = control.snapshot()
    if snapshot == nil || fresh.uptime > snapshot!.uptime { lastFreshAt = now }
    // A remote runtime that restarted starts its uptime again: older samples are another runtime's.
    if let last = stepSamples.last, fresh.uptime < last.uptime { stepSamples.removeAll() }
    snapshot = fresh
    state.observe(fresh, context: context())
    let total = fresh.workflows.reduce(0) { sum, workflow in
      workflow.steps.reduce(sum) { $0 + $1.succeeded + $1.failed }
    }
    stepSamples.append((fresh.uptime, total))
    // Keep about five seconds of samples: enough to smooth, short enough to follow changes.
    while stepSamples.count > 2, let first = stepSamples.first, fresh.uptime - first.uptime > .seconds(5) {
      stepSamples.removeFirst()
    }
  }

  private func stepsPerSecond() -> Double? {
    guard let first = stepSamples.first, let last = stepSamples.last else { return nil }
    let span = (last.uptime - first.uptime).seconds
    guard span >= 0.9 else { return nil }
    return Double(max(0, last.total - first.total)) / span
  }

  private func saveScreen() {
    let screen = lastScreen ?? render()
    let ctx = context()
    do {
      let path = try ScreenDump.write(
        screen, directory: options.dumpDirectory, timestamp: clock.timestamp())
      state.say("saved screen to \(path)", .info, ctx)
    } catch {
      state.say("could not save the screen: \(error)", .error, ctx)
    }
  }
}

extension DashboardApp where Backend == InMemoryTerminal {
  /// Steps until every queued event is handled (plus one idle step); returns the exit, if any.
  @discardableResult
  public func drain(maxSteps: Int = 10_000) -> DashboardExit? {
    for _ in 0..<maxSteps {
      let hadEvents = !backend.pendingEvents.isEmpty
      if let exit = step() { return exit }
      if !hadEvents { return nil }
    }
    return nil
  }
}
