import ExecutionCore
import Foundation
import Testing

@testable import Benchmarks

/// `--quick`-style smoke: every case produces figures with tiny sizes. No timing assertions.
@Suite("Bench suite smoke", .serialized)
struct SuiteSmokeTests {
  @Test("every case runs with tiny sizes and produces figures, checks and a table row")
  func everyCaseProducesFigures() async throws {
    let options = BenchOptions(quick: true, seed: 7, sizes: .tiny)
    let report = try await BenchSuite.run(options: options)
    #expect(report.cases.map(\.name) == BenchSuite.cases.map(\.name))
    for result in report.cases {
      #expect(result.error == nil, "\(result.name): \(result.error ?? "")")
      #expect(!result.figures.isEmpty, "\(result.name) has no figures")
      #expect(!result.baseline.isEmpty, "\(result.name) has no baseline")
      #expect(!result.checks.isEmpty, "\(result.name) has no checks")
      for figure in result.figures + result.baseline {
        #expect(figure.value.isFinite, "\(result.name): \(figure.name) is not finite")
        #expect(figure.value >= 0, "\(result.name): \(figure.name) is negative")
      }
    }
    // Figures that must be positive whatever the machine.
    #expect((report["critical-path overhead"]?.figure("10x1ms p50")?.value ?? 0) >= 10_000_000)
    #expect((report["background throughput"]?.figure("runtime no-op steps/s")?.value ?? 0) > 0)
    #expect((report["enqueue to start"]?.figure("count")?.value ?? 0) > 0)
    #expect((report["memory per queued step"]?.figure("steps queued")?.value ?? 0) >= 2000)
    #expect((report["overload"]?.figure("measured capacity")?.value ?? 0) > 0)
    #expect((report["all-sync vs hybrid"]?.figure("hybrid p50")?.value ?? 0) > 0)
    #expect((report["snapshot cost"]?.figure("busy fresh p50")?.value ?? 0) > 0)

    let table = report.render()
    for result in report.cases { #expect(table.contains(result.name)) }
    let decoded = try BenchReport.decode(json: try report.jsonData())
    #expect(decoded == report)
  }

  @Test("a case filter runs only the named cases, and the JSON goes to the named file")
  func filterAndJSONFile() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bench-\(UInt64.random(in: 0...UInt64.max)).json"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let report = try await BenchSuite.run(
      options: BenchOptions(quick: true, json: .file(path), cases: ["enqueue"], sizes: .tiny))
    #expect(report.cases.map(\.name) == ["enqueue to start"])
    let written = try BenchReport.decode(json: try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(written == report)
  }
}
