/// A plain-text table for terminal output: a header, aligned columns, optional rule lines.
struct TextTable {
  /// How a column's cells line up.
  enum Alignment { case left, right }

  /// A column: its title and alignment.
  struct Column {
    var title: String
    var alignment: Alignment
    init(_ title: String, _ alignment: Alignment = .right) {
      self.title = title
      self.alignment = alignment
    }
  }

  /// A row of cells, or a horizontal rule.
  enum Row {
    case cells([String])
    case rule
  }

  var columns: [Column]
  var rows: [Row] = []
  /// Spaces between columns.
  var gap = 2

  init(columns: [Column]) { self.columns = columns }

  mutating func add(_ cells: [String]) { rows.append(.cells(cells)) }
  mutating func addRule() { rows.append(.rule) }

  /// The table as lines, each without trailing spaces.
  func render() -> [String] {
    var widths = columns.map { $0.title.count }
    for case .cells(let cells) in rows {
      for (index, cell) in cells.enumerated() where index < widths.count {
        widths[index] = max(widths[index], cell.count)
      }
    }
    let total = widths.reduce(0, +) + gap * max(0, widths.count - 1)
    func line(_ cells: [String]) -> String {
      var text = ""
      for (index, column) in columns.enumerated() {
        let cell = index < cells.count ? cells[index] : ""
        let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
        if index > 0 { text += String(repeating: " ", count: gap) }
        text += column.alignment == .left ? cell + padding : padding + cell
      }
      while text.last == " " { text.removeLast() }
      return text
    }
    var lines = [line(columns.map(\.title)), String(repeating: "─", count: total)]
    for row in rows {
      switch row {
      case .cells(let cells): lines.append(line(cells))
      case .rule: lines.append(String(repeating: "─", count: total))
      }
    }
    return lines
  }
}
