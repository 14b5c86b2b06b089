import Histogram
import Testing

@testable import ExecutionCore

/// The one-pass summary must agree with HdrHistogram's own percentile and mean computations.
struct LatencyHistogramTests {
  @Test(arguments: [1, 7, 100, 5_000])
  func onePassSummaryMatchesTheHistogramsOwnAnswers(count: Int) {
    var histogram = LatencyHistogram.make()
    var generator = SplitMix(seed: UInt64(count))
    for _ in 0..<count {
      // Log-uniform from 50 µs to 5 s: many buckets, like real latencies.
      let exponent = Double(generator.next() % 10_000) / 10_000 * 11.5
      let nanoseconds = Int64(50_000 * _exp(exponent))
      LatencyHistogram.record(&histogram, nanoseconds: nanoseconds)
    }
    let summary = LatencyHistogram.summary(histogram)
    #expect(summary.count == count)
    #expect(summary.p50 == .microseconds(Int64(histogram.valueAtPercentile(50))))
    #expect(summary.p95 == .microseconds(Int64(histogram.valueAtPercentile(95))))
    #expect(summary.p99 == .microseconds(Int64(histogram.valueAtPercentile(99))))
    #expect(summary.p999 == .microseconds(Int64(histogram.valueAtPercentile(99.9))))
    #expect(summary.max == .microseconds(Int64(histogram.max)))
    let expectedMean = histogram.mean
    let mean = summary.mean.nanoseconds / 1000
    #expect(abs(mean - expectedMean) <= expectedMean * 0.001 + 1, "mean \(mean) vs \(expectedMean)")
  }

  @Test func emptyHistogramIsEmpty() {
    #expect(LatencyHistogram.summary(LatencyHistogram.make()) == .empty)
  }

  private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }
}

private func _exp(_ x: Double) -> Double {
  var term = 1.0
  var sum = 1.0
  for n in 1..<60 {
    term *= x / Double(n)
    sum += term
  }
  return sum
}
