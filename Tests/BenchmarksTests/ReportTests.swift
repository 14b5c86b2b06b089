import Foundation
import Testing

@testable import Benchmarks

@Suite("Bench report")
struct ReportTests {
  static let sample = BenchReport(
    quick: true, seed: 9, optimized: true, cores: 2,
    cases: [
      BenchCaseResult(
        name: "critical-path overhead",
        figures: [BenchFigure("10x1ms p50", 10_050_000, .nanoseconds)],
        baseline: [BenchFigure("ideal", 10_000_000, .nanoseconds)],
        checks: [
          BenchCheck(
            label: "10x1ms p50", measured: BenchFigure("p50", 10_050_000, .nanoseconds),
            baseline: BenchFigure("ideal", 10_000_000, .nanoseconds), ratio: 1.005, target: "<= 1.01",
            met: true),
          BenchCheck(
            label: "10x1ms p99", measured: BenchFigure("p99", 13_000_000, .nanoseconds),
            baseline: BenchFigure("ideal", 10_000_000, .nanoseconds), ratio: 1.3, target: "<= 1.25",
            met: false),
        ],
        notes: ["steps sleep to chained deadlines"]),
      BenchCaseResult(name: "render cost", error: "the dashboard is not built yet"),
    ])

  @Test("the table has a row per check, verdict marks, errors and notes")
  func table() {
    let text = Self.sample.render()
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines[1].hasPrefix("case"))
    #expect(lines.contains { $0.hasPrefix("critical-path overhead | 10x1ms p50") && $0.hasSuffix("✓") })
    #expect(lines.contains { $0.contains("10x1ms p99") && $0.contains("1.3x") && $0.hasSuffix("✗") })
    #expect(lines.contains { $0.hasPrefix("render cost") && $0.contains("not built yet") })
    #expect(text.contains("targets met: 1 of 2"))
    #expect(text.contains("critical-path overhead: steps sleep to chained deadlines"))
    // Columns line up: every row has its separators where the header has them.
    let header = lines[1]
    let firstBar = header.firstIndex(of: "|").map { header.distance(from: header.startIndex, to: $0) }
    for line in lines[3..<5] {
      let bar = line.firstIndex(of: "|").map { line.distance(from: line.startIndex, to: $0) }
      #expect(bar == firstBar)
    }
  }

  @Test("the report round-trips through JSON")
  func jsonRoundTrip() throws {
    let data = try Self.sample.jsonData()
    let decoded = try BenchReport.decode(json: data)
    #expect(decoded == Self.sample)
    #expect(decoded["critical-path overhead"]?.met == false)
    #expect(decoded["render cost"]?.met == nil)
  }

  @Test("a debug build leaves speed verdicts blank but judges the rest")
  func debugVerdicts() {
    let context = BenchContext(options: BenchOptions(quick: true), optimized: false)
    let speed = context.ratioCheck(
      "p50", measured: BenchFigure("p50", 2, .nanoseconds), baseline: BenchFigure("b", 1, .nanoseconds),
      target: "<= 1.5", bound: .atMost(1.5))
    #expect(speed.met == nil)
    #expect(speed.ratio == 2)
    let lost = context.absoluteCheck(
      "lost", measured: BenchFigure("lost", 0, .count), baseline: nil, target: "0", bound: .atMost(0),
      speed: false)
    #expect(lost.met == true)
  }

  @Test("unknown case names are refused with the list of known ones")
  func unknownCase() async {
    await #expect(throws: BenchError.self) {
      _ = try await BenchSuite.run(options: BenchOptions(quick: true, cases: ["nope"]))
    }
  }
}
