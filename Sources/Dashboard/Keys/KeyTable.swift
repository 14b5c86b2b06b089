import TerminalUI

/// The one table that handles keys and draws the footer and the help overlay (k9s KeyActions).
public struct KeyTable: Sendable, Hashable {
  /// The bindings, in help order.
  public var bindings: [KeyBinding]

  /// Creates a table; a key listed twice belongs to its first binding.
  public init(_ bindings: [KeyBinding]) { self.bindings = bindings }

  /// The binding a key triggers, if any.
  public func binding(for key: Key) -> KeyBinding? {
    bindings.first { $0.keys.contains(key) }
  }

  /// The binding for an action, if any.
  public func binding(for action: DashboardAction) -> KeyBinding? {
    bindings.first { $0.action == action }
  }

  /// The dashboard's keys.
  public static let standard = KeyTable([
    KeyBinding(
      [.up, .character("k")], label: "↑/k", asciiLabel: "up/k", action: .moveSelection(-1),
      short: "up", description: "select the previous row (scroll the log up)", group: .navigate),
    KeyBinding(
      [.down, .character("j")], label: "↓/j", asciiLabel: "down/j", action: .moveSelection(1),
      short: "down", description: "select the next row (scroll the log down)", group: .navigate),
    KeyBinding(
      [.tab, .character("l"), .right], label: "tab/l/→", asciiLabel: "tab/l/right",
      action: .focusNext, short: "focus",
      description: "focus the next panel (workflows, queues, events)", group: .navigate,
      footerRank: 6),
    KeyBinding(
      [.backTab, .character("h"), .left], label: "S-tab/h/←", asciiLabel: "S-tab/h/left",
      action: .focusPrevious, short: "back", description: "focus the previous panel",
      group: .navigate),
    KeyBinding(
      [.character("t"), .enter], label: "t/⏎", asciiLabel: "t/enter", action: .trigger,
      short: "run", description: "trigger one run of the selected workflow", group: .workflow,
      footerRank: 1, mutatesRuntime: true),
    KeyBinding(
      [.character("b")], label: "b", action: .burst(10), short: "burst",
      description: "trigger a burst of 10 runs of the selected workflow", group: .workflow,
      footerRank: 5, mutatesRuntime: true),
    KeyBinding(
      [.character("+"), .character("=")], label: "+/=", action: .raiseRate, short: "rate+",
      description: "raise the selected workflow's load one step", group: .workflow,
      footerRank: 7, mutatesRuntime: true),
    KeyBinding(
      [.character("-")], label: "-", action: .lowerRate, short: "rate-",
      description: "lower the selected workflow's load one step (down to 0)", group: .workflow,
      footerRank: 8, mutatesRuntime: true),
    KeyBinding(
      [.character("p")], label: "p", action: .toggleWorkflowPause, short: "pause",
      description: "pause or resume the selected workflow", group: .workflow, footerRank: 3,
      mutatesRuntime: true),
    KeyBinding(
      [.character("P")], label: "P", action: .toggleQueuePause, short: "pause queue",
      description: "pause or resume the selected queue", group: .queue, footerRank: 9,
      mutatesRuntime: true),
    KeyBinding(
      [.character("r")], label: "r", action: .redrive, short: "redrive",
      description: "redrive the selected queue's dead letters", group: .queue, footerRank: 10,
      mutatesRuntime: true),
    KeyBinding(
      [.character("m")], label: "m", action: .toggleMode, short: "mode",
      description: "flip the mode of new runs: hybrid <-> all-sync", group: .runtime,
      footerRank: 2, mutatesRuntime: true),
    KeyBinding(
      [.character("c")], label: "c", action: .startComparison, short: "compare",
      description: "A/B compare the selected workflow: all-sync, then hybrid", group: .runtime,
      footerRank: 4, mutatesRuntime: true),
    KeyBinding(
      [.character("f"), .character(" ")], label: "f/space", action: .toggleFreeze,
      short: "freeze", description: "freeze or thaw the display (the runtime keeps running)",
      group: .display, footerRank: 11),
    KeyBinding(
      [.character(">")], label: ">", action: .refreshFaster, short: "faster",
      description: "refresh more often (2s, 1s, 500ms, 250ms)", group: .display),
    KeyBinding(
      [.character("<")], label: "<", action: .refreshSlower, short: "slower",
      description: "refresh less often (250ms, 500ms, 1s, 2s)", group: .display),
    KeyBinding(
      [.character("T")], label: "T", action: .cycleTheme, short: "theme",
      description: "switch to the next theme", group: .display, footerRank: 13),
    KeyBinding(
      [.character("s")], label: "s", action: .saveScreen, short: "save",
      description: "save the screen as text to lanes-screen-<time>.txt", group: .display,
      footerRank: 12),
    KeyBinding(
      [.character("?")], label: "?", action: .toggleHelp, short: "help",
      description: "show or hide this help", group: .app, footerRank: 0),
    KeyBinding(
      [.escape], label: "esc", action: .dismiss, short: "close",
      description: "close an overlay, or cancel a comparison in progress", group: .app),
    KeyBinding(
      [.character("q"), .control("c")], label: "q/^C", action: .quit, short: "quit",
      description: "quit", group: .app, footerRank: 0),
  ])
}
