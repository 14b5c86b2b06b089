#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `lanes bench`: runs the cases in one process and reports each against its same-run baseline.
///
/// Build in release for meaningful figures: `swift run -c release lanes bench` (debug builds are
/// a smoke test only; their speed verdicts are left blank).
public enum BenchSuite {
  /// A case: an id for `--case`, the name shown in the table, and how to measure it.
  struct Case: Sendable {
    var id: String
    var name: String
    var measure: @Sendable (BenchContext) async throws -> BenchCaseResult
  }

  /// Ids accepted in `BenchOptions.cases`, in the order the cases run.
  public static var caseIDs: [String] { cases.map(\.id) }

  /// True if this code was compiled with optimisations.
  public static var optimized: Bool {
    #if DEBUG
      return false
    #else
      return true
    #endif
  }

  /// Runs the selected cases (all by default), writes the JSON if asked, and returns the report.
  /// A case that throws is reported with its error; the others still run.
  public static func run(options: BenchOptions) async throws -> BenchReport {
    let context = BenchContext(options: options, optimized: optimized)
    let selected = try select(options.cases)
    var results: [BenchCaseResult] = []
    for benchCase in selected {
      options.progress?("bench: \(benchCase.name)…")
      let start = Nanos.now()
      var result: BenchCaseResult
      do {
        result = try await benchCase.measure(context)
      } catch {
        result = BenchCaseResult(name: benchCase.name, error: "\(error)")
      }
      result.name = benchCase.name
      let seconds = Double(Nanos.now() - start) / 1e9
      options.progress?(
        "bench: \(benchCase.name) done in \(BenchUnit.count.format((seconds * 10).rounded() / 10))s")
      results.append(result)
      if let progress = options.progress {
        let partial = BenchReport(
          quick: options.quick, seed: options.seed, optimized: optimized, cores: Nanos.cores, cases: [result])
        progress(partial.render())
      }
    }
    let report = BenchReport(
      quick: options.quick, seed: options.seed, optimized: optimized, cores: Nanos.cores, cases: results)
    try write(report, to: options.json)
    return report
  }

  /// The cases matching `filter` (ids or names, case-insensitive); all when empty.
  static func select(_ filter: [String]) throws -> [Case] {
    guard !filter.isEmpty else { return cases }
    let wanted = Set(filter.map { $0.lowercased() })
    let known = Set(cases.map { $0.id.lowercased() } + cases.map { $0.name.lowercased() })
    if let unknown = wanted.first(where: { !known.contains($0) }) {
      throw BenchError.unknownCase(unknown, known: caseIDs)
    }
    return cases.filter { wanted.contains($0.id.lowercased()) || wanted.contains($0.name.lowercased()) }
  }

  static func write(_ report: BenchReport, to destination: BenchOptions.JSONDestination?) throws {
    guard let destination else { return }
    let data = try report.jsonData()
    switch destination {
    case .stdout:
      print(String(decoding: data, as: UTF8.self))
    case .file(let path):
      do {
        try data.write(to: URL(fileURLWithPath: path))
      } catch {
        throw BenchError.cannotWrite(path, "\(error)")
      }
    }
  }
}

/// What stops `lanes bench` before it measures anything.
public enum BenchError: Error, CustomStringConvertible, Equatable {
  /// `--case` named no known case.
  case unknownCase(String, known: [String])
  /// The JSON file could not be written.
  case cannotWrite(String, String)
  /// A case could not set up what it measures.
  case setup(String)

  /// A sentence naming the problem and the fix.
  public var description: String {
    switch self {
    case .unknownCase(let name, let known):
      return "no bench case '\(name)': use one of \(known.joined(separator: ", "))"
    case .cannotWrite(let path, let reason):
      return "cannot write the JSON report to \(path): \(reason)"
    case .setup(let reason):
      return reason
    }
  }
}
