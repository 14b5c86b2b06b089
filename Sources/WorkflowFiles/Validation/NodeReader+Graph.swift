import ExecutionCore
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
          let others = order.filter { $0 != id.value }
          let hint =
            Suggestion.didYouMean(entry.id, in: others)
            ?? (others.isEmpty
              ? "This workflow has no other steps." : "Steps in this workflow: \(Suggestion.list(others)).")
          report(at: entry.node, "step \"\(id.value)\" is after unknown step \"\(entry.id)\"", hint: hint)
        }
      }
      dependencies[id.value] = known
    }
    checkCycles(order: order, dependencies: dependencies)
    checkHiddenDependencies(order: order, dependencies: dependencies, modes: modes)
  }

  /// Reports each dependency cycle once, as `a → b → c → a` in run order.
  private mutating func checkCycles(order: [String], dependencies: [String: [(id: String, node: Node)]]) {
    enum Color { case white, grey, black }
    var color = Dictionary(uniqueKeysWithValues: order.map { ($0, Color.white) })
    var stack: [String] = []
    var cycles: [[String]] = []
    func visit(_ step: String) {
      color[step] = .grey
      stack.append(step)
      for dependency in dependencies[step] ?? [] {
        switch color[dependency.id] {
        case .white?: visit(dependency.id)
        case .grey?:
          // The stack from `dependency` to `step` is a chain of "depends on"; run order is its reverse.
          let start = stack.lastIndex(of: dependency.id)!
          cycles.append(Array(stack[start...].reversed()))
        default: break
        }
      }
      stack.removeLast()
      color[step] = .black
    }
    for step in order where color[step] == .white { visit(step) }
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    for cycle in cycles {
      // Start the cycle at its earliest step in the file, so the message reads from the top.
      let first = cycle.indices.min { position[cycle[$0]]! < position[cycle[$1]]! }!
      let rotated = Array(cycle[first...] + cycle[..<first])
      let head = rotated[0]
      let previous = rotated[rotated.count - 1]
      let path = (rotated + [head]).joined(separator: " → ")
      guard let edge = dependencies[head]?.first(where: { $0.id == previous }) else { continue }
      let hint =
        head == previous
        ? "A step cannot wait for itself: remove \"\(head)\" from its own after list."
        : "Break the cycle: remove \"\(previous)\" from the after list of \"\(head)\", or another link of it."
      report(at: edge.node, "steps depend on each other in a cycle: \(path)", hint: hint)
    }
  }

  /// A blocking step that waits, directly or through other steps, on a background step.
  private mutating func checkHiddenDependencies(
    order: [String], dependencies: [String: [(id: String, node: Node)]], modes: [String: StepMode]
  ) {
    for step in order where modes[step] == .blocking {
      // Breadth-first over "depends on", so the reported chain is the shortest one.
      var parent: [String: String] = [step: step]
      var queue = [step]
      var found: String?
      var head = 0
      search: while head < queue.count {
        let current = queue[head]
        head += 1
        for dependency in dependencies[current] ?? [] where parent[dependency.id] == nil {
          parent[dependency.id] = current
          if modes[dependency.id] == .background {
            found = dependency.id
            break search
          }
          queue.append(dependency.id)
        }
      }
      guard let background = found else { continue }
      var chain = [background]
      while let last = chain.last, last != step { chain.append(parent[last]!) }
      // chain runs background ... step; the first link from `step` is the entry to point at.
      let via = chain[chain.count - 2]
      guard let entry = dependencies[step]?.first(where: { $0.id == via }) else { continue }
      let forbidden = "the response would wait on background work, the hidden dependency Lanes forbids"
      if via == background {
        report(
          at: entry.node,
          "blocking step \"\(step)\" depends on background step \"\(background)\": \(forbidden)",
          hint: "Make \"\(step)\" background, or remove \"\(background)\" from its after list.")
      } else {
        let path = chain.joined(separator: " → ")
        report(
          at: entry.node,
          "blocking step \"\(step)\" depends on background step \"\(background)\" through \(path): \(forbidden)",
          hint: "Make \"\(step)\" background, or remove \"\(via)\" from its after list.")
      }
    }
  }
}
