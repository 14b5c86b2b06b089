import ExecutionCore
import StepKinds
import Yams

extension NodeReader {
  /// Duplicate ids, unknown dependencies, cycles, and blocking steps that wait on background work.
  mutating func checkGraph(of workflow: ParsedWorkflow) {
    // The first step with an id owns it; later duplicates are reported and left out of the graph.
    var index: [String: Int] = [:]
    var order: [String] = []
    for (position, step) in workflow.steps.enumerated() {
      guard let id = step.id else { continue }
      if let first = index[id.value] {
        let firstLine = workflow.steps[first].id?.node.mark?.line ?? 0
        let line = id.node.mark?.line ?? 0
        report(
          at: id.node, "step id \"\(id.value)\" is used twice, at lines \(firstLine) and \(line)",
          hint: "Give each step its own id.")
      } else {
        index[id.value] = position
        order.append(id.value)
      }
    }
    // Dependencies by id, only those that name a known step.
    var dependencies: [String: [(id: String, node: Node)]] = [:]
    var modes: [String: StepMode] = [:]
    for (position, step) in workflow.steps.enumerated() {
      guard let id = step.id, index[id.value] == position else { continue }
      modes[id.value] = step.mode
      var known: [(id: String, node: Node)] = []
      for entry in step.after {
        if index[entry.id] != nil {
          known.append(entry)
        } else {
          // Suggestions and lists are for workflows a person reads; past that they cost more than they help.
          let others = order.count <= 200 ? order.filter { $0 != id.value } : []
          let hint =
            Suggestion.didYouMean(entry.id, in: others)
            ?? (order.count > 200
              ? "This workflow has \(order.count) steps: check the spelling."
              : others.isEmpty
                ? "This workflow has no other steps."
                : others.count > 20
                  ? "Check the spelling: this workflow has \(order.count) steps."
                  : "Steps in this workflow: \(Suggestion.list(others)).")
          report(at: entry.node, "step \"\(id.value)\" is after unknown step \"\(entry.id)\"", hint: hint)
        }
      }
      dependencies[id.value] = known
    }
    checkCycles(order: order, dependencies: dependencies)
    checkHiddenDependencies(order: order, dependencies: dependencies, modes: modes)
    checkReferences(of: workflow, index: index, order: order, dependencies: dependencies)
    checkResponse(of: workflow, order: order, modes: modes)
  }

  /// Every `${steps.ID.output}` must name a step the reader depends on, directly or through
  /// others: reading any other step's output is a hidden dependency.
  private mutating func checkReferences(
    of workflow: ParsedWorkflow, index: [String: Int], order: [String],
    dependencies: [String: [(id: String, node: Node)]]
  ) {
    let readers = workflow.steps.enumerated().filter { position, step in
      guard let id = step.id, index[id.value] == position else { return false }
      return step.references.contains { $0.reference.step != nil }
    }
    guard !readers.isEmpty else { return }
    let ancestors = Ancestors(order: order, dependencies: dependencies)
    for (_, step) in readers {
      guard let id = step.id else { continue }
      for (reference, node, place) in step.references {
        guard let target = reference.step else { continue }
        let at = location(of: node, characterOffset: Self.offset(of: reference, in: node))
        if index[target] == nil {
          let others = order.count <= 200 ? order.filter { $0 != id.value } : []
          let hint =
            Suggestion.didYouMean(target, in: others)
            ?? (order.count <= 1 ? "This workflow has no other steps." : "Check the step id.")
          diagnostics.append(
            Diagnostic(
              file: file, location: at,
              message:
                "step \"\(id.value)\" reads the output of unknown step \"\(target)\" in its \(place) (\(reference))",
              hint: hint))
        } else if target == id.value {
          diagnostics.append(
            Diagnostic(
              file: file, location: at,
              message: "step \"\(id.value)\" reads its own output in its \(place) (\(reference))",
              hint: "A step's output exists only once it has run: read the input or a dependency's output."))
        } else if ancestors.contains(target, before: id.value) == false {
          let listed = (step.after.map(\.id) + [target]).joined(separator: ", ")
          diagnostics.append(
            Diagnostic(
              file: file, location: at,
              message:
                "step \"\(id.value)\" reads the output of \"\(target)\" in its \(place), which it does not depend on: the hidden dependency Lanes forbids",
              hint: "Add \(target) to its after list: \"after: [\(listed)]\"."))
        }
      }
    }
  }

