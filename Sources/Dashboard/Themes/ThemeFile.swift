import TerminalUI

/// Reads btop-style theme files: `theme[key]="#RRGGBB"` lines, `#` comments and blank lines.
///
/// A file patches `Theme.builtInDefault`: keys it does not set keep the default's colour, an empty
/// value (`""`) means the terminal's own colour. Nothing here throws: a line that cannot be used is
/// skipped with a warning, and a file that cannot be used at all (empty, binary, too large,
/// unreadable) gives the default colours (under the file's name) and a warning, so a bad theme never stops start-up.
public enum ThemeFile {
  /// The largest theme file read; a theme is a few KB, so anything bigger is the wrong file.
  public static let maximumBytes = 64 * 1024

  /// The theme name for a file: its last path component without `.theme`.
  public static func name(ofPath path: String) -> String {
    let file = path.split(separator: "/").last.map(String.init) ?? path
    return file.hasSuffix(".theme") ? String(file.dropLast(".theme".count)) : file
  }

  /// Parses a theme file's text; `path` is only used to name the place in warnings.
  public static func parse(text: String, name: String, path: String) -> (Theme, [ThemeWarning]) {
    if text.allSatisfy({ $0.isWhitespace || $0 == "\u{FEFF}" }) {
      return (Theme(name: name, colors: [:]), [Problem.emptyFile.warning(path: path)])
    }
    if let offset = text.utf8.firstIndex(of: 0).map({ text.utf8.distance(from: text.utf8.startIndex, to: $0) }
    ) {
      return (Theme(name: name, colors: [:]), [Problem.binary(offset: offset).warning(path: path)])
    }

    var colors: [ThemeKey: Color] = [:]
    var firstLine: [ThemeKey: Int] = [:]
    var warnings: [ThemeWarning] = []
    var lineNumber = 0
    for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
      lineNumber += 1
      let problem: Problem?
      switch ThemeLine(rawLine) {
      case .blank:
        problem = nil
      case .notASetting:
        problem = .notASetting(line: rawLine)
      case .unknownKey(let key):
        problem = .unknownKey(key)
      case .unreadableValue(let key):
        problem = .unreadableValue(key: key, line: rawLine)
      case .textAfterValue(let key, let rest):
        problem = .textAfterValue(key: key, rest: rest)
      case .setting(let key, let value):
        if let color = ThemeColorValue.parse(value) {
          if let first = firstLine[key] {
            warnings.append(
              Problem.duplicate(key: key, firstLine: first).warning(path: path, line: lineNumber))
          } else {
            firstLine[key] = lineNumber
          }
          colors[key] = color
          problem = nil
        } else {
          problem = .badColor(key: key, value: value)
        }
      }
      if let problem { warnings.append(problem.warning(path: path, line: lineNumber)) }
    }

    if colors.isEmpty && warnings.isEmpty {
      return (Theme(name: name, colors: [:]), [Problem.noSettings.warning(path: path)])
    }
    return (Theme(name: name, colors: colors), warnings)
  }
}
