/// Reads and writes durations as people write them: `250us`, `15ms`, `2s`, `1m`, `1.5s`.
public enum DurationText {
  /// The units accepted by `parse`, longest suffix first so `ms` wins over `s`.
  public static let units: [(suffix: String, nanoseconds: Double)] = [
    ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
  ]

  /// What went wrong reading a duration.
  public enum ParseError: Error, Equatable, CustomStringConvertible {
    /// No unit, an unknown unit, or not a number.
    case malformed(String)
    /// Negative values are never durations.
    case negative(String)

    /// A sentence naming the problem and the fix.
    public var description: String {
      switch self {
      case .malformed(let text):
        return
          "'\(text)' is not a duration: write a number and a unit, e.g. 250us, 15ms, 2s or 1m"
      case .negative(let text):
        return "'\(text)' is negative: durations must be zero or more"
      }
    }
  }

  /// Parses `text` (surrounding spaces allowed, unit required).
  public static func parse(_ text: String) throws(ParseError) -> Duration {
    let trimmed = text.trimmingSpaces()
    guard !trimmed.isEmpty else { throw .malformed(text) }
    for (suffix, scale) in units.sorted(by: { $0.suffix.count > $1.suffix.count })
    where trimmed.hasSuffix(suffix) {
      let number = String(trimmed.dropLast(suffix.count)).trimmingSpaces()
      guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }),
        let value = Double(number), value.isFinite
      else { throw .malformed(text) }
      if value < 0 { throw .negative(text) }
      let nanos = value * scale
      guard nanos < 9.0e18 else { throw .malformed(text) }
      return .nanoseconds(Int64(nanos.rounded()))
    }
    throw .malformed(text)
  }

  /// Formats with three significant figures and the largest fitting unit: `850us`, `12.3ms`, `2.05s`.
  public static func format(_ duration: Duration) -> String {
    let nanos = duration.nanoseconds
    let magnitude = abs(nanos)
    let sign = nanos < 0 ? "-" : ""
    let (value, unit): (Double, String)
    switch magnitude {
    case ..<1_000: return "\(sign)\(Int(magnitude))ns"
    case ..<1_000_000: (value, unit) = (magnitude / 1e3, "us")
    case ..<1_000_000_000: (value, unit) = (magnitude / 1e6, "ms")
    case ..<60_000_000_000: (value, unit) = (magnitude / 1e9, "s")
    default:
      let totalSeconds = Int(magnitude / 1e9)
      if totalSeconds >= 3600 {
        return "\(sign)\(totalSeconds / 3600)h\(pad2((totalSeconds % 3600) / 60))m"
      }
      return "\(sign)\(totalSeconds / 60)m\(pad2(totalSeconds % 60))s"
    }
    return sign + threeFigures(value) + unit
  }

  /// A value with three significant figures and no trailing zeros: 1.23, 12.3, 123.
  static func threeFigures(_ value: Double) -> String {
    let decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
    var text = NumberText.fixed(value, decimals: decimals)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }

  private static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension Duration {
  /// The duration in nanoseconds, as a Double.
  public var nanoseconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
  }

  /// The duration in seconds, as a Double.
  public var seconds: Double { nanoseconds / 1e9 }

  /// The duration in milliseconds, as a Double.
  public var milliseconds: Double { nanoseconds / 1e6 }
}

extension String {
  func trimmingSpaces() -> String {
    var slice = Substring(self)
    while let first = slice.first, first.isWhitespace { slice.removeFirst() }
    while let last = slice.last, last.isWhitespace { slice.removeLast() }
    return String(slice)
  }
}
