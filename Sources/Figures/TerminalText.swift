/// Untrusted text made safe to print on a terminal: one implementation for the diagnostics of
/// workflow files and for everything the commands and the dashboard host write.
public enum TerminalText {
  /// `text` with every character a terminal would act on written out as a Swift-style escape
  /// (`\u{1B}` for ESC): C0 and C1 controls, DEL, and the bidirectional marks, overrides and
  /// isolates that reorder what follows them. So an id from a file, a path or a process's output
  /// cannot move the cursor, clear the screen, retitle the window or reorder a line. With
  /// `keepingLines`, newlines and tabs stay as they are (multi-line output); without, they are
  /// written `\n` and `\t` too (a one-line message), and `\r` always is.
  public static func escaped(_ text: String, keepingLines: Bool) -> String {
    guard text.unicodeScalars.contains(where: acts) else { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count + 8)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n" where keepingLines, "\t" where keepingLines: result.unicodeScalars.append(scalar)
      case "\n": result += "\\n"
      case "\t": result += "\\t"
      case "\r": result += "\\r"
      case _ where acts(scalar): result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// Whether a terminal would do something with `scalar` rather than show it.
  public static func acts(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00..<0x20, 0x7F..<0xA0: return true
    case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
    default: return false
    }
  }
}
