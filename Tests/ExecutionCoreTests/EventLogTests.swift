import Testing

@testable import ExecutionCore

@Suite struct EventLogTests {
  @Test func routineFloodKeepsFailures() {
    let log = EventLog(capacity: 8)
    for i in 0..<5 { log.add(time: .zero, severity: .error, kind: .runFailed, message: "fail \(i)") }
    for i in 0..<100 { log.add(time: .zero, severity: .warning, kind: .stepRetried, message: "retry \(i)") }
    let events = log.events()
    #expect(events.count == 8)
    #expect(events.filter { $0.severity == .error }.count == 5)
    #expect(events.last?.message == "retry 99")
    #expect(events.map(\.sequence) == events.map(\.sequence).sorted())
  }

  @Test func failureFloodKeepsSomeRoutineEvents() {
    let log = EventLog(capacity: 8)
    log.add(time: .zero, severity: .info, kind: .queuePaused, message: "paused")
    for i in 0..<100 { log.add(time: .zero, severity: .error, kind: .stepDeadLettered, message: "dead \(i)") }
    let events = log.events()
    #expect(events.count == 8)
    #expect(events.first?.message == "paused")
    #expect(events.last?.message == "dead 99")
  }

  @Test func backoffIsFullJitterWithinTheCap() {
    let policy = RetryPolicy(attempts: 10, backoff: .milliseconds(10), maxBackoff: .milliseconds(50))
    var seen = Set<Duration>()
    for run in 0..<50 as Range<UInt64> {
      for attempt in 1...6 {
        let delay = SeededRandom.backoff(
          policy, failedAttempt: attempt, seed: 1, workflow: 0, run: run, step: 0)
        let ceiling = min(Duration.milliseconds(50), .milliseconds(10) * (1 << (attempt - 1)))
        #expect(delay >= .zero && delay <= ceiling)
        seen.insert(delay)
      }
    }
    #expect(seen.count > 100)
  }

  @Test func logNormalMatchesItsPercentiles() {
    var samples: [Double] = []
    for run in 0..<20_000 as Range<UInt64> {
      samples.append(
        SeededRandom.latency(
          .logNormal(p50: .milliseconds(10), p99: .milliseconds(100)), seed: 3, workflow: 0, run: run,
          step: 0,
          attempt: 1
        ).milliseconds)
    }
    samples.sort()
    let p50 = samples[samples.count / 2]
    let p99 = samples[samples.count * 99 / 100]
    #expect(p50 > 9 && p50 < 11)
    #expect(p99 > 80 && p99 < 125)
  }
}
