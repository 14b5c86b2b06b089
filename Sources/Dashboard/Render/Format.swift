import ExecutionCore

/// Formats the widgets' `NumberText` does not cover: durations, uptime, failure shares.
enum Format {
  /// A duration, or `-` when nothing was measured.
  static func duration(_ value: Duration, measured: Bool = true) -> String {
    measured ? DurationText.format(value) : "-"
  }

  /// A fraction as a percentage with one decimal below 10% (`0%`, `0.5%`, `12%`), so a small
  /// failure rate never reads as zero.
  static func percent(_ fraction: Double) -> String {
    let value = fraction * 100
    if value == 0 { return "0%" }
    if value < 10 {
      var text = DurationText.fixed(value, decimals: 1)
      if text.hasSuffix(".0") { text.removeLast(2) }
      return text + "%"
    }
    return DurationText.fixed(value, decimals: 0) + "%"
  }

  /// Uptime as a clock: `0:42`, `12:03`, `1:02:03`.
  static func uptime(_ value: Duration) -> String {
    let total = max(0, Int(value.seconds))
    let (hours, minutes, seconds) = (total / 3600, (total % 3600) / 60, total % 60)
    func pad(_ part: Int) -> String { part < 10 ? "0\(part)" : "\(part)" }
    return hours > 0 ? "\(hours):\(pad(minutes)):\(pad(seconds))" : "\(minutes):\(pad(seconds))"
  }
}
