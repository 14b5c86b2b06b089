/// Rows under a header, with a selected row, scrolling and columns that drop when space is short.
///
/// The selected row gets `selectedStyle` over its whole width and a marker (`▶`/`>`) in a
/// two-column gutter, so it shows without colour. The table is a value: the caller keeps the
/// scroll offset (the one `render` returns) and passes it back next frame.
public struct Table: Sendable {
  /// The columns, left to right.
  public var columns: [TableColumn]
  /// The rows, top to bottom.
  public var rows: [TableRow]
  /// The selected row's index, if any.
  public var selected: Int?
  /// The first row shown; adjusted on render so the selection is visible.
  public var offset: Int
  /// Style of the header row.
  public var headerStyle: Style
  /// Style of ordinary rows (cells without their own style).
  public var rowStyle: Style
  /// Style of the selected row, applied to all its cells (it replaces cell and row styles).
  public var selectedStyle: Style
  /// Spaces between columns.
  public var columnSpacing: Int
  /// True to reserve a two-column gutter for the selection marker.
  public var showsMarker: Bool
  /// Shown (in `rowStyle`, dimmed) when there are no rows.
  public var emptyText: String
  /// The characters to draw with.
  public var glyphs: Glyphs

  /// Creates a table.
  public init(
    columns: [TableColumn], rows: [TableRow], selected: Int? = nil, offset: Int = 0,
    headerStyle: Style = Style(attributes: .bold), rowStyle: Style = .plain,
    selectedStyle: Style = Style(attributes: .reverse), columnSpacing: Int = 1,
    showsMarker: Bool = true, emptyText: String = "", glyphs: Glyphs = .unicode
  ) {
    self.columns = columns
    self.rows = rows
    self.selected = selected
    self.offset = offset
    self.headerStyle = headerStyle
    self.rowStyle = rowStyle
    self.selectedStyle = selectedStyle
    self.columnSpacing = columnSpacing
    self.showsMarker = showsMarker
    self.emptyText = emptyText
    self.glyphs = glyphs
  }

  /// Where a column lands: its index in `columns`, its first column and its width.
  public struct Placement: Sendable, Hashable {
    /// Index into `columns`.
    public var column: Int
    /// Screen column offset from the table's left edge.
    public var x: Int
    /// Width in columns.
    public var width: Int
  }

  /// The columns that fit in `width` (after the marker gutter) and where they go.
  public func layout(width: Int) -> [Placement] {
    let gutter = showsMarker ? 2 : 0
    let available = width - gutter
    guard available > 0, !columns.isEmpty else { return [] }
    var kept = Array(columns.indices)
    func needed(_ set: [Int]) -> Int {
      set.reduce(0) { $0 + columns[$1].width.minimum } + max(0, set.count - 1) * columnSpacing
    }
    while kept.count > 1, needed(kept) > available {
      // Lowest priority first; among equals, the rightmost.
      let drop = kept.indices.min { a, b in
        let (pa, pb) = (columns[kept[a]].priority, columns[kept[b]].priority)
        return pa != pb ? pa < pb : a > b
      }!
      kept.remove(at: drop)
    }
    var widths = kept.map { columns[$0].width.minimum }
    var spare = available - needed(kept)
    let flexible = kept.indices.compactMap { i -> (Int, Int)? in
      if case .flexible(_, let weight) = columns[kept[i]].width { return (i, max(0, weight)) }
      return nil
    }
    let totalWeight = flexible.reduce(0) { $0 + $1.1 }
    if spare > 0, totalWeight > 0 {
      let share = spare
      for (i, weight) in flexible {
        let extra = share * weight / totalWeight
        widths[i] += extra
        spare -= extra
      }
      // Rounding leftovers go to the last flexible column with weight.
      if let last = flexible.last(where: { $0.1 > 0 }) { widths[last.0] += spare }
    }
    var placements: [Placement] = []
    var x = gutter
    for (i, column) in kept.enumerated() {
      let w = min(widths[i], max(0, width - x))
      placements.append(Placement(column: column, x: x, width: w))
      x += widths[i] + columnSpacing
    }
    return placements
  }

  /// The offset that keeps `selected` visible with `visibleRows` rows shown, starting from
  /// `offset`, and never scrolls past the last row.
  public static func scrollOffset(selected: Int?, offset: Int, visibleRows: Int, rowCount: Int)
    -> Int
  {
    guard visibleRows > 0, rowCount > 0 else { return 0 }
    var result = offset
    if let selected {
      let clamped = min(max(0, selected), rowCount - 1)
      if clamped < result { result = clamped }
      if clamped >= result + visibleRows { result = clamped - visibleRows + 1 }
    }
    return min(max(0, result), max(0, rowCount - visibleRows))
  }

  /// Draws the table (clearing `area`) and returns the scroll offset used.
  @discardableResult
  public func render(into screen: inout Screen, area: Rect) -> Int {
    guard !area.isEmpty else { return offset }
    screen.clear(area, style: rowStyle)
    let placements = layout(width: area.width)
    // Header.
    screen.setStyle(headerStyle, in: Rect(x: area.x, y: area.y, width: area.width, height: 1))
    for placement in placements {
      let column = columns[placement.column]
      let rect = Rect(x: area.x + placement.x, y: area.y, width: placement.width, height: 1)
      screen.put(
        column.title, in: rect, row: area.y, alignment: column.alignment, style: headerStyle,
        ellipsis: glyphs.ellipsis)
    }
    let visibleRows = area.height - 1
    guard visibleRows > 0 else { return offset }
    if rows.isEmpty {
      let rect = Rect(x: area.x, y: area.y + 1, width: area.width, height: 1)
      screen.put(
        emptyText, in: rect, row: area.y + 1, alignment: .left, style: rowStyle.with(.dim),
        ellipsis: glyphs.ellipsis)
      return 0
    }
    let first = Table.scrollOffset(
      selected: selected, offset: offset, visibleRows: visibleRows, rowCount: rows.count)
    for line in 0..<min(visibleRows, rows.count - first) {
      let index = first + line
      let row = rows[index]
      let y = area.y + 1 + line
      let isSelected = index == selected
      let baseStyle = isSelected ? selectedStyle : (row.style ?? rowStyle)
      screen.clear(Rect(x: area.x, y: y, width: area.width, height: 1), style: baseStyle)
      if isSelected, showsMarker, area.width >= 1 {
        screen[area.x, y] = Cell(glyphs.selectionMarker, style: selectedStyle)
      }
      for placement in placements {
        let cell = placement.column < row.cells.count ? row.cells[placement.column] : TableCell("")
        let style = isSelected ? selectedStyle : (cell.style ?? baseStyle)
        let rect = Rect(x: area.x + placement.x, y: y, width: placement.width, height: 1)
        screen.put(
          cell.text, in: rect, row: y, alignment: columns[placement.column].alignment,
          style: style, ellipsis: glyphs.ellipsis)
      }
    }
    return first
  }
}
