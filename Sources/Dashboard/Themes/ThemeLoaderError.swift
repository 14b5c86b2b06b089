/// Why `--theme` could not be honoured at all; the CLI prints it and exits with status 2.
public enum ThemeLoaderError: Error, Sendable, Hashable, CustomStringConvertible {
  /// No theme of that name on the search path or built in.
  case unknownName(String, suggestion: String?, available: [String])
  /// A path (it contains `/` or ends in `.theme`) where there is no file.
  case fileNotFound(String, suggestion: String?, available: [String])

  /// `what is wrong; the fix`, naming the themes there are.
  public var description: String {
    switch self {
    case .unknownName(let name, let suggestion, let available):
      let hint = suggestion.map { "did you mean \(quoted(Substring($0)))? " } ?? ""
      return "unknown theme \(quoted(Substring(name))); \(hint)\(Self.choices(available))"
    case .fileNotFound(let path, let suggestion, let available):
      let hint =
        suggestion.map { "did you mean the theme \(quoted(Substring($0)))? " } ?? "check the path, or "
      return "no theme file at \(quoted(Substring(path))); \(hint)\(Self.choices(available))"
    }
  }

  private static func choices(_ available: [String]) -> String {
    "available themes: \(available.joined(separator: ", ")) (or a path to a .theme file)"
  }
}
