import TerminalUI

/// The colour values a theme file accepts, and the nearest valid spelling of ones it does not.
enum ThemeColorValue {
  /// `"#RRGGBB"` (the `#` may be left out) or `""` for the terminal's own colour; nil otherwise.
  static func parse(_ value: Substring) -> Color? {
    if value.isEmpty { return .terminalDefault }
    let digits = value.first == "#" ? value.dropFirst() : value
    // Checked here because `UInt32(_:radix:)` inside `Color(hex:)` would accept a leading sign.
    guard digits.count == 6, digits.allSatisfy(\.isASCIIHexDigit) else { return nil }
    return Color(hex: String(value))
  }

  /// What the user probably meant (`#RGB` shorthand, btop's decimal `"R G B"`, stray spaces) as `#RRGGBB`.
  static func suggestion(for value: Substring) -> String? {
    let trimmed = value.trimmingThemeWhitespace()
    if trimmed != value, let color = parse(trimmed), color != .terminalDefault { return color.hex }
    let digits = trimmed.first == "#" ? trimmed.dropFirst() : trimmed
    if digits.count == 3, digits.allSatisfy(\.isASCIIHexDigit) {
      return "#" + digits.uppercased().map { "\($0)\($0)" }.joined()
    }
    let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "," })
    if parts.count == 3, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
      let bytes = parts.compactMap { UInt8($0) }
      if bytes.count == 3 { return Color.rgb(bytes[0], bytes[1], bytes[2]).hex }
    }
    return nil
  }
}

extension Character {
  /// `0`-`9`, `a`-`f`, `A`-`F` only; `isHexDigit` also accepts fullwidth forms.
  var isASCIIHexDigit: Bool { isASCII && isHexDigit }
}
