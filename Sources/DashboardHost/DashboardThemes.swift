import Dashboard

/// The themes for a dashboard: the chosen one first, then the others for `T` to cycle through.
public struct DashboardThemes: Sendable {
  /// The chosen theme first, then every other theme found (never empty).
  public var themes: [Theme]
  /// Problems in the chosen theme's file (unknown keys, bad colours), each already skipped.
  public var warnings: [ThemeWarning]

  /// Resolves `--theme` (a name or a `.theme` file; nil: the default theme). An unknown name or a
  /// missing file is an error that names the themes there are; nothing is printed here.
  public static func resolve(_ argument: String?) throws(LanesDashboardError) -> DashboardThemes {
    let loader = ThemeLoader()
    let chosen: ThemeEntry
    do {
      chosen = try loader.resolve(argument ?? "default")
    } catch {
      throw LanesDashboardError(.theme, "\(error)")
    }
    let others = loader.available().filter { $0.name != chosen.name }.map(\.theme)
    return DashboardThemes(themes: [chosen.theme] + others, warnings: chosen.warnings)
  }

  /// The warnings as lines for standard error, at most `limit` of them and then one line counting
  /// the rest, so a file with thousands of unknown keys does not flood the terminal.
  public func warningLines(limit: Int = 5) -> [String] {
    var lines = warnings.prefix(limit).map { "lanes: theme: \($0)" }
    if warnings.count > limit {
      lines.append("lanes: theme: … and \(warnings.count - limit) more warnings in the same file")
    }
    return lines
  }

  /// The options a dashboard needs to show these warnings when it starts.
  public var warningTexts: [String] { warnings.map { "\($0)" } }
}
