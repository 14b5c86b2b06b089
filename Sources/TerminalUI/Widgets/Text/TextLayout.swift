/// Fitting text into a number of columns. Every character counts as one column, as in `Screen`.
public enum TextLayout {
  /// `text` cut to at most `width` columns, ending in `ellipsis` if it was cut.
  ///
  /// When even the ellipsis does not fit, the text is cut without it, so no column is wasted.
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
