/// One line of a theme file, taken apart: `theme[key]="value"`, optionally followed by a `#` comment.
enum ThemeLine: Equatable {
  /// Blank, or a comment.
  case blank
  /// A usable setting; the value is what stood between the quotes.
  case setting(ThemeKey, Substring)
  /// Does not start with `theme[...]`.
  case notASetting
  /// `theme[name]` with a name that is not a `ThemeKey`.
  case unknownKey(Substring)
  /// A known key without `="value"` after it.
  case unreadableValue(ThemeKey)
  /// Something other than a comment after the closing quote.
  case textAfterValue(ThemeKey, Substring)

  /// Takes `line` apart; the key is checked before the value so a typo in the key is named as such.
  init(_ line: Substring) {
    let text = line.trimmingThemeWhitespace()
    if text.isEmpty || text.first == "#" {
      self = .blank
      return
    }
    let prefix = "theme["
    guard text.hasPrefix(prefix) else {
      self = .notASetting
      return
    }
    let afterPrefix = text.dropFirst(prefix.count)
    guard let close = afterPrefix.firstIndex(of: "]") else {
      self = .notASetting
      return
    }
    let name = afterPrefix[..<close]
    guard !name.isEmpty else {
      self = .notASetting
      return
    }
    guard let key = ThemeKey(rawValue: String(name)) else {
      self = .unknownKey(name)
      return
    }
    var rest = afterPrefix[afterPrefix.index(after: close)...].trimmingThemeWhitespace()
    guard rest.first == "=" else {
      self = .unreadableValue(key)
      return
    }
    rest = rest.dropFirst().trimmingThemeWhitespace()
    guard rest.first == "\"", let end = rest.dropFirst().firstIndex(of: "\"") else {
      self = .unreadableValue(key)
      return
    }
    let value = rest[rest.index(after: rest.startIndex)..<end]
    let trailing = rest[rest.index(after: end)...].trimmingThemeWhitespace()
    guard trailing.isEmpty || trailing.first == "#" else {
      self = .textAfterValue(key, trailing)
      return
    }
    self = .setting(key, value)
  }
}

extension Substring {
  /// Without leading and trailing whitespace (a byte-order mark counts as whitespace).
  func trimmingThemeWhitespace() -> Substring {
    let isSpace: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{FEFF}" }
    guard let first = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
    let last = lastIndex(where: { !isSpace($0) })!
    return self[first...last]
  }
}
