import ArgumentParser
import WorkflowFiles

/// `lanes check`: validate workflow files and list every error.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate workflow files; list every error as file:line:column.",
    discussion: "Exits 0 when every file is valid, 1 when any has an error."
  )

  @Argument(help: "Workflow files to check.")
  var files: [String]

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one workflow file, e.g. lanes check examples/chat.yaml") }
  }

  func run() throws {
    let results = WorkflowLoader.check(paths: files)
    var errorCount = 0
    for result in results {
      if result.diagnostics.isEmpty {
        print("\(result.path): ok")
      } else {
        for diagnostic in result.diagnostics { print(diagnostic) }
        errorCount += result.diagnostics.count
      }
    }
    if errorCount > 0 {
      let failedFiles = results.filter { !$0.diagnostics.isEmpty }.count
      Loading.printError(
        "\(errorCount) error\(errorCount == 1 ? "" : "s") in \(failedFiles) file\(failedFiles == 1 ? "" : "s")")
      throw ExitCode(1)
    }
  }
}
