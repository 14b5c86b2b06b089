import ExecutionCore

/// Number and duration formatting shared by the commands' tables.
enum Formatting {
  /// A duration for a table cell: `512ms`, `1.02s`, `-` when there were no values.
  static func duration(_ value: Duration, count: Int = 1) -> String {
    count == 0 ? "-" : DurationText.format(value)
  }

  /// A ratio such as `0.50×`.
  static func ratio(_ numerator: Duration, _ denominator: Duration) -> String {
    guard denominator > .zero, numerator > .zero else { return "-" }
    return DurationText.fixed(numerator.nanoseconds / denominator.nanoseconds, decimals: 2) + "×"
  }

  /// A rate per second with one decimal.
  static func rate(_ value: Double) -> String {
    DurationText.fixed(value, decimals: value >= 100 ? 0 : 1) + "/s"
  }

  /// A percentage with one decimal, `-` for no runs.
  static func percent(_ part: Int, of whole: Int) -> String {
    guard whole > 0 else { return "-" }
    return DurationText.fixed(Double(part) * 100 / Double(whole), decimals: 1) + "%"
  }

  /// A chain's expected length: `≈495ms`, or `?` when a step on it has no modelled latency.
  static func estimate(_ chain: StepChain) -> String {
    chain.estimate.map { "≈" + DurationText.format($0) } ?? "?"
  }

  /// A chain as `auth → retrieve → infer`.
  static func chain(_ chain: StepChain) -> String {
    chain.steps.isEmpty ? "(none)" : chain.steps.joined(separator: " → ")
  }
}
