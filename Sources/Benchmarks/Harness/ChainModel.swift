import ExecutionCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The distribution of a workflow's longest chain of steps, by Monte Carlo over the steps'
/// declared latency models: what an ideal runtime with zero overhead would answer in.
enum ChainModel {
  /// Samples the longest chain through the steps `include` accepts, `samples` times.
  static func longestChain(
    _ workflow: WorkflowDefinition, samples: Int, seed: UInt64, include: (StepDefinition) -> Bool
  ) -> BenchHistogram {
    var random = BenchRandom(seed: seed)
    var histogram = BenchHistogram()
    let order = topologicalOrder(workflow)
    let index = Dictionary(uniqueKeysWithValues: workflow.steps.enumerated().map { ($1.id, $0) })
    var finish = [Double](repeating: 0, count: workflow.steps.count)
    for _ in 0..<samples {
      var longest = 0.0
      for i in order {
        let step = workflow.steps[i]
        guard include(step) else {
          finish[i] = -1
          continue
        }
        var start = 0.0
        for dependency in step.after {
          if let d = index[dependency], finish[d] >= 0 { start = max(start, finish[d]) }
        }
        var own = 0.0
        if case .simulate(let spec) = step.action { own = sample(spec.latency, &random) }
        finish[i] = start + own
        longest = max(longest, finish[i])
      }
      histogram.record(nanoseconds: Int64(longest.rounded()))
    }
    return histogram
  }

  /// One draw from `model`, in nanoseconds.
  static func sample(_ model: LatencyModel, _ random: inout BenchRandom) -> Double {
    switch model {
    case .fixed(let duration):
      return duration.nanoseconds
    case .uniform(let low, let high):
      return Double.random(in: low.nanoseconds...max(low.nanoseconds, high.nanoseconds), using: &random)
    case .logNormal(let p50, let p99):
      let mu = log(p50.nanoseconds)
      let sigma = max(0, log(p99.nanoseconds / p50.nanoseconds) / 2.326_347_874_040_840_8)
      // Box-Muller.
      let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random)
      let u2 = Double.random(in: 0..<1, using: &random)
      let normal = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
      return exp(mu + sigma * normal)
    }
  }

  /// Step indices with every step after the steps it waits on.
  static func topologicalOrder(_ workflow: WorkflowDefinition) -> [Int] {
    let index = Dictionary(uniqueKeysWithValues: workflow.steps.enumerated().map { ($1.id, $0) })
    var state = [Int](repeating: 0, count: workflow.steps.count)
    var order: [Int] = []
    func visit(_ i: Int) {
      guard state[i] == 0 else { return }
      state[i] = 1
      for dependency in workflow.steps[i].after { if let d = index[dependency] { visit(d) } }
      state[i] = 2
      order.append(i)
    }
    for i in workflow.steps.indices { visit(i) }
    return order
  }
}
