/// A theme found on the search path (or given as a path), parsed, with what was wrong with it.
public struct ThemeEntry: Sendable, Hashable {
  /// The theme's name, as given to `--theme`.
  public var name: String
  /// Where it came from.
  public var place: ThemePlace
  /// The file, as shown to the user (relative to the working directory, or with `~`); nil if built in.
  public var path: String?
  /// The parsed theme (the default colours if the file could not be used).
  public var theme: Theme
  /// What was wrong with the file; empty for a clean one.
  public var warnings: [ThemeWarning]

  /// Creates an entry.
  public init(name: String, place: ThemePlace, path: String?, theme: Theme, warnings: [ThemeWarning]) {
    self.name = name
    self.place = place
    self.path = path
    self.theme = theme
    self.warnings = warnings
  }

  /// The file, or `built-in`.
  public var location: String { path ?? "built-in" }
}

extension Array where Element == ThemeEntry {
  /// The entry after the one named `name`, wrapping around; the first if `name` is not here.
  public func entry(after name: String) -> ThemeEntry? {
    guard let index = firstIndex(where: { $0.name == name }) else { return first }
    return self[(index + 1) % count]
  }
}
