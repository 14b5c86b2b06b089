import ExecutionCore

/// What every case gets: the options, the sizes, and how to judge a target.
public struct BenchContext: Sendable {
  /// The options the suite was started with.
  public var options: BenchOptions
  /// Whether this build is optimised; speed verdicts are withheld from debug builds.
  public var optimized: Bool

  /// Sizes for this run.
  public var sizes: BenchSizes { options.sizes }
  /// The run's seed.
  public var seed: UInt64 { options.seed }

  /// Which side of the limit passes.
  public enum Bound: Sendable {
    /// The judged value must be at most the limit.
    case atMost(Double)
    /// The judged value must be at least the limit.
    case atLeast(Double)

    func accepts(_ value: Double) -> Bool {
      switch self {
      case .atMost(let limit): return value <= limit
      case .atLeast(let limit): return value >= limit
      }
    }
  }

  /// A check judged on measured ÷ baseline.
  public func ratioCheck(
    _ label: String, measured: BenchFigure, baseline: BenchFigure, target: String, bound: Bound,
    speed: Bool = true
  ) -> BenchCheck {
    let ratio = baseline.value != 0 ? measured.value / baseline.value : Double.nan
    let judged = ratio.isFinite ? bound.accepts(ratio) : nil
    return BenchCheck(
      label: label, measured: measured.finite, baseline: baseline.finite, ratio: ratio.isFinite ? ratio : nil,
      target: target, met: speed && !optimized ? nil : judged)
  }

  /// A comparison shown for information, with no target.
  public func infoCheck(_ label: String, measured: BenchFigure, baseline: BenchFigure) -> BenchCheck {
    let ratio = baseline.value != 0 ? measured.value / baseline.value : Double.nan
    return BenchCheck(
      label: label, measured: measured.finite, baseline: baseline.finite, ratio: ratio.isFinite ? ratio : nil,
      target: "info", met: nil)
  }

  /// A check judged on the measured value itself; `baseline` is shown with its ratio for scale.
  public func absoluteCheck(
    _ label: String, measured: BenchFigure, baseline: BenchFigure?, target: String, bound: Bound,
    speed: Bool = true
  ) -> BenchCheck {
    let ratio = baseline.flatMap { $0.value != 0 ? measured.value / $0.value : nil }
    let judged = measured.value.isFinite ? bound.accepts(measured.value) : nil
    return BenchCheck(
      label: label, measured: measured.finite, baseline: baseline?.finite,
      ratio: ratio.flatMap { $0.isFinite ? $0 : nil }, target: target,
      met: speed && !optimized ? nil : judged)
  }
}

extension BenchFigure {
  /// The figure with a non-finite value replaced by 0 (JSON has no NaN).
  var finite: BenchFigure { value.isFinite ? self : BenchFigure(name, 0, unit) }
}
