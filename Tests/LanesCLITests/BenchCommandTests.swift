import Foundation
import Testing

/// `lanes bench --quick`, as CI runs it: every case must produce figures. Nothing about speed is
/// asserted (a debug build on a shared machine says nothing about it).
struct BenchCommandTests {
  @Test(.timeLimit(.minutes(10))) func quickBenchRunsEveryCaseAndWritesJSON() throws {
    let json = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-bench-\(getpid()).json")
    defer { try? FileManager.default.removeItem(at: json) }
    let result = try LanesBinary.run(["bench", "--quick", "--json", json.path], timeout: 540)
    #expect(result.status == 0, "stderr:\n\(result.stderr.suffix(3000))")
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
    let cases = try #require(report["cases"] as? [[String: Any]])
    let names = Set(cases.compactMap { $0["name"] as? String })
    for name in [
      "critical-path overhead", "runtime's own cost per step", "isolation, no-op background",
      "isolation, CPU-bound background", "background throughput", "enqueue to start",
      "memory per queued step", "memory per queued step with a 1 KiB payload",
      "runtime's own cost per step with 1 KiB in and out", "overload", "all-sync vs hybrid", "snapshot cost",
      "render cost",
    ] {
      #expect(names.contains(name), "missing case \(name)")
    }
    for item in cases {
      let name = item["name"] as? String ?? "?"
      #expect(item["error"] == nil || item["error"] is NSNull, "\(name): \(item["error"] ?? "")")
      let figures = item["figures"] as? [[String: Any]] ?? []
      #expect(!figures.isEmpty, "\(name) has no figures")
      for figure in figures {
        let value = figure["value"] as? Double ?? -1
        #expect(value.isFinite && value >= 0, "\(name): \(figure["name"] ?? "?") = \(value)")
      }
    }
    // The table names every case too.
    for name in names { #expect(result.stdout.contains(name)) }
  }

  @Test func unknownCaseIsAUsageError() throws {
    let result = try LanesBinary.run(["bench", "--case", "warp-speed"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("no benchmark case 'warp-speed'"))
  }
}
