import TerminalUI

/// A colour slot a theme file can set, named as in btop: `theme[main_bg]="#1E2127"`.
public enum ThemeKey: String, Sendable, Hashable, CaseIterable {
  /// Background of the whole screen.
  case main_bg
  /// Ordinary text.
  case main_fg
  /// Panel titles.
  case title
  /// Highlighted text: key letters in the footer, figures that matter.
  case hi_fg
  /// Background of the selected row.
  case selected_bg
  /// Text of the selected row.
  case selected_fg
  /// Secondary text: labels, units, axis.
  case inactive_fg
  /// Panel borders and dividers.
  case div_line
  /// Background of the header line.
  case header_bg
  /// Text of the header line.
  case header_fg
  /// The mode badge in hybrid mode.
  case mode_hybrid
  /// The mode badge in all-sync mode (should alarm).
  case mode_sync
  /// The p50 line of the latency graph.
  case graph_p50
  /// The p99 line of the latency graph.
  case graph_p99
  /// Waterfall bars of blocking steps.
  case blocking
  /// Waterfall bars of background steps.
  case background
  /// The critical-path mark in the waterfall.
  case critical
  /// The response-time marker in the waterfall.
  case response_marker
  /// The settle-time marker in the waterfall.
  case settle_marker
  /// Queue bar: queued steps.
  case queued
  /// Queue bar: running steps.
  case running
  /// Queue bar: steps waiting to retry.
  case retrying
  /// Queue bar: dead letters.
  case dead
  /// Queue bar: free capacity.
  case capacity
  /// Good news: succeeded, running state.
  case ok
  /// Worth a look: retries, pausing, rejections.
  case warn
  /// Failures.
  case error
}

/// A set of colours for the dashboard: the built-in default patched by a theme file.
public struct Theme: Sendable, Hashable {
  /// The theme's name (the file name without `.theme`).
  public var name: String
  /// Every key's colour; keys a file does not set keep the default's.
  public var colors: [ThemeKey: Color]

  /// Creates a theme; missing keys fall back to `Theme.builtInDefault`.
  public init(name: String, colors: [ThemeKey: Color]) {
    self.name = name
    self.colors = Theme.defaultColors.merging(colors) { _, new in new }
  }

  /// The colour for `key`.
  public subscript(key: ThemeKey) -> Color { colors[key] ?? .terminalDefault }

  /// Text in `key`'s colour over the main background.
  public func style(_ key: ThemeKey, _ attributes: Attributes = []) -> Style {
    Style(foreground: self[key], background: self[.main_bg], attributes: attributes)
  }

  /// The built-in dark theme every file patches.
  public static let builtInDefault = Theme(name: "default", colors: [:])

  static let defaultColors: [ThemeKey: Color] = [
    .main_bg: .terminalDefault,
    .main_fg: .rgb(0xCC, 0xCC, 0xCC),
    .title: .rgb(0xEE, 0xEE, 0xEE),
    .hi_fg: .rgb(0x5F, 0xAF, 0xFF),
    .selected_bg: .rgb(0x26, 0x4F, 0x78),
    .selected_fg: .rgb(0xFF, 0xFF, 0xFF),
    .inactive_fg: .rgb(0x8A, 0x8A, 0x8A),
    .div_line: .rgb(0x44, 0x4B, 0x55),
    .header_bg: .rgb(0x26, 0x2A, 0x33),
    .header_fg: .rgb(0xDD, 0xDD, 0xDD),
    .mode_hybrid: .rgb(0x3F, 0xB9, 0x50),
    .mode_sync: .rgb(0xFF, 0x55, 0x55),
    .graph_p50: .rgb(0x4F, 0xC1, 0xFF),
    .graph_p99: .rgb(0xFF, 0xB8, 0x6C),
    .blocking: .rgb(0x5F, 0xAF, 0xFF),
    .background: .rgb(0xCC, 0x79, 0xA7),
    .critical: .rgb(0xFF, 0xD7, 0x00),
    .response_marker: .rgb(0x2E, 0xCC, 0x71),
    .settle_marker: .rgb(0xFF, 0xFF, 0xFF),
    .queued: .rgb(0x5F, 0xAF, 0xFF),
    .running: .rgb(0x2E, 0xCC, 0x71),
    .retrying: .rgb(0xFF, 0xB8, 0x6C),
    .dead: .rgb(0xFF, 0x55, 0x55),
    .capacity: .rgb(0x3A, 0x3F, 0x4B),
    .ok: .rgb(0x2E, 0xCC, 0x71),
    .warn: .rgb(0xFF, 0xB8, 0x6C),
    .error: .rgb(0xFF, 0x55, 0x55),
  ]
}
