/// A colour as a theme names it; the backend maps it to what the terminal can show.
public enum Color: Sendable, Hashable {
  /// The terminal's own foreground or background.
  case terminalDefault
  /// A 24-bit colour.
  case rgb(UInt8, UInt8, UInt8)

  /// Parses `#RRGGBB` (or `RRGGBB`); nil if malformed. An empty string is `terminalDefault`.
  public init?(hex: String) {
    var text = Substring(hex)
    if text.isEmpty {
      self = .terminalDefault
      return
    }
    if text.first == "#" { text = text.dropFirst() }
    guard text.count == 6, let value = UInt32(text, radix: 16) else { return nil }
    self = .rgb(UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
  }

  /// `#RRGGBB`, or an empty string for the terminal default.
  public var hex: String {
    guard case .rgb(let r, let g, let b) = self else { return "" }
    let digits = Array("0123456789ABCDEF")
    return "#" + [r, g, b].map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 0xF)])" }.joined()
  }
}

/// Text attributes.
public struct Attributes: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// Bold.
  public static let bold = Attributes(rawValue: 1 << 0)
  /// Dim.
  public static let dim = Attributes(rawValue: 1 << 1)
  /// Underline.
  public static let underline = Attributes(rawValue: 1 << 2)
  /// Reverse video.
  public static let reverse = Attributes(rawValue: 1 << 3)
  /// Italic (where the terminal has it).
  public static let italic = Attributes(rawValue: 1 << 4)
}

/// How a cell looks.
public struct Style: Sendable, Hashable {
  /// Foreground colour.
  public var foreground: Color
  /// Background colour.
  public var background: Color
  /// Attributes.
  public var attributes: Attributes

  /// Creates a style.
  public init(
    foreground: Color = .terminalDefault, background: Color = .terminalDefault,
    attributes: Attributes = []
  ) {
    self.foreground = foreground
    self.background = background
    self.attributes = attributes
  }

  /// The terminal's own colours, no attributes.
  public static let plain = Style()

  /// This style with `attributes` added.
  public func with(_ attributes: Attributes) -> Style {
    var copy = self
    copy.attributes.formUnion(attributes)
    return copy
  }
}
