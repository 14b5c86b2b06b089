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
    var reader = NodeReader(file: source.file)
    let root: Node
    switch compose(text, file: source.file, reader: &reader) {
    case .success(let node): root = node
    case .failure(let diagnostic): throw WorkflowFileError(sorted(reader.diagnostics + [diagnostic]))
    }
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

  /// The YAML tree of `text`. A duplicate key is reported, then renamed in a copy of the text (to
  /// private-use characters, so every line and column stays put) and the text read again, so the
  /// file's other problems are reported too; the renamed keys are skipped by the reader.
  static func compose(_ text: String, file: String, reader: inout NodeReader) -> Result<Node, Diagnostic> {
    var text = text
    // Each round renames one key and reads the whole text again; ten is enough to report, and
    // bounds the work a file full of duplicates can cause.
    let rounds = 10
    for round in 0..<rounds {
      do {
        guard let node = try Yams.compose(yaml: text) else {
          return .failure(
            Diagnostic(
              file: file, location: .init(line: 1, column: 1), message: "the file is empty",
              hint: "Start with \"workflow: <name>\" and a \"steps:\" list; see examples/chat.yaml."))
        }
        return .success(node)
      } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
        let diagnostic = YAMLErrorText.diagnostic(
          for: YamlError.duplicatedKeysInMapping(duplicates: duplicates, context: context), file: file,
          text: text)
        // A private-use character per round, so no two renamed keys collide with each other.
        let placeholder = String(Character(Unicode.Scalar(0xE000 + UInt32(round))!))
        guard let key = duplicates.first,
          let renamed = renaming(key, at: context.mark, to: placeholder, in: text)
        else { return .failure(diagnostic) }
        reader.diagnostics.append(diagnostic)
        reader.renamedDuplicateKeys.insert(renamed.key)
        text = renamed.text
      } catch {
        return .failure(YAMLErrorText.diagnostic(for: error, file: file, text: text))
      }
    }
    return .failure(
      Diagnostic(
        file: file, location: .init(line: 1, column: 1),
        message: "more than \(rounds) keys appear more than once; the rest of the file is not checked",
        hint: "Keep one of each of the keys reported, then check again."))
  }

  /// `text` with the plain or quoted key `key` written at `mark` replaced by as many copies of
  /// `placeholder` as it has characters (columns stay the same), and the new key; nil when the
  /// key is not written there as is (escapes, multi-line keys).
  static func renaming(_ key: String, at mark: Mark, to placeholder: String, in text: String)
    -> (text: String, key: String)?
  {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard mark.line >= 1, mark.line <= lines.count, !key.isEmpty else { return nil }
    var scalars = Array(lines[mark.line - 1].unicodeScalars)
    var start = mark.column - 1
    guard start >= 0, start < scalars.count else { return nil }
    if scalars[start] == "\"" || scalars[start] == "'" { start += 1 }
    let written = Array(key.unicodeScalars)
    guard start + written.count <= scalars.count, Array(scalars[start..<(start + written.count)]) == written
    else { return nil }
    let newKey = String(repeating: placeholder, count: written.count)
    scalars.replaceSubrange(start..<(start + written.count), with: newKey.unicodeScalars)
    var line = String.UnicodeScalarView()
    line.append(contentsOf: scalars)
    lines[mark.line - 1] = String(line)
    return (lines.joined(separator: "\n"), newKey)
  }

  /// Checks files and built-in names together, as `run` would load them: each file's own problems,
  /// then the problems between files (a queue declared twice differently, a workflow name used
  /// twice, a file given twice). Returns one entry per argument, in order, with its diagnostics.
  public static func check(arguments: [String]) -> [(argument: String, diagnostics: [Diagnostic])] {
    var results = arguments.map { (argument: $0, diagnostics: [Diagnostic]()) }
    var files: [(index: Int, file: WorkflowFile)] = []
    var seen: [String: Int] = [:]
    for (index, argument) in arguments.enumerated() {
      switch source(for: argument) {
      case .failure(let diagnostic):
        results[index].diagnostics.append(diagnostic)
      case .success(let loaded):
        if let first = seen[loaded.identity] {
          results[index].diagnostics.append(givenTwice(argument, first: arguments[first]))
          continue
        }
        seen[loaded.identity] = index
        do throws(WorkflowFileError) {
          files.append((index, try parse(loaded.source)))
        } catch {
          results[index].diagnostics += error.diagnostics
        }
      }
    }
    for (position, diagnostic) in mergeProblems(files.map(\.file)) {
      results[files[position].index].diagnostics.append(diagnostic)
    }
    return results
  }

  /// The diagnostic for an argument that names a file already given.
  static func givenTwice(_ argument: String, first: String) -> Diagnostic {
    Diagnostic(
      file: argument, location: nil,
      message: first == argument ? "is given twice" : "is the same file as \(first), given before it",
      hint: "Name each workflow file once.")
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
    var seen: [String: String] = [:]
    for argument in arguments {
      switch source(for: argument) {
      case .success(let loaded):
        if let first = seen[loaded.identity] {
          diagnostics.append(givenTwice(argument, first: first))
        } else {
          seen[loaded.identity] = argument
          sources.append(loaded.source)
        }
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
    check(arguments: [path]).flatMap(\.diagnostics)
  }

  /// Reads an argument: an existing path first, then a built-in name. The identity is the same for
  /// two arguments that name the same file (`chat` and `chat`, `a.yaml` and `./a.yaml`).
  static func source(for argument: String) -> Result<(source: WorkflowSource, identity: String), Diagnostic> {
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
      let identity = URL(fileURLWithPath: argument).standardizedFileURL.resolvingSymlinksInPath().path
      return .success((WorkflowSource(file: argument, bytes: Array(data)), "file:" + identity))
    }
    if let builtIn = BuiltInWorkflows.named(argument) {
      return .success((builtIn.source, "built-in:" + builtIn.name))
    }
    let guess = Suggestion.didYouMean(argument, in: BuiltInWorkflows.all.map(\.name)).map { $0 + " " } ?? ""
    return .failure(
      Diagnostic(
        file: argument, location: nil, message: "no such file, and no built-in workflow has this name",
        hint: "\(guess)Built-in workflows: \(BuiltInWorkflows.names)."))
  }

  /// Joins files into one topology, checking shared queues and unique workflow names.
  static func merge(_ files: [WorkflowFile]) -> Result<Topology, WorkflowFileError> {
    let problems = mergeProblems(files)
    guard problems.isEmpty else { return .failure(WorkflowFileError(problems.map(\.diagnostic))) }
    var workflows: [WorkflowDefinition] = []
    var queues: [QueueDefinition] = []
    var queueNames: Set<String> = []
    for file in files {
      workflows.append(file.workflow)
      for queue in file.queues where queueNames.insert(queue.name).inserted { queues.append(queue) }
    }
    return .success(Topology(workflows: workflows, queues: queues))
  }

  /// What is wrong between files loaded together, each with the index of the file it is in: a
  /// workflow name used twice, a queue declared twice differently, more workers than the limit.
  static func mergeProblems(_ files: [WorkflowFile]) -> [(file: Int, diagnostic: Diagnostic)] {
    var problems: [(file: Int, diagnostic: Diagnostic)] = []
    var workflowPlaces: [String: (file: String, location: Diagnostic.Location)] = [:]
    var queues: [String: (definition: QueueDefinition, file: String, location: Diagnostic.Location)] = [:]
    var totalWorkers = 0
    for (index, file) in files.enumerated() {
      let name = file.workflow.name
      if let first = workflowPlaces[name] {
        problems.append(
          (
            index,
            Diagnostic(
              file: file.file, location: file.workflowLocation,
              message: "workflow \"\(name)\" is also defined at \(first.file):\(first.location)",
              hint: "Workflow names must be unique across files: rename one.")
          ))
      } else {
        workflowPlaces[name] = (file.file, file.workflowLocation)
      }
      for queue in file.queues {
        let location = file.queueLocations[queue.name] ?? .init(line: 1, column: 1)
        guard let first = queues[queue.name] else {
          queues[queue.name] = (queue, file.file, location)
          totalWorkers += queue.workers
          if totalWorkers > WorkflowLimits.totalWorkers {
            problems.append(
              (
                index,
                Diagnostic(
                  file: file.file, location: location,
                  message:
                    "queue \"\(queue.name)\" brings the workers of all queues to \(totalWorkers), too many: the limit is \(WorkflowLimits.totalWorkers)",
                  hint: "Each worker is a task kept for the whole run: give the queues fewer workers.")
              ))
            // Reported once: the total only grows from here.
            totalWorkers = -Int.max / 2
          }
          continue
        }
        guard first.definition != queue else { continue }
        problems.append(
          (
            index,
            Diagnostic(
              file: file.file, location: location,
              message:
                "queue \"\(queue.name)\" is declared as \(summary(queue)) here but as \(summary(first.definition)) at \(first.file):\(first.location)",
              hint:
                "Queues with the same name are one shared queue: make both declarations identical, or rename one."
            )
          ))
      }
    }
    return problems
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
          timeout: step.timeout, retry: step.retry, outputLimit: step.outputLimit,
          action: kind.action(
            workflow: name.value, outputLimit: step.outputLimit ?? StepDefinition.defaultOutputLimit)))
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
      name: name.value, description: parsed.description, steps: steps, load: parsed.load,
      response: parsed.response?.id)
    return WorkflowFile(
      file: file, workflow: workflow, queues: queues, kinds: kinds,
      workflowLocation: reader.location(of: name.node),
      queueLocations: queueLocations)
  }
}
