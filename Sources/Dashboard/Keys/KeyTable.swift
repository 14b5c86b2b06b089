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

  /// The key messages name for `action` (`t` for trigger), or `?` when the table lacks it, so
  /// feedback always names a key the table really handles.
  public func key(_ action: DashboardAction, unicode: Bool = true) -> String {
    binding(for: action)?.primaryKey(unicode: unicode) ?? "?"
  }

  /// The primary keys of several actions joined by `/`, e.g. `j/k` for down and up.
  public func keys(_ actions: DashboardAction..., unicode: Bool = true) -> String {
    actions.map { key($0, unicode: unicode) }.joined(separator: "/")
  }

  /// The dashboard's keys.
  public static let standard = KeyTable([
    KeyBinding(
      [.up, .character("k")], action: .moveSelection(-1),
      short: "up", description: "select the previous row (scroll the log up)", group: .navigate),
    KeyBinding(
      [.down, .character("j")], action: .moveSelection(1),
      short: "down", description: "select the next row (scroll the log down)", group: .navigate),
    KeyBinding(
      [.tab, .character("l"), .right],
      action: .focusNext, short: "focus",
      description: "focus the next panel (workflows, queues, events)", group: .navigate,
      footerRank: 5),
    KeyBinding(
      [.backTab, .character("h"), .left],
      action: .focusPrevious, short: "back", description: "focus the previous panel",
      group: .navigate),
    KeyBinding(
      [.character("t"), .enter], action: .trigger,
      short: "run", description: "trigger one run of the selected workflow", group: .workflow,
      footerRank: 1, mutatesRuntime: true),
    KeyBinding(
      [.character("b")], action: .burst(10), short: "burst",
      description: "trigger a burst of 10 runs of the selected workflow", group: .workflow,
      footerRank: 10, mutatesRuntime: true),
    KeyBinding(
      [.character("+"), .character("=")], action: .raiseRate, short: "rate+",
      description: "raise the selected workflow's load one step", group: .workflow,
      footerRank: 7, mutatesRuntime: true),
    KeyBinding(
      [.character("-")], action: .lowerRate, short: "rate-",
      description: "lower the selected workflow's load one step (down to 0)", group: .workflow,
      footerRank: 8, mutatesRuntime: true),
    KeyBinding(
      [.character("p")], action: .toggleWorkflowPause, short: "pause",
      description: "pause or resume the selected workflow", group: .workflow, footerRank: 3,
      mutatesRuntime: true),
    KeyBinding(
      [.character("P")], action: .toggleQueuePause, short: "pause queue",
      description: "pause or resume the selected queue", group: .queue, footerRank: 11,
      mutatesRuntime: true),
    KeyBinding(
      [.character("r")], action: .redrive, short: "redrive",
      description: "redrive the selected queue's dead letters", group: .queue, footerRank: 12,
      mutatesRuntime: true),
    KeyBinding(
      [.character("m")], action: .toggleMode, short: "mode",
      description: "flip the mode of new runs: hybrid <-> all-sync", group: .runtime,
      footerRank: 2, mutatesRuntime: true),
    KeyBinding(
      [.character("c")], action: .startComparison, short: "compare",
      description:
        "A/B compare the selected workflow alone: all-sync, then hybrid, its runs kept out of its figures",
      group: .runtime,
      footerRank: 4, mutatesRuntime: true),
    KeyBinding(
      [.character("f"), .character(" ")], action: .toggleFreeze,
      short: "freeze", description: "freeze or thaw the display (the runtime keeps running)",
      group: .display, footerRank: 13),
    KeyBinding(
      [.character(">")], action: .refreshFaster, short: "faster",
      description: "refresh more often (2s, 1s, 500ms, 250ms)", group: .display),
    KeyBinding(
      [.character("<")], action: .refreshSlower, short: "slower",
      description: "refresh less often (250ms, 500ms, 1s, 2s)", group: .display),
    KeyBinding(
      [.character("w")], action: .cycleWindow, short: "window",
      description: "cycle the percentile window: last 1m, 5m, since start, 10s", group: .display,
      footerRank: 6),
    KeyBinding(
      [.character("o")], action: .openDetail, short: "open",
      description: "open the selected event (events focused) or the latest failures, whole",
      group: .display, footerRank: 9),
    KeyBinding(
      [.character("]")], action: .scrollWaterfall(1), short: "steps",
      description: "scroll the last run's steps down", group: .display),
    KeyBinding(
      [.character("[")], action: .scrollWaterfall(-1), short: "steps",
      description: "scroll the last run's steps up", group: .display),
    KeyBinding(
      [.character("T")], action: .cycleTheme, short: "theme",
      description: "switch to the next theme", group: .display, footerRank: 15),
    KeyBinding(
      [.character("s")], action: .saveScreen, short: "save",
      description: "save the screen as text to lanes-screen-<time>.txt", group: .display,
      footerRank: 14),
    KeyBinding(
      [.character("?")], action: .toggleHelp, short: "help",
      description: "show or hide this help", group: .app, footerRank: 0),
    KeyBinding(
      [.escape], action: .dismiss, short: "close",
      description: "close an overlay, or cancel a comparison in progress", group: .app),
    KeyBinding(
      [.character("q"), .control("c")], action: .quit, short: "quit",
      description: "quit", group: .app, footerRank: 0),
  ])
}
