extension Theme {
  /// True when every key is the terminal's own colour (as in `mono.theme`), so the dashboard must
  /// carry meaning with attributes alone.
  public var usesTerminalColorsOnly: Bool {
    ThemeKey.allCases.allSatisfy { self[$0] == .terminalDefault }
  }
}
