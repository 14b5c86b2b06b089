/// Fitting text into a number of columns. Every character counts as one column, as in `Screen`.
public enum TextLayout {
  /// `text` cut to at most `width` columns, ending in `ellipsis` if it was cut.
  ///
  /// When even the ellipsis does not fit, the text is cut without it, so no column is wasted.
  /// Breaks `text` into lines of at most `width` characters, at spaces where it can and mid-word
  /// where a word is longer than a line, so nothing is cut off: what a detail view shows whole.
  public static func wrap(_ text: String, to width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = ""
      for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
        var word = Substring(word)
        if !line.isEmpty && line.count + 1 + word.count > width {
          lines.append(line)
          line = ""
        }
        while word.count > width {
          if !line.isEmpty {
            lines.append(line)
            line = ""
          }
          lines.append(String(word.prefix(width)))
          word = word.dropFirst(width)
        }
        line += (line.isEmpty ? "" : " ") + word
      }
      lines.append(line)
    }
    return lines
  }

  public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
    guard width > 0 else { return "" }
    guard text.count > width else { return text }
    let mark = ellipsis.count < width ? ellipsis : ""
    return String(text.prefix(width - mark.count)) + mark
  }

  /// `text` padded with `pad` to exactly `width` columns (truncated with `ellipsis` if longer).
  public static func fit(
    _ text: String, to width: Int, alignment: TextAlignment = .left, ellipsis: String = "…",
    pad: Character = " "
  ) -> String {
    guard width > 0 else { return "" }
    let cut = truncate(text, to: width, ellipsis: ellipsis)
    let spare = width - cut.count
    guard spare > 0 else { return cut }
    let left: Int
    switch alignment {
    case .left: left = 0
    case .right: left = spare
    case .center: left = spare / 2
    }
    return String(repeating: pad, count: left) + cut + String(repeating: pad, count: spare - left)
  }

  /// The column where text of `length` starts when aligned in `width` columns from `x`.
  public static func start(length: Int, width: Int, x: Int, alignment: TextAlignment) -> Int {
    let spare = max(0, width - length)
    switch alignment {
    case .left: return x
    case .right: return x + spare
    case .center: return x + spare / 2
    }
  }
}
