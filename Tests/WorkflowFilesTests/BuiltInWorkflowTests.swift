import Foundation
import Testing
import WorkflowFiles

/// The binary carries the examples verbatim, and names resolve to them.
@Suite struct BuiltInWorkflowTests {
  @Test(arguments: BuiltInWorkflows.all.map(\.name))
  func embeddedTextIsByteIdenticalToExampleFile(_ name: String) throws {
    let builtIn = try #require(BuiltInWorkflows.named(name))
    let onDisk = try Data(contentsOf: Fixture.examples.appendingPathComponent(builtIn.fileName))
    #expect(builtIn.yaml.utf8.count == onDisk.count)
    #expect(builtIn.yaml.utf8.elementsEqual(onDisk), "\(builtIn.fileName) differs from its embedded copy")
  }

  @Test func everyExampleFileIsBuiltIn() throws {
    // local-services.yaml needs its server running, and orders.yaml its script beside it (run from
    // the repository's root), so they are example files but not built-ins.
    let files = try FileManager.default.contentsOfDirectory(atPath: Fixture.examples.path)
      .filter { $0.hasSuffix(".yaml") && !["local-services.yaml", "orders.yaml"].contains($0) }.sorted()
    #expect(files == BuiltInWorkflows.all.map(\.fileName).sorted())
  }

  @Test(arguments: BuiltInWorkflows.all.map(\.name))
  func metadataMatchesTheParsedFile(_ name: String) throws {
    let builtIn = try #require(BuiltInWorkflows.named(name))
    let file = try builtIn.load()
    #expect(file.workflow.name == builtIn.name)
    #expect(file.workflow.description == builtIn.description)
    #expect(file.file == builtIn.fileName)
    #expect(builtIn.fileName == "\(name).yaml")
  }

  @Test func namesResolveAndUnknownNamesDoNot() {
    #expect(BuiltInWorkflows.named("agent")?.fileName == "agent.yaml")
    #expect(BuiltInWorkflows.named("agent.yaml") == nil)
    #expect(BuiltInWorkflows.named("nope") == nil)
    #expect(BuiltInWorkflows.all.map(\.name) == ["chat", "ingest", "agent", "overload"])
  }
}
