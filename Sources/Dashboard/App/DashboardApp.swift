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
    let stale = !state.frozen && snapshot != nil && now - lastFreshAt > options.staleAfter
    return DashboardRenderer.render(
      RenderInput(
        state: state, snapshot: snapshot, theme: theme, capabilities: capabilities,
        size: backend.size, now: now, dataAge: stale ? now - lastFreshAt : nil,
        stepsPerSecond: stepsPerSecond(), keyTable: options.keyTable))
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
      let result = send(command)
      state.absorb(result, of: command, context: context())
    }
    if effect.saveScreen { saveScreen() }
    if effect.refresh && !state.frozen { takeSnapshot(at: clock.now()) }
    return effect.quit
  }

  private func send(_ command: RuntimeCommand) -> CommandResult {
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
