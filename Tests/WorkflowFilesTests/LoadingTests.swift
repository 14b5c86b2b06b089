import ExecutionCore
import Foundation
import Testing
import WorkflowFiles

/// Several files into one topology, and arguments that are paths or built-in names.
@Suite struct LoadingTests {
  private func errors(_ body: () throws(WorkflowFileError) -> Topology) -> [String] {
    do throws(WorkflowFileError) {
      _ = try body()
      return []
    } catch {
      return error.diagnostics.map(\.description)
    }
  }

  @Test func identicalQueuesAcrossFilesAreOneSharedQueue() throws {
    let topology = try WorkflowLoader.load(sources: [
      Fixture.source("shared-queue-a.yaml"), Fixture.source("shared-queue-b.yaml"),
    ])
    #expect(topology.workflows.map(\.name) == ["first", "second"])
    #expect(
      topology.queues == [QueueDefinition(name: "shared", workers: 2, capacity: 100, whenFull: .reject)])
  }

  @Test func conflictingQueueDefinitionsNameBothPlaces() throws {
    let sources = [
      try Fixture.source("shared-queue-a.yaml"), try Fixture.source("shared-queue-conflict.yaml"),
    ]
    #expect(
      errors { () throws(WorkflowFileError) in try WorkflowLoader.load(sources: sources) } == [
        "shared-queue-conflict.yaml:3:3: error: queue \"shared\" is declared as workers 4, capacity 100, when-full drop-oldest here but as workers 2, capacity 100, when-full reject at shared-queue-a.yaml:3:3. Queues with the same name are one shared queue: make both declarations identical, or rename one."
      ])
  }

  @Test func workflowNamesMustBeUniqueAcrossFiles() throws {
    let sources = [try Fixture.source("shared-queue-a.yaml"), try Fixture.source("shared-queue-a.yaml")]
    #expect(
      errors { () throws(WorkflowFileError) in try WorkflowLoader.load(sources: sources) } == [
        "shared-queue-a.yaml:1:11: error: workflow \"first\" is also defined at shared-queue-a.yaml:1:11. Workflow names must be unique across files: rename one."
      ])
  }

  @Test func errorsFromEveryFileAreReported() throws {
    let sources = [try Fixture.source("cycle.yaml"), try Fixture.source("no-steps.yaml")]
    let lines = errors { () throws(WorkflowFileError) in try WorkflowLoader.load(sources: sources) }
    #expect(lines.map { $0.prefix(while: { $0 != " " }) } == ["cycle.yaml:5:13:", "no-steps.yaml:3:1:"])
  }

  @Test func argumentsMixPathsAndBuiltInNames() throws {
    let topology = try WorkflowLoader.load(arguments: [Fixture.path("background-only.yaml"), "chat"])
    #expect(topology.workflows.map(\.name) == ["fire-and-forget", "chat"])
    #expect(topology.queues.map(\.name) == ["jobs", "history", "events", "audit", "memory"])
  }

  @Test func unknownNameListsTheBuiltIns() {
    #expect(
      errors { () throws(WorkflowFileError) in try WorkflowLoader.load(arguments: ["chatt"]) } == [
        "chatt: error: no such file, and no built-in workflow has this name. Did you mean \"chat\"? Built-in workflows: chat, ingest, agent, overload."
      ])
    #expect(
      errors { () throws(WorkflowFileError) in try WorkflowLoader.load(arguments: ["missing/flow.yaml"]) }
        == [
          "missing/flow.yaml: error: no such file, and no built-in workflow has this name. Built-in workflows: chat, ingest, agent, overload."
        ])
  }

  @Test func directoryIsRefused() {
    let directory = Fixture.directory.path
    #expect(
      WorkflowLoader.check(path: directory).map(\.description) == [
        "\(directory): error: is a directory, not a workflow file. Pass the files inside it, e.g. \(directory)/*.yaml."
      ])
  }

  @Test func unreadableFileIsRefused() throws {
    // A Unix socket exists and is not a directory, but cannot be read as a file, even by root
    // (tests may run as root, where permission bits would not stop a read).
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-\(getpid()).sock").path
    try? FileManager.default.removeItem(atPath: path)
    #if canImport(Glibc)
      let streamType = Int32(SOCK_STREAM.rawValue)
    #else
      let streamType = SOCK_STREAM
    #endif
    let socketFD = socket(AF_UNIX, streamType, 0)
    try #require(socketFD >= 0)
    defer {
      close(socketFD)
      try? FileManager.default.removeItem(atPath: path)
    }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
      for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    try #require(bound == 0)
    #expect(
      WorkflowLoader.check(path: path).map(\.description) == [
        "\(path): error: cannot read the file. Check that the path names a regular file you may read."
      ])
  }

  @Test func largeFileOnDiskIsRefusedBeforeReading() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-large-\(getpid()).yaml")
      .path
    let size = WorkflowLoader.maximumFileSize + 1
    #expect(
      FileManager.default.createFile(atPath: path, contents: Data(repeating: UInt8(ascii: "#"), count: size)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(
      WorkflowLoader.check(path: path).map(\.description) == [
        "\(path): error: the file is 1048577 bytes, over the limit of 1048576 bytes (1 MiB). Workflow files are small: check the path, or split it into several workflow files."
      ])
  }

  @Test func checkReportsFileDiagnosticsUnderTheGivenPath() {
    let path = Fixture.path("unknown-queue.yaml")
    let diagnostics = WorkflowLoader.check(path: path)
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.file == path)
    #expect(diagnostics.first?.line == 12)
    #expect(diagnostics.first?.column == 12)
    #expect(WorkflowLoader.check(path: "agent") == [])
    #expect(WorkflowLoader.check(path: Fixture.path("background-only.yaml")) == [])
  }

  @Test func noArgumentsIsAnError() {
    #expect(
      errors { () throws(WorkflowFileError) in try WorkflowLoader.load(arguments: []) } == [
        "lanes: error: no workflow given. Name a workflow file, or a built-in workflow: chat, ingest, agent, overload."
      ])
  }

  @Test func parseTextGivesTheWorkflowAndItsQueues() throws {
    let file = try WorkflowLoader.parse(
      text: """
        workflow: tiny
        queues:
          q: { workers: 3, capacity: 7, when-full: block }
        steps:
          - id: a
            mode: background
            queue: q
            timeout: 250us
            simulate: { latency: 1.5s, failure-rate: 0, cpu: false }
        """, file: "tiny.yaml")
    #expect(file.file == "tiny.yaml")
    #expect(file.workflow.load == LoadDefinition(rate: 1, arrivals: .poisson))
    #expect(file.workflow.description == "")
    #expect(file.queues == [QueueDefinition(name: "q", workers: 3, capacity: 7, whenFull: .block)])
    #expect(file.workflow.steps.first?.timeout == .microseconds(250))
    #expect(file.topology.workflows.count == 1)
  }
}
