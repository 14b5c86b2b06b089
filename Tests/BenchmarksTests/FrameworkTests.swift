import Foundation
import Synchronization
import Testing

@testable import Benchmarks

@Suite("Bench framework")
struct FrameworkTests {
  @Test("the bare queue runs every job once, with several workers")
  func bareQueueRunsEveryJob() {
    let queue = BareQueue(workers: 3)
    let seen = Mutex([Int](repeating: 0, count: 1000))
    for index in 0..<1000 { queue.enqueue { seen.withLock { $0[index] += 1 } } }
    queue.waitUntilCompleted(1000)
    queue.shutdown()
    #expect(seen.withLock { $0 }.allSatisfy { $0 == 1 })
    #expect(queue.completedCount == 1000)
  }

  @Test("a paused bare queue holds its jobs until resumed")
  func pausedBareQueueHolds() async throws {
    let queue = BareQueue(workers: 2, paused: true)
    for _ in 0..<100 { queue.enqueue {} }
    try await Task.sleep(for: .milliseconds(20))
    #expect(queue.completedCount == 0)
    queue.resume()
    queue.waitUntilCompleted(100)
    #expect(queue.completedCount == 100)
    queue.shutdown()
  }

  @Test("bare-queue baselines produce positive figures")
  func bareQueueBaselines() async {
    #expect(BareQueue.throughput(workers: 2, jobs: 5000) > 0)
    let latency = await BareQueue.enqueueToStart(workers: 2, samples: 20, rate: 2000, seed: 1)
    #expect(latency.count == 20)
    #expect(latency.p50 > 0)
  }

  @Test("resident memory reads as a positive size and grows with a touched allocation")
  func residentMemory() {
    let before = ProcessMemory.residentBytes()
    #expect(before > 0)
    #expect(ProcessMemory.peakResidentBytes() >= before / 2)
    let bytes = 64 << 20
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
    defer { buffer.deallocate() }
    for offset in stride(from: 0, to: bytes, by: 4096) {
      buffer.storeBytes(of: 1, toByteOffset: offset, as: UInt8.self)
    }
    #expect(ProcessMemory.residentBytes() > before + bytes / 2)
  }

  @Test("the memory sampler sees a peak at least as high as now")
  func memorySampler() {
    let sampler = MemorySampler(interval: .milliseconds(1))
    let now = ProcessMemory.residentBytes()
    #expect(sampler.finish() >= now / 2)
  }

  @Test("open-loop schedules are evenly spaced, or Poisson with the same seed giving the same gaps")
  func schedules() {
    let constant = OpenLoop.schedule(rate: 1000, count: 4, arrivals: .constant, seed: 1)
    #expect(constant == [0, 1_000_000, 2_000_000, 3_000_000])
    let first = OpenLoop.schedule(rate: 1000, count: 2000, arrivals: .poisson, seed: 7)
    let second = OpenLoop.schedule(rate: 1000, count: 2000, arrivals: .poisson, seed: 7)
    #expect(first == second)
    #expect(first != OpenLoop.schedule(rate: 1000, count: 2000, arrivals: .poisson, seed: 8))
    let meanGap = Double(first.last!) / Double(first.count - 1)
    #expect(meanGap > 800_000 && meanGap < 1_250_000)
  }

  @Test("the open loop starts every arrival at or after its intended time, without waiting for earlier ones")
  func openLoopDoesNotWait() async {
    let starts = Mutex([Int64]())
    // Every body waits until all ten have started: if the loop waited for earlier bodies before
    // starting the next, the first body would wait out its 30 s limit alone and `together` would
    // stay below ten. No wall-clock bound is asserted.
    let together = Mutex(0)
    await OpenLoop.run(rate: 1000, count: 10, seed: 1) { arrival in
      let started = starts.withLock { starts -> Int in
        starts.append(Nanos.now() - arrival.intended)
        return starts.count
      }
      together.withLock { $0 = max($0, started) }
      let limit = Nanos.now() + 30_000_000_000
      while starts.withLock({ $0.count }) < 10, Nanos.now() < limit {
        try? await Task.sleep(for: .milliseconds(1))
      }
    }
    #expect(starts.withLock { $0.count } == 10)
    #expect(starts.withLock { $0 }.allSatisfy { $0 >= 0 })
    #expect(together.withLock { $0 } == 10)
  }

  @Test("the step timer sums each run's steps apart and hands each sum out once")
  func stepTimerSumsPerRun() async {
    let timer = StepTimer()
    await withTaskGroup(of: Void.self) { group in
      for run in UInt64(1)...8 {
        group.addTask { for _ in 0..<100 { timer.add(run: run, nanoseconds: Int64(run)) } }
      }
    }
    for run in UInt64(1)...8 { #expect(timer.take(run: run) == Int64(run) * 100) }
    #expect(timer.take(run: 3) == 0)
    #expect(timer.take(run: 99) == 0)
  }

  @Test("histograms report ordered percentiles")
  func histogram() {
    var histogram = BenchHistogram()
    for value in 1...1000 { histogram.record(nanoseconds: Int64(value) * 1000) }
    #expect(histogram.count == 1000)
    #expect(histogram.p50 <= histogram.p99)
    #expect(histogram.p99 <= histogram.p999)
    #expect(histogram.p999 <= histogram.max)
    #expect(abs(histogram.p50 - 500_000) < 1000)
  }

  @Test("units format with their suffixes")
  func units() {
    #expect(BenchUnit.nanoseconds.format(1_500_000) == "1.5ms")
    #expect(BenchUnit.bytes.format(412) == "412B")
    #expect(BenchUnit.bytes.format(3 * 1024 * 1024) == "3MiB")
    #expect(BenchUnit.perSecond.format(1_100_000) == "1.1M/s")
    #expect(BenchUnit.ratio.format(1.004) == "1x")
    #expect(BenchUnit.ratio.format(0.512) == "0.512x")
    #expect(BenchUnit.count.format(12) == "12")
  }
}
