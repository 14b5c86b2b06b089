extension Screen {
  /// Writes `line` on row `y` from column `x` in at most `width` columns, ending in `ellipsis`
  /// (in the style of the cut span) when it does not fit. Returns the column after the last
  /// character written.
  @discardableResult
  public mutating func put(
    line: StyledLine, x: Int, y: Int, width: Int, ellipsis: String = "…", clip: Rect? = nil
  ) -> Int {
    guard width > 0 else { return x }
    let total = line.width
    let mark = total > width && ellipsis.count < width ? ellipsis : ""
    let budget = total > width ? width - mark.count : total
    var column = x
    var used = 0
    var lastStyle = line.spans.first?.style ?? .plain
    for span in line.spans where used < budget {
      let take = min(span.text.count, budget - used)
      let text = take == span.text.count ? span.text : String(span.text.prefix(take))
      column = put(text, x: column, y: y, style: span.style, clip: clip)
      used += take
      lastStyle = span.style
    }
    if !mark.isEmpty { column = put(mark, x: column, y: y, style: lastStyle, clip: clip) }
    return column
  }

  /// Writes `text` on row `y` (one of `rect`'s rows) within `rect`'s columns, aligned and
  /// truncated with `ellipsis`; the rest of the row is left as it was.
  @discardableResult
  public mutating func put(
    _ text: String, in rect: Rect, row y: Int, alignment: TextAlignment, style: Style = .plain,
    ellipsis: String = "…"
  ) -> Int {
    guard rect.width > 0 else { return rect.x }
    let cut = TextLayout.truncate(text, to: rect.width, ellipsis: ellipsis)
    let start = TextLayout.start(length: cut.count, width: rect.width, x: rect.x, alignment: alignment)
    return put(cut, x: start, y: y, style: style, clip: rect)
  }

  /// Fills `rect` with spaces in `style`: clears a widget's area before it draws.
  public mutating func clear(_ rect: Rect, style: Style = .plain) {
    fill(rect, with: Cell(" ", style: style))
  }
}

extension Screen {
  /// Writes `cell` at `x`, `y`; with `keepingBackground`, the background already there stays.
  mutating func write(_ cell: Cell, x: Int, y: Int, keepingBackground: Bool) {
    guard keepingBackground else {
      self[x, y] = cell
      return
    }
    var kept = cell
    kept.style.background = self[x, y].style.background
    self[x, y] = kept
  }
}