  /// The character offset of `reference` as written in a scalar node (its first occurrence), 0 if
  /// it cannot be found as written.
  static func offset(of reference: DataReference, in node: Node) -> Int {
    guard case .scalar(let scalar) = node else { return 0 }
    let written = reference.description
    guard let range = scalar.string.range(of: written) else {
      // Written with the ".output" field path elided differently? Point at the scalar's start.
      return 0
    }
    return scalar.string.distance(from: scalar.string.startIndex, to: range.lowerBound)
  }

  /// `response: STEP_ID` must name a blocking step of the workflow.
  private mutating func checkResponse(of workflow: ParsedWorkflow, order: [String], modes: [String: StepMode])
  {
    guard let (id, node) = workflow.response else { return }
    guard let mode = modes[id] else {
      let blocking = order.filter { modes[$0] == .blocking }
      let hint =
        Suggestion.didYouMean(id, in: blocking)
        ?? (blocking.isEmpty
          ? "This workflow has no blocking step: make one blocking, or remove \"response\"."
          : "Name a blocking step: \(Suggestion.list(Array(blocking.prefix(20)))).")
      report(at: node, "response names unknown step \"\(id)\"", hint: hint)
      return
    }
    if mode == .background {
      report(
        at: node,
        "response names background step \"\(id)\": the response is sent before background steps run",
        hint: "Name a blocking step, or make \"\(id)\" blocking.")
    }
  }

  /// Reports each dependency cycle once, as `a → b → c → a` in run order.
  ///
  /// Depth-first with an explicit stack (a 10,000-step chain must not recurse 10,000 deep), linear in
  /// steps and dependencies.
  private mutating func checkCycles(order: [String], dependencies: [String: [(id: String, node: Node)]]) {
    enum Color { case white, grey, black }
    var color = Dictionary(uniqueKeysWithValues: order.map { ($0, Color.white) })
    // The grey path, with each step's position on it, and how far through its dependencies each is.
    var path: [String] = []
    var pathIndex: [String: Int] = [:]
    var cycles: [[String]] = []
    for root in order where color[root] == .white {
      var frames: [(step: String, next: Int)] = [(root, 0)]
      color[root] = .grey
      pathIndex[root] = path.count
      path.append(root)
      while let frame = frames.last {
        let edges = dependencies[frame.step] ?? []
        guard frame.next < edges.count else {
          frames.removeLast()
          path.removeLast()
          pathIndex[frame.step] = nil
          color[frame.step] = .black
          continue
        }
        frames[frames.count - 1].next += 1
        let dependency = edges[frame.next].id
        switch color[dependency] {
        case .white?:
          color[dependency] = .grey
          pathIndex[dependency] = path.count
          path.append(dependency)
          frames.append((dependency, 0))
        case .grey?:
          // The path from `dependency` to this step is a chain of "depends on"; run order is its reverse.
          let start = pathIndex[dependency]!
          cycles.append(Array(path[start...].reversed()))
        default: break
        }
      }
    }
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    for cycle in cycles {
      // Start the cycle at its earliest step in the file, so the message reads from the top.
      let first = cycle.indices.min { position[cycle[$0]]! < position[cycle[$1]]! }!
      let rotated = Array(cycle[first...] + cycle[..<first])
      let head = rotated[0]
      let previous = rotated[rotated.count - 1]
      let path = Self.chainText(rotated + [head])
      guard let edge = dependencies[head]?.first(where: { $0.id == previous }) else { continue }
      let hint =
        head == previous
        ? "A step cannot wait for itself: remove \"\(head)\" from its own after list."
        : "Break the cycle: remove \"\(previous)\" from the after list of \"\(head)\", or another link of it."
      report(at: edge.node, "steps depend on each other in a cycle: \(path)", hint: hint)
    }
  }

