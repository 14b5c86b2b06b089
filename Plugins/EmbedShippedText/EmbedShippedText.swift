import Foundation
import PackagePlugin

/// Compiles the shipped text files (top-level `examples/` and `themes/`) into the module that
/// serves them, so the folder is the only copy: a generated `Shipped*.swift` embeds each file
/// verbatim, and SwiftPM regenerates it whenever one of the files changes.
@main
struct EmbedShippedText: BuildToolPlugin {
  /// Which folder each target embeds, the file extension taken from it, and the enum it gets.
  static let folders: [String: (folder: String, suffix: String, enumName: String)] = [
    "WorkflowFiles": ("examples", ".yaml", "ShippedExamples"),
    "Dashboard": ("themes", ".theme", "ShippedThemes"),
    // The OpenAPI document stays a file of its own (readable, checked by tools) and is served
    // from the binary, wherever it was installed.
    "LanesServer": ("Sources/LanesServer", ".yaml", "ShippedAPI"),
  ]

  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    guard let spec = Self.folders[target.name] else {
      throw EmbedError("EmbedShippedText knows no folder for target \(target.name)")
    }
    let folder = context.package.directoryURL.appending(path: spec.folder)
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path(percentEncoded: false))
      .filter { $0.hasSuffix(spec.suffix) && !$0.hasPrefix(".") }.sorted()
    let inputs = names.map { folder.appending(path: $0) }
    let output = context.pluginWorkDirectoryURL.appending(path: "\(spec.enumName).swift")
    return [
      .buildCommand(
        displayName: "Embedding \(spec.folder)/*\(spec.suffix) into \(target.name)",
        executable: try context.tool(named: "EmbedText").url,
        arguments: [output.path(percentEncoded: false), spec.enumName, spec.folder]
          + inputs.map { $0.path(percentEncoded: false) },
        // The folder too, so adding or removing a file regenerates.
        inputFiles: inputs + [folder],
        outputFiles: [output])
    ]
  }
}

/// A plugin failure with a message SwiftPM prints as is.
struct EmbedError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
