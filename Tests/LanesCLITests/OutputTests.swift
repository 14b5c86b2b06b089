import DashboardHost
import Foundation
import Testing

@testable import LanesCLI

/// The CLI's output layer in-process: JSON for empty histograms, escaping.
struct OutputTests {
  @Test func anEmptyHistogramIsNullInJSONNotZero() throws {
    let text = try JSONOutput.encode(LatencyReport(.empty))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(json["count"] as? Int == 0)
    for key in ["p50_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms"] {
      #expect(json[key] is NSNull, "\(key) should be null in \(text)")
    }
  }

  @Test func aTableCellWithoutSamplesIsADash() {
    #expect(RunSummary.ms(nil, 0) == "-")
    #expect(RunSummary.ms(12.5, 3) == "12.5ms")
  }

  @Test func controlCharactersAreWrittenOut() {
    #expect(Console.escape("a\u{1B}[2Jb") == "a\\u{1B}[2Jb")
    #expect(
      Console.escape("bell\u{07} del\u{7F} csi\u{9B} rlo\u{202E}")
        == "bell\\u{7} del\\u{7F} csi\\u{9B} rlo\\u{202E}")
    #expect(Console.escape("lines\nand\ttabs stay, é ✓ too") == "lines\nand\ttabs stay, é ✓ too")
  }

  @Test func shortfallIsReportedOnlyBeyondNoise() {
    #expect(LoadPhase.shortfall(attempted: 1, rate: 1, over: .seconds(1)) == nil)
    #expect(LoadPhase.shortfall(attempted: 95, rate: 100, over: .seconds(1)) == nil)
    #expect(
      LoadPhase.shortfall(attempted: 12_000, rate: 100_000, over: .seconds(2))?.contains("200000") == true)
  }
}
