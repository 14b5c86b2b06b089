/// How wide a table column is.
public enum ColumnWidth: Sendable, Hashable {
  /// Exactly this many columns.
  case fixed(Int)
  /// At least `min` columns; spare width is shared between flexible columns by `weight`.
  case flexible(min: Int, weight: Int = 1)

  /// The narrowest the column may be.
  public var minimum: Int {
    switch self {
    case .fixed(let width): return max(0, width)
    case .flexible(let minimum, _): return max(0, minimum)
    }
  }
}

/// One column of a `Table`.
public struct TableColumn: Sendable, Hashable {
  /// The header text.
  public var title: String
  /// The column's width rule.
  public var width: ColumnWidth
  /// How cells (and the header) are aligned.
  public var alignment: TextAlignment
  /// Columns with lower priority are dropped first when the table is too narrow; among equal
  /// priorities the rightmost goes first.
  public var priority: Int

  /// Creates a column.
  public init(
    _ title: String, width: ColumnWidth, alignment: TextAlignment = .left, priority: Int = 0
  ) {
    self.title = title
    self.width = width
    self.alignment = alignment
    self.priority = priority
  }
}

/// One cell of a `Table`.
public struct TableCell: Sendable, Hashable, ExpressibleByStringLiteral {
  /// The text.
  public var text: String
  /// Its style; nil uses the row's style.
  public var style: Style?

  /// Creates a cell.
  public init(_ text: String, style: Style? = nil) {
    self.text = text
    self.style = style
  }

  /// A cell from a literal.
  public init(stringLiteral value: String) { self.init(value) }
}

/// One row of a `Table`.
public struct TableRow: Sendable, Hashable {
  /// Cells, one per column (missing cells are blank, extra cells ignored).
  public var cells: [TableCell]
  /// The row's style; nil uses the table's `rowStyle`.
  public var style: Style?

  /// Creates a row.
  public init(_ cells: [TableCell], style: Style? = nil) {
    self.cells = cells
    self.style = style
  }

  /// Creates a row of plain cells from strings.
  public init(texts: [String], style: Style? = nil) {
    self.init(texts.map { TableCell($0) }, style: style)
  }
}
