import ExecutionCore
import Foundation

/// Finds themes by name or path along the search path: `./themes`, the user's config folder,
/// the folder next to the executable, then the themes built into the binary.
public struct ThemeLoader: Sendable {
  /// What the search path is built from.
  public var searchPath: ThemeSearchPath

  /// Creates a loader; tests pass their own search path.
  public init(searchPath: ThemeSearchPath = .current()) {
    self.searchPath = searchPath
  }

  /// Whether `--theme` got a path (it contains `/` or ends in `.theme`) rather than a name.
  public static func isPath(_ argument: String) -> Bool {
    argument.contains("/") || argument.hasSuffix(".theme")
  }

  /// The theme `argument` names: a path, or a name looked up along the search path.
  ///
  /// Throws only when there is nothing to load; a file that exists but is bad gives an entry with
  /// the default colours and warnings, so start-up goes on.
  public func resolve(_ argument: String) throws(ThemeLoaderError) -> ThemeEntry {
    if Self.isPath(argument) {
      let file = searchPath.absolute(argument)
      guard FileManager.default.fileExists(atPath: file) else {
        let names = availableNames()
        let suggestion = ThemeFile.name(ofPath: argument)
        throw .fileNotFound(
          argument, suggestion: names.contains(suggestion) ? suggestion : nil, available: names)
      }
      let (theme, warnings) = ThemeFile.load(path: file, displayPath: argument)
      return ThemeEntry(
        name: theme.name, place: .givenPath, path: argument, theme: theme, warnings: warnings)
    }
    if let entry = find(argument) { return entry }
    let names = availableNames()
    throw .unknownName(argument, suggestion: Self.closest(to: argument, in: names), available: names)
  }

  /// Every theme there is, each under its first place on the search path: default first, then
  /// alphabetical. For `lanes themes` and the dashboard's theme cycling.
  public func available() -> [ThemeEntry] {
    availableNames().compactMap(find)
  }

  /// The names of every theme there is, default first, then alphabetical.
  public func availableNames() -> [String] {
    var names = Set(BuiltInThemes.all.map(\.name))
    for directory in searchPath.directories {
      let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      for file in files where file.hasSuffix(".theme") && !file.hasPrefix(".") {
        names.insert(String(file.dropLast(".theme".count)))
      }
    }
    return names.sorted { a, b in
      if (a == "default") != (b == "default") { return a == "default" }
      return (a.lowercased(), a) < (b.lowercased(), b)
    }
  }

  /// The theme called `name` at its first place on the search path, or nil.
  func find(_ name: String) -> ThemeEntry? {
    guard !name.isEmpty, !name.contains("/") else { return nil }
    for directory in searchPath.directories {
      let file = directory.path + "/" + name + ".theme"
      guard FileManager.default.fileExists(atPath: file) else { continue }
      let shown = searchPath.display(file)
      let (theme, warnings) = ThemeFile.load(path: file, displayPath: shown)
      return ThemeEntry(name: name, place: directory.place, path: shown, theme: theme, warnings: warnings)
    }
    guard let text = BuiltInThemes.text(named: name) else { return nil }
    let (theme, warnings) = ThemeFile.parse(text: text, name: name, path: "built-in \(name).theme")
    return ThemeEntry(name: name, place: .builtIn, path: nil, theme: theme, warnings: warnings)
  }

  /// The name in `names` that `typed` is probably a typo of.
  static func closest(to typed: String, in names: [String]) -> String? {
    let letters = Array(typed.lowercased())
    let scored = names.map { ($0, editDistance(letters, Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, best.0.count / 3) else { return nil }
    return best.0
  }
}
