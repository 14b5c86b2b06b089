import ArgumentParser
import DashboardHost
import WorkflowFiles

/// `lanes check`: validate workflow files and list every error.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate workflow files; list every error as file:line:column.",
    discussion: "Exits 0 when every file is valid, 1 when any has an error."
  )

  @Argument(help: "Workflow files to check, e.g. examples/chat.yaml.")
  var files: [String]

  func run() throws {
    var errorCount = 0
    var failedFiles = 0
    // Together, as `run` loads them: problems between files (a queue declared twice differently,
    // a workflow name used twice) are reported against the later file.
    for (path, found) in WorkflowLoader.check(arguments: files) {
      let diagnostics = PathCheck.unreachable(path).map { [$0] } ?? found
      if diagnostics.isEmpty {
        Console.out("\(path): ok")
      } else {
        for diagnostic in diagnostics { Console.out("\(diagnostic)") }
        errorCount += diagnostics.count
        failedFiles += 1
      }
    }
    if errorCount > 0 {
      Loading.printError(
        "\(errorCount) error\(errorCount == 1 ? "" : "s") in \(failedFiles) file\(failedFiles == 1 ? "" : "s")"
      )
      throw ExitCode(1)
    }
  }
}
