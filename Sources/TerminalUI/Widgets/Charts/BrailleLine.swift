/// Draws one series as braille dots: 4 dot rows per cell, one sample per cell column.
struct BrailleLine {
  /// The samples, oldest first.
  var values: [Double]
  /// The line's style.
  var style: Style
  /// The value at the top of the plot.
  var top: Double

  /// Dot bits by row from the top of the cell, for the left and the right dot column.
  private static let leftBits: [UInt32] = [0x01, 0x02, 0x04, 0x40]
  private static let rightBits: [UInt32] = [0x08, 0x10, 0x20, 0x80]

  /// The dot row (0 = bottom of the plot) of `value`, or nil for a missing sample.
  func dotRow(_ value: Double, dots: Int) -> Int? {
    guard value.isFinite, dots > 0 else { return nil }
    guard top > 0 else { return 0 }
    let scaled = min(Double(dots - 1), max(0, (value / top * Double(dots - 1)).rounded()))
    return Int(scaled)
  }

  /// Adds the dots to the plot; cells that already hold braille keep their dots.
  func draw(into screen: inout Screen, plot: Rect) {
    guard !plot.isEmpty else { return }
    let dots = plot.height * 4
    let shown = Array(values.suffix(plot.width))
    let startX = plot.maxX - shown.count
    // The sample before the first shown one, so a jump at the left edge still shows.
    var previous: Int? =
      values.count > shown.count ? dotRow(values[values.count - shown.count - 1], dots: dots) : nil
    for (offset, value) in shown.enumerated() {
      guard let row = dotRow(value, dots: dots) else {
        previous = nil
        continue
      }
      let x = startX + offset
      // The left dot column strokes from the previous level, so a jump is a vertical line.
      let from = previous.map { $0 < row ? $0 + 1 : ($0 > row ? $0 - 1 : row) } ?? row
      for dot in min(from, row)...max(from, row) { setDot(dot, left: true, x: x, plot: plot, in: &screen) }
      setDot(row, left: false, x: x, plot: plot, in: &screen)
      previous = row
    }
  }

  private func setDot(_ dot: Int, left: Bool, x: Int, plot: Rect, in screen: inout Screen) {
    let y = plot.maxY - 1 - dot / 4
    let fromTop = 3 - dot % 4
    let bit = left ? BrailleLine.leftBits[fromTop] : BrailleLine.rightBits[fromTop]
    var cell = screen[x, y]
    var bits: UInt32 = 0
    if let scalar = cell.character.unicodeScalars.first, (0x2800...0x28FF).contains(scalar.value) {
      bits = scalar.value - 0x2800
    } else if cell.character != " " {
      // Drawn over an area's block: keep the area's colour behind the dots.
      cell.style = Style(
        foreground: style.foreground, background: cell.style.foreground, attributes: style.attributes)
      cell.character = Character(Unicode.Scalar(0x2800 + bit)!)
      screen[x, y] = cell
      return
    }
    let background = bits == 0 ? screen[x, y].style.background : cell.style.background
    screen[x, y] = Cell(
      Character(Unicode.Scalar(0x2800 + (bits | bit))!),
      style: Style(foreground: style.foreground, background: background, attributes: style.attributes))
  }
}
