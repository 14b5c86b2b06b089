import ArgumentParser
import DashboardHost
import ExecutionCore
import WorkflowFiles

/// `lanes workflows`: the built-in workflows and where their files are.
struct WorkflowsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workflows",
    abstract: "List the built-in workflows and where the example files are."
  )

  func run() throws {
    var table = TextTable(columns: [
      .init("name", .left), .init("steps"), .init("blocking"), .init("rate"), .init("hybrid waits"),
      .init("all-sync waits"), .init("description", .left),
    ])
    for builtIn in BuiltInWorkflows.all {
      let definition = try builtIn.load().workflow
      let blocking = definition.steps.filter { $0.mode == .blocking }.count
      table.add([
        builtIn.name, "\(definition.steps.count)", "\(blocking)", FigureText.rate(definition.load.rate),
        definition.longestBlockingChain.estimateText,
        definition.longestChainOfAllSteps.estimateText, definition.description,
      ])
    }
    Console.out(table.render().joined(separator: "\n"))
    Console.out("")
    Console.out(
      "Their files are in the repository's examples/ folder (examples/<name>.yaml); copy one to start your own."
    )
    Console.out("Use a name or a path wherever a workflow is expected: lanes run chat, lanes run ./my.yaml")
  }
}
