import ExecutionCore
import Foundation
import Testing

@testable import Benchmarks

/// The suite's plumbing, in process, on one light case. Every case is run by `lanes bench --quick`
/// in a separate process (LanesCLITests), so its CPU-bound cases, which saturate the cooperative
/// pool on purpose, never starve the other tests running alongside in this process.
@Suite("Bench suite smoke", .serialized)
struct SuiteSmokeTests {
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
