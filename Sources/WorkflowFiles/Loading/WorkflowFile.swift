import ExecutionCore

/// One parsed and validated workflow file: its workflow and the queues it declares.
public struct WorkflowFile: Sendable {
  /// The file as the caller named it.
  public var file: String
  /// The workflow.
  public var workflow: WorkflowDefinition
  /// The queues the file declares, in file order.
  public var queues: [QueueDefinition]
  /// What each step (by id) was declared to do; its `action` is what the workflow runs.
  public var kinds: [String: StepKind]

  /// Where the workflow's name is written, for errors that span files.
  var workflowLocation: Diagnostic.Location
  /// Where each queue is declared, for errors that span files.
  var queueLocations: [String: Diagnostic.Location]

  /// The file as a topology of its own.
  public var topology: Topology { Topology(workflows: [workflow], queues: queues) }
}

/// The text of a workflow file and the name to report it under.
public struct WorkflowSource: Sendable, Hashable {
  /// The file as it should appear in diagnostics (a path, or a built-in file name).
  public var file: String
  /// The raw bytes; validated as UTF-8 when parsed.
  public var bytes: [UInt8]

  /// A source from bytes (as read from disk).
  public init(file: String, bytes: [UInt8]) {
    self.file = file
    self.bytes = bytes
  }

  /// A source from text.
  public init(file: String, text: String) {
    self.init(file: file, bytes: Array(text.utf8))
  }
}
