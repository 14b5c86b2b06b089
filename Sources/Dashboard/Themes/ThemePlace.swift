/// Where a theme came from, in the order `--theme NAME` searches.
public enum ThemePlace: String, Sendable, Hashable, CaseIterable {
  /// A path given to `--theme` (contains `/` or ends in `.theme`).
  case givenPath = "given path"
  /// `themes/` in the working directory.
  case workingDirectory = "working directory"
  /// `$XDG_CONFIG_HOME/lanes/themes`, by default `~/.config/lanes/themes`.
  case userConfig = "user config"
  /// `themes/` next to the executable, or `../share/lanes/themes` from it.
  case installed = "installed"
  /// Compiled into the binary (`BuiltInThemes`).
  case builtIn = "built-in"
}

/// A folder on the theme search path.
public struct ThemeDirectory: Sendable, Hashable {
  /// The folder, absolute and without `.` or `..` parts.
  public var path: String
  /// Which step of the search path it is.
  public var place: ThemePlace

  /// Creates a folder entry.
  public init(path: String, place: ThemePlace) {
    self.path = path
    self.place = place
  }
}
