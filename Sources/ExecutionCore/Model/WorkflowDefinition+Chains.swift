extension LatencyModel {
  /// The median of the distribution: what a typical attempt takes.
  public var median: Duration {
    switch self {
    case .fixed(let duration): return duration
    case .uniform(let low, let high): return (low + high) / 2
    case .logNormal(let p50, _): return p50
    }
  }
}

/// A path through a workflow's steps and its expected length.
public struct StepChain: Sendable, Hashable {
  /// Step ids, first to last.
  public var steps: [String]
  /// The sum of the steps' median latencies (steps without a modelled latency count as zero).
  public var expected: Duration
  /// Steps on the chain whose latency is not modelled (processes, HTTP calls, Swift closures).
  public var unmodelled: [String]

  /// Creates a chain.
  public init(steps: [String], expected: Duration, unmodelled: [String] = []) {
    self.steps = steps
    self.expected = expected
    self.unmodelled = unmodelled
  }

  /// The expected length, or nil when a step on the chain has no modelled latency.
  public var estimate: Duration? { unmodelled.isEmpty ? expected : nil }
}

extension WorkflowDefinition {
  /// The longest chain of blocking steps, by median latency: what a hybrid run's response waits for.
  public var longestBlockingChain: StepChain {
    longestChain { $0.mode == .blocking }
  }

  /// The longest chain of all steps, by median latency: what an all-sync run's response waits for.
  public var longestChainOfAllSteps: StepChain {
    longestChain { _ in true }
  }

  /// The longest path through the steps that `include` accepts, following `after` edges.
  /// Steps whose latency isn't simulated count as zero and are listed in `unmodelled`. Cycles
  /// (rejected by validation) are cut.
  public func longestChain(where include: (StepDefinition) -> Bool) -> StepChain {
    longestChain(where: include) { _, spec in spec.latency.median }
  }

  /// `longestChain(where:)` with each simulated step taking `latency(index, spec)`.
  func longestChain(
    where include: (StepDefinition) -> Bool, latency: (_ index: Int, SimulateSpec) -> Duration
  ) -> StepChain {
    let byID = Dictionary(
      steps.enumerated().map { ($1.id, (index: $0, step: $1)) }, uniquingKeysWith: { first, _ in first })
    var memo: [String: StepChain] = [:]
    var visiting: Set<String> = []

    func chain(endingAt id: String) -> StepChain? {
      if let known = memo[id] { return known }
      guard let (index, step) = byID[id], include(step), !visiting.contains(id) else { return nil }
      visiting.insert(id)
      defer { visiting.remove(id) }
      var best = StepChain(steps: [], expected: .zero)
      for dependency in step.after {
        if let before = chain(endingAt: dependency),
          before.expected > best.expected || best.steps.isEmpty
            || (before.expected == best.expected && before.steps.count > best.steps.count)
        {
          best = before
        }
      }
      var own = Duration.zero
      var unmodelled = best.unmodelled
      if case .simulate(let spec) = step.action { own = latency(index, spec) } else { unmodelled.append(id) }
      let result = StepChain(steps: best.steps + [id], expected: best.expected + own, unmodelled: unmodelled)
      memo[id] = result
      return result
    }

    var longest = StepChain(steps: [], expected: .zero)
    for step in steps {
      // On equal length the chain with more steps wins, so steps without a modelled latency
      // (counted as zero) still appear, and make the estimate unknown.
      if let candidate = chain(endingAt: step.id),
        candidate.expected > longest.expected
          || (candidate.expected == longest.expected && candidate.steps.count > longest.steps.count)
      {
        longest = candidate
      }
    }
    return longest
  }
}

extension WorkflowDefinition {
  /// What a runtime with no overhead of its own would answer one run in: the longest chain of the
  /// steps that run on the critical path in `mode` (blocking steps in hybrid, every step in
  /// all-sync), with the latencies `Runtime` draws for that run's first attempts under `seed`.
  ///
  /// `workflowIndex` is the workflow's position in its topology and `run` the run's position among
  /// that workflow's runs (from 0), as the runtime numbers them. Steps without a latency model
  /// count as zero; a run whose attempts fail and retry takes longer than this.
  public func idealResponse(seed: UInt64, workflowIndex: Int, run: UInt64, mode: ExecutionMode) -> Duration {
    longestChain(where: { mode == .allSync || $0.mode == .blocking }) { index, spec in
      SeededRandom.latency(
        spec.latency, seed: seed, workflow: workflowIndex, run: run, step: index, attempt: 1)
    }.expected
  }
}
