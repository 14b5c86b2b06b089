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
      DashboardCommand.self, RunCommand.self, CompareCommand.self, CheckCommand.self,
      WorkflowsCommand.self, ThemesCommand.self, BenchCommand.self,
    ],
    defaultSubcommand: DashboardCommand.self
  )

  public init() {}
}

extension LanesCommand {
  /// Parses the process's arguments and runs the chosen subcommand, exiting with its status.
  ///
  /// Written out because, called from another module, `main()` resolves to the synchronous
  /// overload, which refuses async subcommands.
  public static func runFromCommandLine() async -> Never {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      exit()
    } catch {
      exit(withError: error)
    }
  }
}
