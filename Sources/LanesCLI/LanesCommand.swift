import ArgumentParser

/// The `lanes` command and its subcommands.
public struct LanesCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(commandName: "lanes")
  public init() {}
}
