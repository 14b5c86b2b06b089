import TerminalUI

/// The styles panels draw with: theme colours, plus attributes that carry the meaning on a
/// monochrome terminal (selected = reverse, errors = bold, the all-sync badge = reverse + bold).
struct Palette {
  /// The theme in use.
  var theme: Theme
  /// True when the terminal shows no colour.
  var monochrome: Bool

  init(theme: Theme, capabilities: TerminalCapabilities) {
    self.theme = theme
    // A theme of terminal colours only (mono.theme) needs the same attributes as a terminal
    // without colour: otherwise selection and alarms would not show at all.
    self.monochrome = capabilities.colorDepth == .monochrome || theme.usesTerminalColorsOnly
  }

  /// Text in a theme colour, with the attribute that stands in for the colour in monochrome.
  func text(_ key: ThemeKey, _ attributes: Attributes = []) -> Style {
    guard !monochrome else { return Style(attributes: attributes.union(Self.monochromeAttributes(key))) }
    return theme.style(key, attributes)
  }

  /// Ordinary text.
  var plain: Style { text(.main_fg) }
  /// Labels, units and axes.
  var dim: Style { text(.inactive_fg) }
  /// Panel borders.
  var border: Style { text(.div_line) }
  /// A focused panel's border.
  var focusedBorder: Style { text(.hi_fg, .bold) }
  /// Panel titles.
  var title: Style { text(.title, .bold) }

  /// The selected row: the theme's selection colours, reverse video in monochrome.
  var selected: Style {
    monochrome
      ? Style(attributes: .reverse)
      : Style(foreground: theme[.selected_fg], background: theme[.selected_bg], attributes: .bold)
  }

  /// The header line.
  var header: Style {
    monochrome ? Style() : Style(foreground: theme[.header_fg], background: theme[.header_bg])
  }

  /// A badge: text on a block of `key`'s colour; reverse video (and bold) in monochrome.
  func badge(_ key: ThemeKey, alarming: Bool = false) -> Style {
    guard !monochrome else { return Style(attributes: alarming ? [.reverse, .bold] : [.bold]) }
    return Style(foreground: .rgb(0x10, 0x10, 0x10), background: theme[key], attributes: .bold)
  }

  /// A header field in a colour, over the header's background.
  func headerText(_ key: ThemeKey, _ attributes: Attributes = []) -> Style {
    guard !monochrome else { return Style(attributes: attributes.union(Self.monochromeAttributes(key))) }
    return Style(foreground: theme[key], background: theme[.header_bg], attributes: attributes)
  }

  /// What stands in for a colour without colour: only keys whose colour carries meaning get one.
  static func monochromeAttributes(_ key: ThemeKey) -> Attributes {
    switch key {
    case .error, .dead, .mode_sync: return .bold
    case .warn, .retrying: return .underline
    case .critical, .title, .hi_fg: return .bold
    case .inactive_fg, .capacity, .div_line: return .dim
    default: return []
    }
  }
}
