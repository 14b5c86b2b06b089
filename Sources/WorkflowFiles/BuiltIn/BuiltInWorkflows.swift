/// A workflow shipped inside the binary: the text of one `examples/*.yaml` file.
public struct BuiltInWorkflow: Sendable, Hashable {
  /// The workflow's name, as written after `workflow:`; also the name to ask for it by.
  public var name: String
  /// The file it comes from under `examples/`, used in diagnostics.
  public var fileName: String
  /// One line for people.
  public var description: String
  /// The exact YAML text.
  public var yaml: String

  /// The YAML as a source, reported under `fileName`.
  public var source: WorkflowSource { WorkflowSource(file: fileName, text: yaml) }

  /// Parses and validates the embedded YAML.
  public func load() throws(WorkflowFileError) -> WorkflowFile {
    try WorkflowLoader.parse(source)
  }
}

/// The workflows every `lanes` binary knows by name.
public enum BuiltInWorkflows {
  /// All built-ins, in the order to list them.
  public static var all: [BuiltInWorkflow] { [chat, ingest, agent, overload] }

  /// The built-in called `name`, e.g. `chat`.
  public static func named(_ name: String) -> BuiltInWorkflow? {
    all.first { $0.name == name }
  }

  /// `chat, ingest, agent, overload` for messages.
  static var names: String { all.map(\.name).joined(separator: ", ") }
}
