/// Everything a key can ask the dashboard to do.
public enum DashboardAction: Sendable, Hashable {
  /// Moves the selection (or the event log's scroll) in the focused panel by `delta` rows.
  case moveSelection(Int)
  /// Moves focus to the next focusable panel.
  case focusNext
  /// Moves focus to the previous focusable panel.
  case focusPrevious
  /// Starts one run of the selected workflow.
  case trigger
  /// Starts `count` runs of the selected workflow at once.
  case burst(Int)
  /// Raises the selected workflow's generated load one step.
  case raiseRate
  /// Lowers the selected workflow's generated load one step.
  case lowerRate
  /// Pauses the selected workflow, or resumes it if paused.
  case toggleWorkflowPause
  /// Pauses the selected queue, or resumes it if paused.
  case toggleQueuePause
  /// Moves the selected queue's dead letters back onto it.
  case redrive
  /// Flips the execution mode between hybrid and all-sync.
  case toggleMode
  /// Runs the A/B comparison (all-sync, then hybrid) on the selected workflow.
  case startComparison
  /// Freezes the display (the runtime keeps running), or thaws it.
  case toggleFreeze
  /// Refreshes more often (a shorter interval).
  case refreshFaster
  /// Refreshes less often (a longer interval).
  case refreshSlower
  /// Switches to the next theme.
  case cycleTheme
  /// Cycles the window the percentiles are computed over (1 m, 5 m, since start, 10 s).
  case cycleWindow
  /// Opens the selected event (events focused) or the latest failures, to read them whole.
  case openDetail
  /// Scrolls the waterfall's steps by `delta` rows.
  case scrollWaterfall(Int)
  /// Writes the screen as text to a file in the working directory.
  case saveScreen
  /// Shows or hides the help overlay.
  case toggleHelp
  /// Closes an overlay, or cancels a comparison in progress.
  case dismiss
  /// Leaves the dashboard.
  case quit
}
