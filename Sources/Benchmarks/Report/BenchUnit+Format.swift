import ExecutionCore

extension BenchUnit {
  /// `value` in this unit, formatted with about three significant figures.
  public func format(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    switch self {
    case .nanoseconds:
      return DurationText.format(.nanoseconds(Int64(value.rounded())))
    case .bytes:
      let magnitude = abs(value)
      if magnitude >= 1_073_741_824 { return DurationText.threeFiguresText(value / 1_073_741_824.0) + "GiB" }
      if magnitude >= 1_048_576 { return DurationText.threeFiguresText(value / 1_048_576.0) + "MiB" }
      if magnitude >= 1024 { return DurationText.threeFiguresText(value / 1024.0) + "KiB" }
      return DurationText.threeFiguresText(value) + "B"
    case .perSecond:
      let magnitude = abs(value)
      if magnitude >= 1e6 { return DurationText.threeFiguresText(value / 1e6) + "M/s" }
      if magnitude >= 1e3 { return DurationText.threeFiguresText(value / 1e3) + "k/s" }
      return DurationText.threeFiguresText(value) + "/s"
    case .ratio:
      return DurationText.threeFiguresText(value) + "x"
    case .count:
      return value == value.rounded() && abs(value) < 1e15
        ? String(Int64(value)) : DurationText.threeFiguresText(value)
    }
  }
}

extension DurationText {
  /// Three significant figures without trailing zeros, for any magnitude (4 decimals below 1).
  static func threeFiguresText(_ value: Double) -> String {
    let magnitude = abs(value)
    let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : magnitude >= 0.01 ? 3 : 4
    var text = NumberText.fixed(value, decimals: decimals)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }
}
