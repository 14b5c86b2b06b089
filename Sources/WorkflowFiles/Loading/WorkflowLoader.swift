import ExecutionCore
import Foundation
import Yams

/// Loads workflow files into validated topologies; every problem comes back as a `Diagnostic`.
public enum WorkflowLoader {
  /// The largest file accepted, in bytes (1 MiB).
  public static let maximumFileSize = SourceText.maximumBytes

  /// Parses and validates one document; `file` is the name used in diagnostics.
  public static func parse(text: String, file: String) throws(WorkflowFileError) -> WorkflowFile {
    try parse(WorkflowSource(file: file, text: text))
  }

  /// Parses and validates one source (bytes are checked for size and UTF-8 first).
  public static func parse(_ source: WorkflowSource) throws(WorkflowFileError) -> WorkflowFile {
    let text: String
    switch SourceText.decode(source.bytes, file: source.file) {
    case .success(let decoded): text = decoded
    case .failure(let diagnostic): throw WorkflowFileError([diagnostic])
    }
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw WorkflowFileError([
          Diagnostic(
            file: source.file, location: .init(line: 1, column: 1), message: "the file is empty",
            hint: "Start with \"workflow: <name>\" and a \"steps:\" list; see examples/chat.yaml.")
        ])
      }
      root = node
    } catch let error as WorkflowFileError {
      throw error
    } catch {
      throw WorkflowFileError([YAMLErrorText.diagnostic(for: error, file: source.file, text: text)])
    }
    var reader = NodeReader(file: source.file)
    let parsed = reader.readWorkflow(root)
    if let parsed {
      reader.checkQueues(of: parsed)
      reader.checkGraph(of: parsed)
    }
    guard reader.diagnostics.isEmpty, let parsed, let file = build(parsed, file: source.file) else {
      throw WorkflowFileError(sorted(reader.diagnostics))
    }
    return file
  }

  /// Loads several files into one topology: queues with the same name are shared and must match;
  /// workflow names must be unique. Reports the problems of every file.
  public static func load(sources: [WorkflowSource]) throws(WorkflowFileError) -> Topology {
    var diagnostics: [Diagnostic] = []
    var files: [WorkflowFile] = []
    for source in sources {
      do throws(WorkflowFileError) {
        files.append(try parse(source))
      } catch {
        diagnostics += error.diagnostics
      }
    }
    switch merge(files) {
    case .success(let topology) where diagnostics.isEmpty: return topology
    case .success: throw WorkflowFileError(diagnostics)
    case .failure(let error): throw WorkflowFileError(diagnostics + error.diagnostics)
    }
  }

  /// Loads files by path or built-in workflow name (`chat`, `ingest`, ...), in the order given.
  public static func load(arguments: [String]) throws(WorkflowFileError) -> Topology {
    guard !arguments.isEmpty else {
      throw WorkflowFileError([
        Diagnostic(
          file: "lanes", location: nil, message: "no workflow given",
          hint: "Name a workflow file, or a built-in workflow: \(BuiltInWorkflows.names).")
      ])
    }
    var sources: [WorkflowSource] = []
    var diagnostics: [Diagnostic] = []
    for argument in arguments {
      switch source(for: argument) {
      case .success(let source): sources.append(source)
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    do throws(WorkflowFileError) {
      let topology = try load(sources: sources)
      if diagnostics.isEmpty { return topology }
    } catch {
      diagnostics += error.diagnostics
    }
    throw WorkflowFileError(diagnostics)
  }

  /// Every problem with one file or built-in name; empty when it loads cleanly.
  public static func check(path: String) -> [Diagnostic] {
    do throws(WorkflowFileError) {
      _ = try load(arguments: [path])
      return []
    } catch {
      return error.diagnostics
    }
  }

  /// Reads an argument: an existing path first, then a built-in name.
  static func source(for argument: String) -> Result<WorkflowSource, Diagnostic> {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: argument, isDirectory: &isDirectory) {
      if isDirectory.boolValue {
        return .failure(
          Diagnostic(
            file: argument, location: nil, message: "is a directory, not a workflow file",
            hint:
              "Pass the files inside it, e.g. \(argument.hasSuffix("/") ? argument : argument + "/")*.yaml."))
      }
      if let size = (try? manager.attributesOfItem(atPath: argument))?[.size] as? Int,
        size > maximumFileSize
      {
        // Refuse before reading: a wrong path to a large file should not be loaded into memory.
        return .failure(SourceText.tooLarge(size, file: argument))
      }
      guard manager.isReadableFile(atPath: argument), let data = manager.contents(atPath: argument) else {
        return .failure(
          Diagnostic(
            file: argument, location: nil, message: "cannot read the file",
            hint: "Check that the path names a regular file you may read."))
      }
      return .success(WorkflowSource(file: argument, bytes: Array(data)))
    }
    if let builtIn = BuiltInWorkflows.named(argument) {
      return .success(builtIn.source)
    }
    let guess = Suggestion.didYouMean(argument, in: BuiltInWorkflows.all.map(\.name)).map { $0 + " " } ?? ""
    return .failure(
      Diagnostic(
        file: argument, location: nil, message: "no such file, and no built-in workflow has this name",
        hint: "\(guess)Built-in workflows: \(BuiltInWorkflows.names)."))
  }

  /// Joins files into one topology, checking shared queues and unique workflow names.
  static func merge(_ files: [WorkflowFile]) -> Result<Topology, WorkflowFileError> {
    var diagnostics: [Diagnostic] = []
    var workflows: [WorkflowDefinition] = []
    var workflowPlaces: [String: (file: String, location: Diagnostic.Location)] = [:]
    var queues: [QueueDefinition] = []
    var queuePlaces: [String: (file: String, location: Diagnostic.Location)] = [:]
    for file in files {
      let name = file.workflow.name
      if let first = workflowPlaces[name] {
        diagnostics.append(
          Diagnostic(
            file: file.file, location: file.workflowLocation,
            message: "workflow \"\(name)\" is also defined at \(first.file):\(first.location)",
            hint: "Workflow names must be unique across files: rename one."))
      } else {
        workflowPlaces[name] = (file.file, file.workflowLocation)
        workflows.append(file.workflow)
      }
      for queue in file.queues {
        let location = file.queueLocations[queue.name] ?? .init(line: 1, column: 1)
        guard let index = queues.firstIndex(where: { $0.name == queue.name }) else {
          queues.append(queue)
          queuePlaces[queue.name] = (file.file, location)
          continue
        }
        guard queues[index] != queue, let first = queuePlaces[queue.name] else { continue }
        diagnostics.append(
          Diagnostic(
            file: file.file, location: location,
            message:
              "queue \"\(queue.name)\" is declared as \(summary(queue)) here but as \(summary(queues[index])) at \(first.file):\(first.location)",
            hint:
              "Queues with the same name are one shared queue: make both declarations identical, or rename one."
          ))
      }
    }
    guard diagnostics.isEmpty else { return .failure(WorkflowFileError(diagnostics)) }
    return .success(Topology(workflows: workflows, queues: queues))
  }

  /// `workers 4, capacity 500, when-full reject`.
  static func summary(_ queue: QueueDefinition) -> String {
    "workers \(queue.workers), capacity \(queue.capacity), when-full \(queue.whenFull.rawValue)"
  }

  /// Position order within a file, whole-file problems first; stable for equal positions.
  static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    diagnostics.enumerated().sorted { lhs, rhs in
      let left = lhs.element.location.map { ($0.line, $0.column) } ?? (0, 0)
      let right = rhs.element.location.map { ($0.line, $0.column) } ?? (0, 0)
      return left != right ? left < right : lhs.offset < rhs.offset
    }.map(\.element)
  }

  /// The definitions of a parsed workflow that had no errors.
  static func build(_ parsed: ParsedWorkflow, file: String) -> WorkflowFile? {
    guard let name = parsed.name else { return nil }
    var steps: [StepDefinition] = []
    var kinds: [String: StepKind] = [:]
    for step in parsed.steps {
      guard let id = step.id, let mode = step.mode, let kind = step.kind else { return nil }
      steps.append(
        StepDefinition(
          id: id.value, mode: mode, after: step.after.map(\.id), queue: step.queue?.name,
          timeout: step.timeout, retry: step.retry, action: kind.action))
      kinds[id.value] = kind
    }
    var queues: [QueueDefinition] = []
    var queueLocations: [String: Diagnostic.Location] = [:]
    let reader = NodeReader(file: file)
    for queue in parsed.queues {
      guard let definition = queue.definition else { return nil }
      queues.append(definition)
      queueLocations[queue.name] = reader.location(of: queue.node)
    }
    let workflow = WorkflowDefinition(
      name: name.value, description: parsed.description, steps: steps, load: parsed.load)
    return WorkflowFile(
      file: file, workflow: workflow, queues: queues, kinds: kinds,
      workflowLocation: reader.location(of: name.node),
      queueLocations: queueLocations)
  }
}
