/// Values as a row of blocks (`▁▂▃▄▅▆▇█`), newest on the right, scaled to the largest shown value
/// or to `maxValue`.
///
/// Taller areas stack blocks, eight steps per row. Columns with no sample are blank; any
/// positive value shows at least the lowest block.
public struct Sparkline: Sendable {
  /// The samples, oldest first; only the last `area.width` are shown.
  public var values: [Double]
  /// The value that fills a column; nil scales to the largest value shown.
  public var maxValue: Double?
  /// The blocks' style.
  public var style: Style
  /// The characters to draw with.
  public var glyphs: Glyphs

  /// Creates a sparkline.
  public init(values: [Double], maxValue: Double? = nil, style: Style = .plain, glyphs: Glyphs = .unicode) {
    self.values = values
    self.maxValue = maxValue
    self.style = style
    self.glyphs = glyphs
  }

  /// Draws the sparkline, clearing `area` first.
  public func render(into screen: inout Screen, area: Rect) {
    guard !area.isEmpty else { return }
    screen.clear(area, style: style)
    let shown = values.suffix(area.width)
    let top = maxValue ?? ColumnScale.maximum(shown)
    let startX = area.maxX - shown.count
    for (offset, value) in shown.enumerated() {
      let height = ColumnScale.eighths(value, maximum: top, rows: area.height)
      for row in 0..<area.height {
        let level = ColumnScale.eighths(inRow: row, of: height)
        screen[startX + offset, area.maxY - 1 - row] = Cell(
          glyphs.verticalBlock(eighths: level), style: style)
      }
    }
  }
}
