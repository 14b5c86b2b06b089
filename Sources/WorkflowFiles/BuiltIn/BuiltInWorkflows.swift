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

  /// The example `fileName` as compiled in by the `EmbedShippedText` plugin, with its name and
  /// description read from the parsed file (so neither is written a second time).
  static func shipped(_ fileName: String) -> BuiltInWorkflow {
    guard let text = ShippedExamples.files.first(where: { $0.name == fileName })?.text else {
      preconditionFailure("examples/\(fileName) is not compiled in; the plugin embeds examples/*.yaml")
    }
    do throws(WorkflowFileError) {
      let file = try WorkflowLoader.parse(text: text, file: fileName)
      return BuiltInWorkflow(
        name: file.workflow.name, fileName: fileName, description: file.workflow.description, yaml: text)
    } catch {
      // The examples are checked by the test suite; a broken one must not ship silently.
      preconditionFailure("examples/\(fileName) does not load: \(error)")
    }
  }
}

/// The workflows every `lanes` binary knows by name: the files of `examples/`, embedded at build
/// time, except those that need something beside them: `local-services.yaml` its server,
/// `orders.yaml` its script (`examples/orders.py`, found from the repository's root).
public enum BuiltInWorkflows {
  /// `examples/chat.yaml`: a chat request with blocking steps and background bookkeeping.
  public static let chat = BuiltInWorkflow.shipped("chat.yaml")
  /// `examples/ingest.yaml`.
  public static let ingest = BuiltInWorkflow.shipped("ingest.yaml")
  /// `examples/agent.yaml`.
  public static let agent = BuiltInWorkflow.shipped("agent.yaml")
  /// `examples/overload.yaml`: a queue too small for its load, on purpose.
  public static let overload = BuiltInWorkflow.shipped("overload.yaml")

  /// All built-ins, in the order to list them.
  public static var all: [BuiltInWorkflow] { [chat, ingest, agent, overload] }

  /// The built-in called `name`, e.g. `chat`.
  public static func named(_ name: String) -> BuiltInWorkflow? {
    all.first { $0.name == name }
  }

  /// `chat, ingest, agent, overload` for messages.
  static var names: String { all.map(\.name).joined(separator: ", ") }
}
