/// Styled lines, one per row, cut to the width with an ellipsis; the newest at the bottom (or the
/// top), optionally scrolled back.
///
/// Lines fill from the top edge. When scrolled back, the row at the newest edge says how many
/// newer lines are hidden (`▼ 12 newer`), so the view never looks live when it is not.
public struct LogView: Sendable {
  /// The lines, oldest first.
  public var lines: [StyledLine]
  /// True to put the newest line at the bottom (a tail); false for newest at the top.
  public var newestAtBottom: Bool
  /// How many of the newest lines are scrolled out of view.
  public var scrollBack: Int
  /// Style the area is cleared with.
  public var background: Style
  /// Style of the "newer lines" indicator.
  public var indicatorStyle: Style
  /// The characters to draw with.
  public var glyphs: Glyphs

  /// Creates a log view.
  public init(
    lines: [StyledLine], newestAtBottom: Bool = true, scrollBack: Int = 0,
    background: Style = .plain, indicatorStyle: Style = Style(attributes: .reverse),
    glyphs: Glyphs = .unicode
  ) {
    self.lines = lines
    self.newestAtBottom = newestAtBottom
    self.scrollBack = scrollBack
    self.background = background
    self.indicatorStyle = indicatorStyle
    self.glyphs = glyphs
  }

  /// The largest useful `scrollBack` for `lineCount` lines in `rows` rows.
  public static func maxScrollBack(lineCount: Int, rows: Int) -> Int {
    max(0, lineCount - max(1, rows - 1))
  }

  /// Draws the lines, clearing `area` first.
  public func render(into screen: inout Screen, area: Rect) {
    guard !area.isEmpty else { return }
    screen.clear(area, style: background)
    let back = min(max(0, scrollBack), lines.count)
    let showIndicator = back > 0 && area.height >= 2
    let rows = area.height - (showIndicator ? 1 : 0)
    var shown = Array(lines.dropLast(back).suffix(rows))
    if !newestAtBottom { shown.reverse() }
    let firstRow = newestAtBottom ? area.y : area.y + (showIndicator ? 1 : 0)
    for (offset, line) in shown.enumerated() {
      screen.put(
        line: line, x: area.x, y: firstRow + offset, width: area.width, ellipsis: glyphs.ellipsis)
    }
    if showIndicator {
      let arrow = newestAtBottom ? glyphs.arrowDown : glyphs.arrowUp
      let y = newestAtBottom ? area.maxY - 1 : area.y
      let row = Rect(x: area.x, y: y, width: area.width, height: 1)
      screen.clear(row, style: indicatorStyle)
      screen.put(
        "\(arrow) \(back) newer", in: row, row: y, alignment: .left, style: indicatorStyle,
        ellipsis: glyphs.ellipsis)
    }
  }
}
