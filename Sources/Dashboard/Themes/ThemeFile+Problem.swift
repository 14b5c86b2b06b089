extension ThemeFile {
  /// Everything that can be wrong with a theme file, each with its wording and its fix.
  enum Problem: Equatable {
    case emptyFile
    case noSettings
    case binary(offset: Int)
    case notUTF8(offset: Int, byte: UInt8)
    case tooLarge(bytes: Int)
    case notRegularFile(kind: String)
    case unreadable(reason: String)
    case notASetting(line: Substring)
    case unknownKey(Substring)
    case unreadableValue(key: ThemeKey, line: Substring)
    case textAfterValue(key: ThemeKey, rest: Substring)
    case badColor(key: ThemeKey, value: Substring)
    case duplicate(key: ThemeKey, firstLine: Int)

    /// The warning for this problem at `path` (and `line`, for problems with one line).
    func warning(path: String, line: Int? = nil) -> ThemeWarning {
      let (problem, fix) = wording
      return ThemeWarning(path: path, line: line, problem: problem, fix: fix)
    }

    private static let usingDefault = "so the default colours are used"
    private static let example = ##"add lines like theme[main_fg]="#CCCCCC""##
    private static let giveATextFile = "give --theme a .theme text file"

    private var wording: (problem: String, fix: String) {
      switch self {
      case .emptyFile:
        return ("the file is empty, \(Self.usingDefault)", Self.example)
      case .noSettings:
        return ("the file sets no colours, \(Self.usingDefault)", Self.example)
      case .binary(let offset):
        return (
          "the file looks binary (a NUL byte at offset \(offset)), \(Self.usingDefault)", Self.giveATextFile
        )
      case .notUTF8(let offset, let byte):
        return (
          "the file is not UTF-8 text (byte \(hexByte(byte)) at offset \(offset)), \(Self.usingDefault)",
          "save it as UTF-8"
        )
      case .tooLarge(let bytes):
        return (
          "the file is \(bytes) bytes, over the \(ThemeFile.maximumBytes)-byte limit for a theme, \(Self.usingDefault)",
          Self.giveATextFile + " (a theme is a few KB)"
        )
      case .notRegularFile(let kind):
        return ("not a regular file (\(kind)), \(Self.usingDefault)", Self.giveATextFile)
      case .unreadable(let reason):
        return (
          "cannot read the file (\(reason)), \(Self.usingDefault)",
          "check that it exists and that you may read it"
        )
      case .notASetting(let line):
        return (
          "not a theme setting: \(quoted(line))", ##"write theme[key]="#RRGGBB", or start a comment with #"##
        )
      case .unknownKey(let key):
        if let suggestion = ThemeKey.suggestion(for: key) {
          return ("unknown key \(quoted(key))", "did you mean \(quoted(Substring(suggestion.rawValue)))?")
        }
        return ("unknown key \(quoted(key))", "remove the line; default.theme lists every key")
      case .unreadableValue(let key, let line):
        return (
          "cannot read the value of theme[\(key.rawValue)] in \(quoted(line))",
          ##"write theme[\##(key.rawValue)]="#RRGGBB", or "" for the terminal's colour"##
        )
      case .textAfterValue(let key, let rest):
        return (
          "unexpected text after the value of theme[\(key.rawValue)]: \(quoted(rest))",
          "remove it, or start a comment with #"
        )
      case .badColor(let key, let value):
        let problem = "theme[\(key.rawValue)]=\(quoted(value)) is not a colour"
        if let suggestion = ThemeColorValue.suggestion(for: value) {
          return (problem, ##"write "\##(suggestion)"; colours are "#RRGGBB""##)
        }
        return (problem, ##"write "#RRGGBB" (six hex digits), or "" for the terminal's colour"##)
      case .duplicate(let key, let firstLine):
        return (
          "theme[\(key.rawValue)] is set again (first on line \(firstLine)), the last value wins",
          "remove one of the two lines"
        )
      }
    }
  }
}

/// `text` in double quotes with control characters escaped, cut after 40 characters so one
/// runaway line cannot flood the terminal.
func quoted(_ text: Substring) -> String {
  let limit = 40
  let shown = text.count > limit ? String(text.prefix(limit)) + "…" : String(text)
  return shown.debugDescription
}

/// `0xAB`.
private func hexByte(_ byte: UInt8) -> String {
  let digits = Array("0123456789ABCDEF")
  return "0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
}
