extension StepChain {
  /// The chain's expected length for a person: `≈495ms`, or `?` when a step on it has no modelled
  /// latency (an exec or http step).
  public var estimateText: String {
    estimate.map { "≈" + DurationText.format($0) } ?? "?"
  }

  /// The chain as `auth → retrieve → infer`, or `(none)`.
  public var pathText: String {
    steps.isEmpty ? "(none)" : steps.joined(separator: " → ")
  }
}
