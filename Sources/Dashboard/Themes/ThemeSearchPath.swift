import Foundation

/// The facts the theme search path depends on, passed in so tests need not touch the real
/// working directory, home or executable.
public struct ThemeSearchPath: Sendable, Hashable {
  /// The working directory, absolute.
  public var workingDirectory: String
  /// The environment (`XDG_CONFIG_HOME`, `HOME`).
  public var environment: [String: String]
  /// The folder holding the executable, symlinks resolved; nil if unknown.
  public var executableDirectory: String?

  /// Creates a search path from explicit facts.
  public init(workingDirectory: String, environment: [String: String], executableDirectory: String?) {
    self.workingDirectory = workingDirectory
    self.environment = environment
    self.executableDirectory = executableDirectory
  }

  /// The search path of this process.
  public static func current() -> ThemeSearchPath {
    ThemeSearchPath(
      workingDirectory: FileManager.default.currentDirectoryPath,
      environment: ProcessInfo.processInfo.environment,
      executableDirectory: Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()
        .path
    )
  }

  /// The folders searched, in order, each once; the built-in themes come after all of them.
  public var directories: [ThemeDirectory] {
    var candidates = [ThemeDirectory(path: absolute("themes"), place: .workingDirectory)]
    if let config = configHome {
      candidates.append(ThemeDirectory(path: normalized(config + "/lanes/themes"), place: .userConfig))
    }
    if let executable = executableDirectory {
      candidates.append(ThemeDirectory(path: absolute(executable + "/themes"), place: .installed))
      candidates.append(
        ThemeDirectory(path: absolute(executable + "/../share/lanes/themes"), place: .installed))
    }
    var seen: Set<String> = []
    return candidates.filter { seen.insert($0.path).inserted }
  }

  /// `$XDG_CONFIG_HOME`, or `$HOME/.config`; the XDG spec says to ignore a relative value.
  var configHome: String? {
    if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg }
    if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.config" }
    return nil
  }

  /// `path` made absolute against the working directory (with `~/` meaning `$HOME`), normalized.
  func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return normalized(path) }
    if path == "~" || path.hasPrefix("~/"), let home = environment["HOME"], home.hasPrefix("/") {
      return normalized(home + path.dropFirst())
    }
    return normalized(workingDirectory + "/" + path)
  }

  /// A shorter way to show `path`: relative to the working directory, or with `~` for the home.
  func display(_ path: String) -> String {
    let base = normalized(workingDirectory)
    if base != "/", path.hasPrefix(base + "/") { return String(path.dropFirst(base.count + 1)) }
    if let home = environment["HOME"].map(normalized), home != "/", path.hasPrefix(home + "/") {
      return "~" + path.dropFirst(home.count)
    }
    return path
  }
}

/// `path` without empty, `.` and `..` parts, by text alone (symlinks are left as they are).
func normalized(_ path: String) -> String {
  var parts: [Substring] = []
  for part in path.split(separator: "/") {
    switch part {
    case ".": continue
    case "..": if !parts.isEmpty { parts.removeLast() }
    default: parts.append(part)
    }
  }
  return "/" + parts.joined(separator: "/")
}
