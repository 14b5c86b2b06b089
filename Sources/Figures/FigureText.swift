/// Percentages, ratios, rates and clocks as Lanes writes them for a person, in the dashboard, the
/// commands' tables and the event log alike, so one figure never reads two ways.
public enum FigureText {
  /// A duration, or `-` when nothing was measured: `850us`, `12.3ms`, `2.05s`.
  public static func duration(_ value: Duration, measured: Bool = true) -> String {
    measured ? DurationText.format(value) : "-"
  }

  /// A fraction as a percentage, one decimal below 10% so a small share never reads as zero:
  /// `0%`, `0.5%`, `12%`; `-` when it is not a number.
  public static func percent(_ fraction: Double) -> String {
    guard fraction.isFinite else { return "-" }
    let value = fraction * 100
    if value == 0 { return "0%" }
    if value < 10 {
      var text = NumberText.fixed(value, decimals: 1)
      if text.hasSuffix(".0") { text.removeLast(2) }
      return text + "%"
    }
    return NumberText.fixed(value, decimals: 0) + "%"
  }

  /// `part` of `whole` as a percentage (`percent`), or `-` when there is no whole.
  public static func percent(_ part: Int, of whole: Int) -> String {
    whole > 0 ? percent(Double(part) / Double(whole)) : "-"
  }

  /// A ratio with two decimals and a times sign: `0.62×`; `-` when there is none.
  public static func ratio(_ value: Double?, times: String = "×") -> String {
    guard let value, value.isFinite else { return "-" }
    return NumberText.fixed(value, decimals: 2) + times
  }

  /// A rate per second with one decimal below 100: `2.5/s`, `120/s`.
  public static func rate(_ perSecond: Double) -> String {
    NumberText.fixed(perSecond, decimals: perSecond >= 100 ? 0 : 1) + "/s"
  }

  /// Uptime as a clock: `0:42`, `12:03`, `1:02:03`.
  public static func uptime(_ value: Duration) -> String {
    let total = max(0, Int(value.components.seconds))
    let (hours, minutes, seconds) = (total / 3600, (total % 3600) / 60, total % 60)
    func pad(_ part: Int) -> String { part < 10 ? "0\(part)" : "\(part)" }
    return hours > 0 ? "\(hours):\(pad(minutes)):\(pad(seconds))" : "\(minutes):\(pad(seconds))"
  }
}
