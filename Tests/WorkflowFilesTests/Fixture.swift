import Foundation
import WorkflowFiles

/// Reads test fixtures and example files relative to this source file (no bundle resources).
enum Fixture {
  /// `Tests/WorkflowFilesTests/Fixtures`.
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")
  /// The repository's `examples` folder.
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

  /// The full path of a fixture.
  static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// A fixture as a source reported under its bare file name.
  static func source(_ name: String) throws -> WorkflowSource {
    WorkflowSource(file: name, bytes: Array(try Data(contentsOf: directory.appendingPathComponent(name))))
  }

  /// The diagnostics of parsing one fixture, as printed (empty when it parses).
  static func diagnostics(_ name: String) throws -> [String] {
    let source = try source(name)
    do throws(WorkflowFileError) {
      _ = try WorkflowLoader.parse(source)
      return []
    } catch {
      return error.diagnostics.map(\.description)
    }
  }
}
