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
  /// True to keep the background already on the screen (a selected table row's) instead of
  /// `style`'s.
  public var keepsBackground: Bool

  /// Creates a sparkline.
  public init(
    values: [Double], maxValue: Double? = nil, style: Style = .plain, glyphs: Glyphs = .unicode,
    keepsBackground: Bool = false
  ) {
    self.values = values
    self.maxValue = maxValue
    self.style = style
    self.glyphs = glyphs
    self.keepsBackground = keepsBackground
  }

  /// Draws the sparkline, clearing `area` first.
  public func render(into screen: inout Screen, area: Rect) {
    guard !area.isEmpty else { return }
    let shown = Array(values.suffix(area.width))
    let top = maxValue ?? ColumnScale.maximum(shown)
    let startX = area.maxX - shown.count
    for x in area.x..<area.maxX {
      let height = x >= startX ? ColumnScale.eighths(shown[x - startX], maximum: top, rows: area.height) : 0
      for row in 0..<area.height {
        let level = ColumnScale.eighths(inRow: row, of: height)
        screen.write(
          Cell(glyphs.verticalBlock(eighths: level), style: style), x: x, y: area.maxY - 1 - row,
          keepingBackground: keepsBackground)
      }
    }
  }
}
