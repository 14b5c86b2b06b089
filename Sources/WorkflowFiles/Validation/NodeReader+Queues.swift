import ExecutionCore
import Yams

extension NodeReader {
  /// Each step's queue against the file's declared queues and the step's mode.
  mutating func checkQueues(of workflow: ParsedWorkflow) {
    // Yams rejects duplicate keys, so each name appears once.
    let declared = workflow.queues.map(\.name)
    let declaredSet = Set(declared)
    let declaredList: String
    if declared.count > 20 {
      declaredList = "This file declares \(declared.count) queues."
    } else if !declared.isEmpty {
      declaredList = "Declared queues: \(Suggestion.list(declared))."
    } else if !invalidQueueNames.isEmpty {
      declaredList = "The queues declared in this file have names that are not valid: fix those first."
    } else {
      declaredList = "No queues are declared in this file."
    }
    // Suggestions compare against every queue; past a few hundred that costs more than it helps.
    let suggest = declared.count <= 200
    for step in workflow.steps {
      guard let mode = step.mode else { continue }
      switch (mode, step.queue) {
      case (.blocking, let queue?):
        report(
          at: queue.node, "blocking \(step.displayName) has a queue (\"\(queue.name)\")",
          hint:
            "Blocking steps run on the critical path, not on a queue: remove \"queue\", or make the step background."
        )
      case (.background, nil) where !step.queueWritten:
        report(
          at: step.id?.node ?? step.node, "background \(step.displayName) has no queue",
          hint: "Add \"queue: <name>\" naming a queue declared under \"queues:\". \(declaredList)")
      case (.background, let queue?) where !declaredSet.contains(queue.name):
        let guess = suggest ? Suggestion.didYouMean(queue.name, in: declared).map { $0 + " " } ?? "" : ""
        let hint =
          declared.isEmpty && invalidQueueNames.isEmpty
          ? "Declare it under \"queues:\" with workers and capacity; no queues are declared in this file."
          : guess + declaredList
        report(at: queue.node, "\(step.displayName) uses unknown queue \"\(queue.name)\"", hint: hint)
      default:
        break
      }
    }
  }
}