  /// A blocking step that waits, directly or through other steps, on a background step.
  ///
  /// One breadth-first search from every background step at once, along "is depended on by", gives
  /// each step its shortest distance to background work and the next step towards it: linear in
  /// steps and dependencies, however long the chains (a search per blocking step was quadratic).
  private mutating func checkHiddenDependencies(
    order: [String], dependencies: [String: [(id: String, node: Node)]], modes: [String: StepMode]
  ) {
    var dependents: [String: [String]] = [:]
    for step in order {
      for dependency in dependencies[step] ?? [] { dependents[dependency.id, default: []].append(step) }
    }
    var distance: [String: Int] = [:]
    var queue = order.filter { modes[$0] == .background }
    for step in queue { distance[step] = 0 }
    var head = 0
    while head < queue.count {
      let current = queue[head]
      head += 1
      for dependent in dependents[current] ?? [] where distance[dependent] == nil {
        // Background steps are sources at distance 0 and never reached through others.
        distance[dependent] = distance[current]! + 1
        queue.append(dependent)
      }
    }
    // The next step towards background work: the first in the after list one step closer.
    func next(_ step: String) -> (id: String, node: Node)? {
      guard let own = distance[step], own > 0 else { return nil }
      return dependencies[step]?.first { distance[$0.id] == own - 1 }
    }
    // The background step each step's chain ends at, filled in order of distance (linear).
    var target: [String: String] = [:]
    for step in queue {
      target[step] = modes[step] == .background ? step : next(step).flatMap { target[$0.id] }
    }
    for step in order where modes[step] == .blocking {
      guard let entry = next(step), let background = target[step], let length = distance[step].map({ $0 + 1 })
      else { continue }
      // Walk at most eight links, so that reporting every step of a long chain stays linear.
      var walk = [step]
      while walk.count < min(length, 8), let link = next(walk[walk.count - 1]) { walk.append(link.id) }
      let forbidden = "the response would wait on background work, the hidden dependency Lanes forbids"
      if entry.id == background {
        report(
          at: entry.node,
          "blocking step \"\(step)\" depends on background step \"\(background)\": \(forbidden)",
          hint: "Make \"\(step)\" background, or remove \"\(background)\" from its after list.")
      } else {
        let path =
          length <= 8
          ? walk.reversed().joined(separator: " → ")
          : ([background, "… (\(length - 4) more) …"] + walk.prefix(3).reversed()).joined(separator: " → ")
        report(
          at: entry.node,
          "blocking step \"\(step)\" depends on background step \"\(background)\" through \(path): \(forbidden)",
          hint: "Make \"\(step)\" background, or remove \"\(entry.id)\" from its after list.")
      }
    }
  }

  /// `a → b → c`; a chain longer than eight steps shows its ends around `… (n more) …`, so each
  /// message stays short however long the chain.
  static func chainText(_ chain: [String]) -> String {
    guard chain.count > 8 else { return chain.joined(separator: " → ") }
    let middle = "… (\(chain.count - 6) more) …"
    return (chain.prefix(3) + [middle] + chain.suffix(3)).joined(separator: " → ")
  }
}

/// Which steps each step depends on, directly or through others: one bit set per step, filled in
/// dependency order, so each question is one bit test. Linear in steps times dependencies (in words
/// of 64 steps): a 10,000-step chain whose every step reads the first is checked in milliseconds,
/// where a walk per reference would be quadratic. 12.5 MB at the 10,000-step limit, and only built
/// when some step reads another's output.
struct Ancestors {
  private let position: [String: Int]
  private let words: Int
  private var bits: [UInt64]
  /// Steps whose bits are complete (not on or after a cycle).
  private let known: [Bool]

  init(order: [String], dependencies: [String: [(id: String, node: Node)]]) {
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    let count = order.count
    let words = (count + 63) / 64
    let edges = order.map { (dependencies[$0] ?? []).compactMap { position[$0.id] } }
    var bits = [UInt64](repeating: 0, count: count * words)
    // Kahn's order: each step after its dependencies. Steps on a cycle (reported already), and
    // those after one, are never reached: their questions get no answer rather than a wrong one.
    var dependents = [[Int]](repeating: [], count: count)
    var waiting = edges.map(\.count)
    for (step, list) in edges.enumerated() { for dependency in list { dependents[dependency].append(step) } }
    var ready = (0..<count).filter { waiting[$0] == 0 }
    var head = 0
    while head < ready.count {
      let step = ready[head]
      head += 1
      let base = step * words
      for dependency in edges[step] {
        let from = dependency * words
        for word in 0..<words { bits[base + word] |= bits[from + word] }
        bits[base + dependency / 64] |= 1 << UInt64(dependency % 64)
      }
      for dependent in dependents[step] {
        waiting[dependent] -= 1
        if waiting[dependent] == 0 { ready.append(dependent) }
      }
    }
    var known = [Bool](repeating: false, count: count)
    for step in ready { known[step] = true }
    self.position = position
    self.words = words
    self.bits = bits
    self.known = known
  }

  /// Whether `step` depends on `ancestor`, directly or through others; nil when a cycle leaves it
  /// unknown.
  func contains(_ ancestor: String, before step: String) -> Bool? {
    guard let a = position[ancestor], let s = position[step], known[s] else { return nil }
    return bits[s * words + a / 64] & (1 << UInt64(a % 64)) != 0
  }
}
