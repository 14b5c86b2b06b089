import ArgumentParser

/// The `lanes` command and its subcommands.
public struct LanesCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "lanes",
    abstract: "Run workflows of blocking and background steps, and watch the critical path.",
    discussion: """
      With no subcommand, lanes opens the live dashboard on the built-in workflows.
      """,
    subcommands: [
      RunCommand.self, CompareCommand.self, CheckCommand.self, WorkflowsCommand.self,
    ]
  )

  public init() {}
}
