extension Screen {
  /// The cells that differ from `previous`, as runs of same-style cells on one row, top to bottom,
  /// left to right. Everything (blank cells included) when `previous` is nil or of another size,
  /// because then nothing on the terminal can be trusted.
  public func changes(from previous: Screen?) -> [ScreenRun] {
    let width = size.width
    guard width > 0, size.height > 0 else { return [] }
    let old: [Cell]? = previous.flatMap { $0.size == size ? $0.cells : nil }
    var runs: [ScreenRun] = []
    for row in 0..<size.height {
      let base = row * width
      var start = -1
      var text = ""
      var style = Style.plain
      for column in 0..<width {
        let cell = cells[base + column]
        let changed = old == nil || old![base + column] != cell
        if changed, start >= 0, cell.style == style {
          text.append(cell.character)
          continue
        }
        if start >= 0 {
          runs.append(ScreenRun(x: start, y: row, text: text, style: style))
          start = -1
        }
        if changed {
          start = column
          text = String(cell.character)
          style = cell.style
        }
      }
      if start >= 0 { runs.append(ScreenRun(x: start, y: row, text: text, style: style)) }
    }
    return runs
  }
}
