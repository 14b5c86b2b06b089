/// Numbers as a dashboard shows them: short, three significant figures, a unit suffix.
///
/// Durations are `DurationText`'s; percentages, ratios and clocks are `FigureText`'s, beside this
/// file: one home for every figure Lanes writes for a person.
public enum NumberText {
  /// `950`, `12.5`, `1.2k`, `12.3k`, `123k`, `3.4M`, `5.6G`; at most one decimal at or above 1,
  /// two below; trailing zeros dropped; negatives keep their sign, NaN is `-`.
  public static func compact(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "-" : (value > 0 ? "inf" : "-inf") }
    let sign = value < 0 ? "-" : ""
    var magnitude = abs(value)
    if magnitude < 999.5 {
      return sign + significant(magnitude, wholeOnly: magnitude == magnitude.rounded())
    }
    let suffixes = ["k", "M", "G", "T", "P"]
    var index = -1
    while magnitude >= 999.5 && index < suffixes.count - 1 {
      magnitude /= 1000
      index += 1
    }
    return sign + significant(magnitude, wholeOnly: false) + suffixes[index]
  }

  /// `compact` for whole numbers: `950`, `1.2k`.
  public static func compact(_ value: Int) -> String { compact(Double(value)) }

  /// A rate per second: `12.3/s`, `1.2k/s`, `0/s`.
  public static func rate(_ perSecond: Double, unit: String = "/s") -> String {
    compact(perSecond) + unit
  }

  /// A fraction as a percentage: `0.123` → `12%`, with `decimals` digits after the point.
  public static func percent(_ fraction: Double, decimals: Int = 0) -> String {
    guard fraction.isFinite else { return "-%" }
    return fixed(fraction * 100, decimals: decimals) + "%"
  }

  /// `value` with exactly `decimals` digits after the point, rounded half away from zero.
  public static func fixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "-" : (value > 0 ? "inf" : "-inf") }
    let places = max(0, min(9, decimals))
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    let sign = value < 0 && scaled != 0 ? "-" : ""
    guard scaled < 9e18 else { return sign + String(abs(value)) }
    let whole = UInt64(scaled)
    let unit = UInt64(scale)
    let integerPart = String(whole / unit)
    guard places > 0 else { return sign + integerPart }
    var fraction = String(whole % unit)
    while fraction.count < places { fraction = "0" + fraction }
    return sign + integerPart + "." + fraction
  }

  /// One decimal at or above 1, two below, no trailing zeros: `1.2`, `12.3`, `123`, `0.05`.
  static func significant(_ magnitude: Double, wholeOnly: Bool) -> String {
    if wholeOnly { return fixed(magnitude, decimals: 0) }
    let decimals: Int
    switch magnitude {
    case 99.95...: decimals = 0
    case 0.995...: decimals = 1
    default: decimals = 2
    }
    var text = fixed(magnitude, decimals: decimals)
    if text.contains(".") {
      while text.last == "0" { text.removeLast() }
      if text.last == "." { text.removeLast() }
    }
    return text
  }
}
