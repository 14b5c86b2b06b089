import ExecutionCore
import Foundation
import Yams

/// The keys of each mapping in the format, in the order the README documents them.
enum FormatKeys {
  static let root = ["workflow", "description", "load", "queues", "response", "steps"]
  static let load = ["rate", "arrivals"]
  static let queue = ["workers", "capacity", "when-full"]
  static let step = [
    "id", "mode", "after", "queue", "timeout", "retry", "output-limit", "simulate", "exec", "http",
  ]
  /// The keys that say what a step does; a step has exactly one.
  static let kinds = ["simulate", "exec", "http"]
  static let retry = ["attempts", "backoff", "max-backoff"]
  static let simulate = ["latency", "failure-rate", "cpu", "output-size", "echo-input"]
  static let latency = ["p50", "p99", "min", "max"]
  static let exec = ["args", "shell", "env", "cwd", "kill-grace"]
  static let http = ["method", "url", "headers", "body", "timeout", "expect"]
}

extension NodeReader {
  /// Reads the whole document; problems go to `diagnostics`, what could be read is returned.
  mutating func readWorkflow(_ root: Node) -> ParsedWorkflow? {
    guard let fields = fields(root, of: "the workflow file", allowed: FormatKeys.root) else { return nil }
    var workflow = ParsedWorkflow(root: root)
    if let node = fields["workflow"] {
      if let name = identifier(node, "workflow name") { workflow.name = (name, node) }
    } else if fields.isMissing("workflow") {
      report(
        at: root, "missing \"workflow\": every file names its workflow",
        hint: "Add \"workflow: <name>\" at the top, using letters, digits, - and _.")
    }
    if let node = fields["description"], !isNull(node), let text = text(node, "description") {
      // Shown as is by `lanes workflows` and the dashboard: a control character there would act
      // on the terminal instead of being shown.
      // (A block scalar's final line break is not part of the line.)
      let line = text.trimmingCharacters(in: .newlines)
      if let control = line.unicodeScalars.first(where: TerminalText.acts) {
        report(
          at: node,
          "description contains the control character U+\(String(format: "%04X", control.value))",
          hint: "Write one line of plain text.")
      } else {
        workflow.description = text
      }
    }
    if let node = fields["load"] { readLoad(node, into: &workflow.load) }
    if let node = fields["queues"] { workflow.queues = readQueues(node) }
    if let node = fields["response"], let id = identifier(node, "response") { workflow.response = (id, node) }
    workflow.stepsNode = fields.entries["steps"]?.key
    if let node = fields["steps"] {
      if case .sequence(let sequence) = node, sequence.count > WorkflowLimits.steps {
        report(
          at: node,
          "the workflow has \(sequence.count) steps, too many: the limit is \(WorkflowLimits.steps)",
          hint:
            "Each step has its own metrics, history and dashboard row: split the workflow into several files."
        )
        return workflow
      } else if case .sequence(let sequence) = node {
        workflow.steps = sequence.map { readStep($0) }
      } else if !isNull(node) {
        report(
          at: node, "steps must be a list, got \(describe(node))",
          hint: "Write each step as \"- id: <name>\" on its own line below \"steps:\".")
        return workflow
      }
    }
    if workflow.steps.isEmpty {
      let name = workflow.name.map { "workflow \"\($0.value)\"" } ?? "the workflow"
      report(
        at: workflow.stepsNode ?? root, "\(name) has no steps",
        hint: "Add a \"steps:\" list with at least one step.")
    }
    return workflow
  }

