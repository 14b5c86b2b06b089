#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Runtime {
  /// Starts runs of `workflow` at intended times t0 + gaps (open loop: never waits for earlier
  /// runs) until `runs` have started or `duration` has passed, in the caller's task. Returns when
  /// the last one has started, not finished. Rejected runs are counted and skipped.
  public func drive(
    workflow name: String, rate: Double, arrivals: ArrivalProcess = .constant, runs: Int? = nil,
    duration: Duration? = nil
  ) async {
    guard rate > 0, let workflow = try? workflow(named: name) else { return }
    let epoch = workflow.control.withLock { control -> UInt64 in
      control.epoch += 1
      return control.epoch
    }
    let t0 = nowNs
    let end = duration.map { t0 + Int64($0.nanoseconds) }
    var intended = t0
    var count = 0
    while runs.map({ count < $0 }) ?? true {
      if let end, intended >= end { break }
      if runs == nil && end == nil { break }
      do { try await clock.sleep(until: .nanoseconds(intended)) } catch { return }
      if global.withLock({ $0.shuttingDown }) { return }
      startRun(workflow, intendedNs: intended)
      intended += gap(workflow, rate: rate, arrivals: arrivals, epoch: epoch, index: count)
      count += 1
    }
  }

  /// The time to the next arrival, in nanoseconds.
  func gap(_ workflow: WorkflowRuntime, rate: Double, arrivals: ArrivalProcess, epoch: UInt64, index: Int)
    -> Int64
  {
    let mean = 1e9 / rate
    // Clamped: a tiny rate (5e-324 from an API caller) makes the gap infinite or past Int64, and
    // converting that traps. 1e18 ns (31 years) is as good as never.
    func nanoseconds(_ value: Double) -> Int64 {
      value.isFinite ? Int64(min(max(1, value), 1e18)) : Int64(1e18)
    }
    switch arrivals {
    case .constant:
      return nanoseconds(mean)
    case .poisson:
      let u = SeededRandom.unit(
        seed: options.seed, workflow: workflow.index, run: epoch, step: -1, attempt: index, purpose: .arrival)
      return nanoseconds(-log(1 - u) * mean)
    }
  }

  /// Replaces `workflow`'s generator with one at `rate` (0: none).
  func applyRate(_ workflow: WorkflowRuntime, rate: Double, arrivals: ArrivalProcess, announce: Bool) {
    let rate = rate.isFinite ? max(0, rate) : 0
    let shuttingDown = global.withLock { $0.shuttingDown }
    let t0 = nowNs
    let old = workflow.control.withLock { control -> Task<Void, Never>? in
      let old = control.generator
      control.generator = nil
      control.rate = rate
      control.arrivals = arrivals
      control.epoch += 1
      if rate > 0 && !shuttingDown {
        let epoch = control.epoch
        control.generator = Task { [self] in
          await self.generate(workflow, rate: rate, arrivals: arrivals, epoch: epoch, t0: t0)
        }
      }
      return old
    }
    old?.cancel()
    if announce {
      event(
        .info, .rateChanged,
        "\(workflow.name): rate \(NumberText.fixed(rate, decimals: rate < 10 ? 1 : 0))/s")
    }
  }

  private func generate(
    _ workflow: WorkflowRuntime, rate: Double, arrivals: ArrivalProcess, epoch: UInt64, t0: Int64
  ) async {
    var intended = t0
    var index = 0
    while !Task.isCancelled {
      intended += gap(workflow, rate: rate, arrivals: arrivals, epoch: epoch, index: index)
      index += 1
      do { try await clock.sleep(until: .nanoseconds(intended)) } catch { return }
      // A paused workflow takes no generated runs; that is not a rejection.
      startRun(workflow, intendedNs: intended, countPaused: false)
    }
  }
}
