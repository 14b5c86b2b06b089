import ExecutionCore
import StepKinds
import Yams

/// A workflow as read, before cross-checks: every value may be missing, every value keeps its node.
struct ParsedWorkflow {
  /// The root mapping.
  var root: Node
  /// The workflow's name and where it is written.
  var name: (value: String, node: Node)?
  /// One line for people.
  var description = ""
  /// The default load.
  var load = LoadDefinition(rate: 1, arrivals: .poisson)
  /// Declared queues, in file order; nil definitions had errors.
  var queues: [ParsedQueue] = []
  /// The `steps` value, for "no steps" positions.
  var stepsNode: Node?
  /// The steps, in file order.
  var steps: [ParsedStep] = []
  /// `response: STEP_ID` and where it is written.
  var response: (id: String, node: Node)?
}

/// A declared queue.
struct ParsedQueue {
  /// The queue's name.
  var name: String
  /// The key node naming it.
  var node: Node
  /// The definition, or nil if it had errors.
  var definition: QueueDefinition?
}

/// A step as read.
struct ParsedStep {
  /// The step's mapping.
  var node: Node
  /// Its id and the node it is written at.
  var id: (value: String, node: Node)?
  /// Blocking or background.
  var mode: StepMode?
  /// Dependencies with the nodes they are written at.
  var after: [(id: String, node: Node)] = []
  /// The queue name and its node.
  var queue: (name: String, node: Node)?
  /// Whether a `queue` key was written, even with a name that was refused.
  var queueWritten = false
  /// Attempt timeout.
  var timeout: Duration?
  /// Retry policy (defaults when absent).
  var retry = RetryPolicy.none
  /// What it does: simulate, exec or http (nil when missing, doubled or wrong).
  var kind: StepKind?
  /// `output-limit` in bytes (nil: the default).
  var outputLimit: Int?
  /// The references to data its http URL, headers and body hold, each with its node and key.
  var references: [(reference: DataReference, node: Node, place: String)] = []

  /// The step for messages: `step "auth"`, or `the step at line 12` when it has no id.
  var displayName: String {
    if let id { return "step \"\(id.value)\"" }
    return "the step at line \(node.mark?.line ?? 0)"
  }
}
