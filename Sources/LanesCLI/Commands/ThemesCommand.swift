import ArgumentParser
import Dashboard
import DashboardHost

/// `lanes themes`: the themes Lanes can find, and where each comes from.
struct ThemesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "themes",
    abstract: "List the themes and where they come from (use one with --theme NAME)."
  )

  func run() throws {
    let loader = ThemeLoader()
    var table = TextTable(columns: [.init("name", .left), .init("from", .left), .init("where", .left)])
    var warnings: [String] = []
    for entry in loader.available() {
      table.add([entry.name, entry.place.rawValue, entry.location])
      warnings += entry.warnings.map { "  \($0)" }
    }
    Console.out(table.render().joined(separator: "\n"))
    Console.out("")
    Console.out("Search order: ./themes/, $XDG_CONFIG_HOME/lanes/themes/ (~/.config/lanes/themes/),")
    Console.out("the folder of the lanes binary (themes/, ../share/lanes/themes/), then the built-in ones.")
    if !warnings.isEmpty {
      Console.out("")
      Console.out("Warnings:")
      warnings.forEach { Console.out($0) }
    }
  }
}
