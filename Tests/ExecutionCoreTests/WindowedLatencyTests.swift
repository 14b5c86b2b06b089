import Testing

@testable import ExecutionCore

/// The rings behind the snapshot's windows: bounded, reused, and empty until used.
struct WindowedLatencyTests {
  private let ms: Int64 = 1_000_000

  @Test func aSlotIsReusedWhenItsSecondComesRound() {
    var windows = WindowedLatency()
    windows.record(nanoseconds: 5 * ms, second: 0)
    windows.record(nanoseconds: 7 * ms, second: 3)
    var slots = windows.slots(.last10s, second: 3, nowNs: 3_500 * ms)
    #expect(slots.summary.count == 2)
    #expect(slots.covered == .milliseconds(3_500))
    // Second 10 takes second 0's slot: the 10 s window then holds seconds 1 to 10.
    windows.record(nanoseconds: 9 * ms, second: 10)
    slots = windows.slots(.last10s, second: 10, nowNs: 10_000 * ms)
    #expect(slots.summary.count == 2)
    #expect(slots.covered == .seconds(9))
    #expect(windows.slots(.last1m, second: 10, nowNs: 10_000 * ms).summary.count == 3)
    // Much later, the 1 m window has forgotten them all; the 5 m one has not.
    #expect(windows.slots(.last1m, second: 70, nowNs: 70_000 * ms).summary.count == 0)
    #expect(windows.slots(.last5m, second: 70, nowNs: 70_000 * ms).summary.count == 3)
    #expect(windows.slots(.sinceStart, second: 70, nowNs: 70_000 * ms).summary.count == 3)
    #expect(windows.slots(.sinceStart, second: 70, nowNs: 70_000 * ms).covered == .seconds(70))
    // Each value was recorded once: the ended seconds were folded into the total, not copied.
    #expect(windows.folded?.totalCount == 2)
  }

  @Test func aLateValueJoinsTheNewerSecondInsteadOfWipingIt() {
    var windows = WindowedLatency()
    windows.record(nanoseconds: 1 * ms, second: 12)
    windows.record(nanoseconds: 2 * ms, second: 2)  // same slot, older second
    #expect(windows.second(12)?.totalCount == 2)
    #expect(windows.second(2) == nil)
  }

  @Test func nothingIsAllocatedUntilUsed() {
    let metrics = WorkflowMetrics(stepCount: 10_000)
    #expect(metrics.steps.allSatisfy { $0.duration == nil })
    #expect(metrics.criticalPathWindows.folded == nil && metrics.settleWindows.folded == nil)
    #expect(metrics.criticalPathWindows.fine.allSatisfy { $0 == nil })
    #expect(metrics.criticalPathWindows.coarse.allSatisfy { $0 == nil })
  }

  @Test func ratesCountEndedSecondsOnly() {
    var ring = RunCountRing()
    for _ in 0..<4 { ring.started(0) }
    ring.started(1)
    ring.responded(1)
    ring.started(2)  // the open second
    let rates = ring.rates(endedBefore: 2, seconds: 5)
    #expect(rates.started == 2.5)
    #expect(rates.responded == 0.5)
    #expect(ring.rates(endedBefore: 0, seconds: 5).started == 0)
    // 400 s later the ring has moved on.
    #expect(ring.rates(endedBefore: 400, seconds: 300).started == 0)
  }
}
