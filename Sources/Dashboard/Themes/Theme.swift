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

  /// The colours of `themes/default.theme` (compiled in by the `EmbedShippedText` plugin), so that
  /// file is the one place the default palette is written. It must set every key to a valid colour.
  static let defaultColors: [ThemeKey: Color] = {
    var colors: [ThemeKey: Color] = [:]
    for line in BuiltInThemes.defaultText.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    {
      guard case .setting(let key, let value) = ThemeLine(line) else { continue }
      guard let color = ThemeColorValue.parse(value) else {
        preconditionFailure("themes/default.theme: theme[\(key.rawValue)] has an invalid colour \"\(value)\"")
      }
      colors[key] = color
    }
    let missing = ThemeKey.allCases.filter { colors[$0] == nil }.map(\.rawValue)
    precondition(missing.isEmpty, "themes/default.theme must set every key; it lacks \(missing)")
    return colors
  }()
}