  /// `load: { rate, arrivals }`.
  private mutating func readLoad(_ node: Node, into load: inout LoadDefinition) {
    guard let fields = fields(node, of: "load", allowed: FormatKeys.load) else { return }
    let rateHint = "Write runs per second, e.g. \"rate: 5\"."
    if let node = fields["rate"], let rate = number(node, "rate", hint: rateHint) {
      if rate > WorkflowLimits.rate {
        report(
          at: node,
          "rate \(describe(node)) is too large: the limit is \(Int(WorkflowLimits.rate)) runs per second",
          hint: "Above it the arrival clock cannot keep the rate; run several lanes processes for more.")
      } else if rate > 0 {
        load.rate = rate
      } else {
        report(
          at: node, "rate must be more than zero, got \(describe(node))", hint: rateHint)
      }
    }
    if let node = fields["arrivals"],
      let word = choice(node, "arrivals", from: ArrivalProcess.allCases.map(\.rawValue)),
      let arrivals = ArrivalProcess(rawValue: word)
    {
      load.arrivals = arrivals
    }
  }

  /// `queues: { name: { workers, capacity, when-full } }`.
  private mutating func readQueues(_ node: Node) -> [ParsedQueue] {
    if isNull(node) { return [] }
    guard case .mapping(let mapping) = node else {
      report(
        at: node, "queues must be a mapping of queue names to settings, got \(describe(node))",
        hint: "Write each queue name on its own line below \"queues:\", with workers and capacity.")
      return []
    }
    if mapping.count > WorkflowLimits.queues {
      report(
        at: node, "\(mapping.count) queues are declared, too many: the limit is \(WorkflowLimits.queues)",
        hint: "Each queue has its own workers, metrics and dashboard bar: let steps share queues.")
      return []
    }
    var queues: [ParsedQueue] = []
    for (key, value) in mapping {
      // A queue name written twice was reported, and its first declaration renamed to read on.
      if case .scalar(let scalar) = key, renamedDuplicateKeys.contains(scalar.string) { continue }
      guard let name = identifier(key, "queue name") else {
        if case .scalar(let scalar) = key { invalidQueueNames.append(scalar.string) }
        continue
      }
      queues.append(ParsedQueue(name: name, node: key, definition: readQueue(name, value, key: key)))
    }
    return queues
  }

  /// One queue's settings.
  private mutating func readQueue(_ name: String, _ node: Node, key: Node) -> QueueDefinition? {
    guard let fields = fields(node, of: "queue \"\(name)\"", allowed: FormatKeys.queue) else { return nil }
    let workers = positiveCount(
      fields, "workers", of: name,
      limit: WorkflowLimits.workers,
      missingHint: "Add \"workers: <n>\", how many of its steps run at once.",
      tooSmallHint: "A queue needs at least one worker to run its steps.",
      tooLargeHint:
        "Each worker is a task kept for the whole run; more workers than steps in flight only cost memory.")
    let capacity = positiveCount(
      fields, "capacity", of: name,
      limit: WorkflowLimits.capacity,
      missingHint: "Add \"capacity: <n>\", how many steps may wait in it.",
      tooSmallHint:
        "Capacity is how many steps may wait; choose what happens when it is full with \"when-full\".",
      tooLargeHint:
        "The queue's memory grows with what waits in it; choose what happens when it is full with \"when-full\"."
    )
    var whenFull = OverflowPolicy.reject
    if let node = fields["when-full"] {
      guard let word = choice(node, "when-full", from: OverflowPolicy.allCases.map(\.rawValue)),
        let policy = OverflowPolicy(rawValue: word)
      else { return nil }
      whenFull = policy
    }
    guard let workers, let capacity else { return nil }
    return QueueDefinition(name: name, workers: workers, capacity: capacity, whenFull: whenFull)
  }

  /// A required whole number from 1 to `limit`.
  private mutating func positiveCount(
    _ fields: Fields, _ key: String, of queue: String, limit: Int, missingHint: String, tooSmallHint: String,
    tooLargeHint: String
  ) -> Int? {
    guard let node = fields[key] else {
      if fields.isMissing(key) {
        report(at: fields.node, "queue \"\(queue)\" is missing \"\(key)\"", hint: missingHint)
      }
      return nil
    }
    return count(node, key, limit: limit, tooSmall: tooSmallHint, tooLarge: tooLargeHint)
  }
}
