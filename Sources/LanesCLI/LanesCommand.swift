import ArgumentParser
import DashboardHost
import StepKinds

#if canImport(Glibc)
  import Glibc
#endif

/// The `lanes` command and its subcommands.
public struct LanesCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "lanes",
    abstract: "Run workflows of blocking and background steps, and watch the critical path.",
    discussion: """
      With no subcommand, lanes opens the live dashboard on the built-in workflows.
      """,
    subcommands: [
      DashboardCommand.self, RunCommand.self, CallCommand.self, CompareCommand.self, CheckCommand.self,
      WorkflowsCommand.self, ThemesCommand.self, BenchCommand.self, ServeCommand.self,
    ],
    defaultSubcommand: DashboardCommand.self
  )

  public init() {}
}

extension LanesCommand {
  /// Parses the process's arguments and runs the chosen subcommand, exiting with its status.
  ///
  /// Written out because, called from another module, `main()` resolves to the synchronous
  /// overload, which refuses async subcommands; and so that every message, ArgumentParser's
  /// included, goes through `Console` (escaped, never a crash on a closed stream), and a failed
  /// write to standard output turns a success into exit status 74.
  public static func runFromCommandLine() async -> Never {
    Console.prepareStandardDescriptors()
    var status: Int32 = 0
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      status = exitCode(for: error).rawValue
      let message = fullMessage(for: error)
      if !message.isEmpty {
        if status == 0 { Console.out(message) } else { Console.error(message) }
      }
    }
    // Whatever ended the command, no process a step started outlives Lanes.
    StepProcesses.endAll()
    SwiftGlibc.exit(WriteFailures.finalStatus(status))
  }
}
