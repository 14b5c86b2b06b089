import ExecutionCore

/// Short number formats shared by the panels, so the same figure reads the same everywhere.
enum Format {
  /// `0/s`, `0.5/s`, `12/s`, `1.2k/s`.
  static func rate(_ perSecond: Double) -> String { number(perSecond) + "/s" }

  /// Three significant figures at most, with k and M: `0`, `0.5`, `12.3`, `1.2k`, `3.4M`.
  static func number(_ value: Double) -> String {
    let magnitude = abs(value)
    if magnitude >= 1e6 { return DurationText.fixed(value / 1e6, decimals: 1) + "M" }
    if magnitude >= 1e4 { return DurationText.fixed(value / 1e3, decimals: 0) + "k" }
    if magnitude >= 1e3 { return DurationText.fixed(value / 1e3, decimals: 1) + "k" }
    if magnitude >= 100 || value == value.rounded() { return DurationText.fixed(value, decimals: 0) }
    return trimmed(DurationText.fixed(value, decimals: magnitude >= 10 ? 1 : 2))
  }

  /// Counts: `0`, `999`, `1.2k`, `45k`, `1.2M`.
  static func count(_ value: Int) -> String { number(Double(value)) }

  /// A duration, or `-` when nothing was measured.
  static func duration(_ value: Duration, measured: Bool = true) -> String {
    measured ? DurationText.format(value) : "-"
  }

  /// A fraction as a percentage: `0%`, `0.5%`, `12%`.
  static func percent(_ fraction: Double) -> String {
    let value = fraction * 100
    if value == 0 { return "0%" }
    if value < 10 { return trimmed(DurationText.fixed(value, decimals: 1)) + "%" }
    return DurationText.fixed(value, decimals: 0) + "%"
  }

  /// Uptime as a clock: `0:42`, `12:03`, `1:02:03`.
  static func uptime(_ value: Duration) -> String {
    let total = max(0, Int(value.seconds))
    let (hours, minutes, seconds) = (total / 3600, (total % 3600) / 60, total % 60)
    func pad(_ part: Int) -> String { part < 10 ? "0\(part)" : "\(part)" }
    return hours > 0 ? "\(hours):\(pad(minutes)):\(pad(seconds))" : "\(minutes):\(pad(seconds))"
  }

  /// `text` cut to `width` columns, ending in `ellipsis` when cut.
  static func fit(_ text: String, _ width: Int, ellipsis: String = "…") -> String {
    guard width > 0 else { return "" }
    guard text.count > width else { return text }
    guard width > ellipsis.count else { return String(text.prefix(width)) }
    return String(text.prefix(width - ellipsis.count)) + ellipsis
  }

  /// `text` padded with spaces to `width` on the left (right-aligned), or cut.
  static func right(_ text: String, _ width: Int) -> String {
    text.count >= width
      ? String(text.suffix(width)) : String(repeating: " ", count: width - text.count) + text
  }

  /// `text` padded with spaces on the right to `width`, or cut.
  static func left(_ text: String, _ width: Int) -> String {
    text.count >= width
      ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
  }

  private static func trimmed(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var result = text
    while result.hasSuffix("0") { result.removeLast() }
    if result.hasSuffix(".") { result.removeLast() }
    return result
  }
}
