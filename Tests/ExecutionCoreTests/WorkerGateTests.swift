import Testing

@testable import ExecutionCore

/// The buffer between a store-fed queue's feeder and its workers: how much it asks to claim.
@Suite("Worker gate: claiming ahead")
struct WorkerGateTests {
  func step(_ id: Int64) -> ClaimedStep {
    ClaimedStep(
      claim: StepClaim(id: id, attempt: 1), runID: UInt64(id), workflow: "w", step: "s", data: StepInput(),
      readySinceNs: 0)
  }

  @Test("a store only this process uses: always up to claimAhead beyond the waiting workers")
  func fixedDepth() async {
    let gate = WorkerGate(workers: 1)
    gate.configure(ahead: 128, byPace: false)
    #expect(await gate.want() == 128)
  }

  @Test("a shared store: nothing ahead while the workers are slow, a deep buffer once they are fast")
  func byPace() async throws {
    let gate = WorkerGate(workers: 1)
    gate.configure(ahead: 128, byPace: true)
    // No pace yet: a worker that waits gets one step claimed for it, nothing ahead.
    let waiting = Task { await gate.next(paused: false) }
    #expect(await gate.want() == 1)
    #expect(gate.hand([step(0)]).isEmpty)
    #expect(await waiting.value?.claim.id == 0)
    // A slow pace (one step taken) still holds nothing ahead.
    let slow = Task { await gate.next(paused: false) }
    #expect(await gate.want() == 1)
    #expect(gate.hand([step(1)]).isEmpty)
    _ = await slow.value
    // A fast one: 400 steps taken at once is 100 per 25 ms, so the feeder holds 100 ahead.
    #expect(gate.hand((2..<402).map(step)).isEmpty)
    for _ in 0..<400 { #expect(gate.take(paused: false) != nil) }
    let wanted = try #require(await gate.want())
    #expect(wanted >= 100 && wanted <= 128, "wanted \(wanted)")
    _ = gate.close()
  }
}

@Suite("Worker gate: a row claimed again")
struct WorkerGateReclaimTests {
  @Test("a row claimed again replaces its obsolete buffered copy")
  func reclaimedReplaces() {
    let gate = WorkerGate(workers: 1)
    gate.configure(ahead: 8, byPace: false)
    func step(_ id: Int64, attempt: Int) -> ClaimedStep {
      ClaimedStep(
        claim: StepClaim(id: id, attempt: attempt), runID: UInt64(id), workflow: "w", step: "s",
        data: StepInput(), readySinceNs: 0)
    }
    #expect(gate.hand([step(1, attempt: 1), step(2, attempt: 1)]).isEmpty)
    #expect(gate.hand([step(1, attempt: 1), step(3, attempt: 1)]).isEmpty)
    var taken: [Int64] = []
    while let next = gate.take(paused: false) { taken.append(next.claim.id) }
    #expect(taken == [2, 1, 3])
  }
}
