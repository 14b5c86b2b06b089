/// Everything one `lanes bench` run measured: one entry per case, in the order they ran.
public struct BenchReport: Sendable, Codable, Hashable {
  /// True if the run used `--quick` sizes (figures are indicative only).
  public var quick: Bool
  /// The seed every random choice used.
  public var seed: UInt64
  /// Whether the code was built with optimisations (debug figures say nothing about speed).
  public var optimized: Bool
  /// Online CPUs when the run started.
  public var cores: Int
  /// The cases, in the order they ran.
  public var cases: [BenchCaseResult]

  /// Creates a report.
  public init(quick: Bool, seed: UInt64, optimized: Bool, cores: Int, cases: [BenchCaseResult]) {
    self.quick = quick
    self.seed = seed
    self.optimized = optimized
    self.cores = cores
    self.cases = cases
  }

  /// The case called `name`, if it ran.
  public subscript(name: String) -> BenchCaseResult? { cases.first { $0.name == name } }
}

/// One case: what it measured, what it compared against, and whether each target was met.
public struct BenchCaseResult: Sendable, Codable, Hashable {
  /// The case's name, e.g. `critical-path overhead`.
  public var name: String
  /// Every figure the case measured (percentiles, counts, rates), in a stable order.
  public var figures: [BenchFigure]
  /// The baseline figures measured in the same run.
  public var baseline: [BenchFigure]
  /// The target checks, one per row of the table.
  public var checks: [BenchCheck]
  /// How the case was measured and what explains its figures, for people.
  public var notes: [String]
  /// Why the case produced no figures (nil when it ran).
  public var error: String?

  /// Creates a case result.
  public init(
    name: String, figures: [BenchFigure] = [], baseline: [BenchFigure] = [], checks: [BenchCheck] = [],
    notes: [String] = [], error: String? = nil
  ) {
    self.name = name
    self.figures = figures
    self.baseline = baseline
    self.checks = checks
    self.notes = notes
    self.error = error
  }

  /// True if every check was met, false if one was missed, nil if none could be judged.
  public var met: Bool? {
    let judged = checks.compactMap(\.met)
    if judged.isEmpty { return nil }
    return judged.allSatisfy { $0 }
  }

  /// The figure called `name`, if measured.
  public func figure(_ name: String) -> BenchFigure? { figures.first { $0.name == name } }
}

/// A number with its unit.
public struct BenchFigure: Sendable, Codable, Hashable {
  /// What it is, e.g. `p99` or `steps/s`.
  public var name: String
  /// The value, in `unit`.
  public var value: Double
  /// The unit: `ns`, `B`, `steps/s`, `x`, `count`.
  public var unit: BenchUnit

  /// Creates a figure.
  public init(_ name: String, _ value: Double, _ unit: BenchUnit) {
    self.name = name
    self.value = value
    self.unit = unit
  }

  /// The value formatted for people in its unit: `1.23ms`, `412B`, `1.1M/s`.
  public var text: String { unit.format(value) }
}

/// The units figures come in.
public enum BenchUnit: String, Sendable, Codable, Hashable {
  /// Nanoseconds (shown as ns/us/ms/s).
  case nanoseconds = "ns"
  /// Bytes (shown as B/KiB/MiB).
  case bytes = "B"
  /// Things per second.
  case perSecond = "1/s"
  /// A ratio.
  case ratio = "x"
  /// A plain count.
  case count = "count"
}

/// One target: a measured value, the baseline it is compared with, their ratio, and the verdict.
public struct BenchCheck: Sendable, Codable, Hashable {
  /// What is checked, e.g. `10x1ms p99`.
  public var label: String
  /// The measured value.
  public var measured: BenchFigure
  /// The baseline measured in the same run (nil when the target is absolute).
  public var baseline: BenchFigure?
  /// measured ÷ baseline (nil without a baseline).
  public var ratio: Double?
  /// The target as written in the issue, e.g. `p99 <= 1.25`.
  public var target: String
  /// Whether the target was met (nil when it could not be judged, e.g. a debug build).
  public var met: Bool?

  /// Creates a check.
  public init(
    label: String, measured: BenchFigure, baseline: BenchFigure?, ratio: Double?, target: String, met: Bool?
  ) {
    self.label = label
    self.measured = measured
    self.baseline = baseline
    self.ratio = ratio
    self.target = target
    self.met = met
  }
}
