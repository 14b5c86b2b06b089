import ExecutionCore

/// The words that state which window a panel's figures cover, so none is read without it.
enum WindowText {
  /// `p: last 1m, /s: last 5s`, for a panel title's right side.
  static func hint(_ context: PanelContext) -> String {
    "p: \(context.state.window.phrase), /s: last \(DurationText.format(StatsWindow.rateWindow))"
  }
}
