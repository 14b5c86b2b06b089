import Testing

@testable import TerminalUI

private let columns = [
  TableColumn("Step", width: .flexible(min: 4)),
  TableColumn("p50", width: .fixed(5), alignment: .right),
  TableColumn("Runs", width: .fixed(4), alignment: .right, priority: -1),
]

private let rows = [
  TableRow(["checkout", "12ms", "5"]),
  TableRow(["charge", "1.2s", TableCell("12", style: TestStyles.red)]),
  TableRow(["email", "3ms", "1"]),
]

@Test func tableDrawsHeaderRowsAndSelectedMarker() {
  var screen = widgetScreen(22, 5)
  let selected = Style(foreground: .rgb(0, 0, 0), background: .rgb(255, 255, 0))
  let table = Table(
    columns: columns, rows: rows, selected: 2, headerStyle: TestStyles.blue,
    selectedStyle: selected)
  let offset = table.render(into: &screen, area: Rect(x: 1, y: 0, width: 20, height: 4))
  #expect(offset == 0)
  #expect(
    screen.lines == [
      "x  Step      p50 Runsx",
      "x  checko…  12ms    5x",
      "x  charge   1.2s   12x",
      "x▶ email     3ms    1x",
      "xxxxxxxxxxxxxxxxxxxxxx",
    ])
  #expect(screen[3, 0].style == TestStyles.blue)
  #expect(screen[20, 2].style == TestStyles.red)
  #expect(screen[19, 2].style == TestStyles.red)
  #expect(screen[18, 2].style == .plain)
  for column in 1...20 { #expect(screen[column, 3].style == selected, "column \(column)") }
}

@Test func tableDropsLowestPriorityColumnWhenNarrow() {
  var screen = widgetScreen(12, 2)
  Table(columns: columns, rows: rows).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["  Step   p50", "  che…  12ms"])
  #expect(Table(columns: columns, rows: rows).layout(width: 12).map(\.column) == [0, 1])
}

@Test func tableDropsRightmostAmongEqualPrioritiesAndClipsTheLastColumn() {
  let equal = [
    TableColumn("A", width: .fixed(3)), TableColumn("B", width: .fixed(3)),
    TableColumn("C", width: .fixed(3)),
  ]
  let table = Table(columns: equal, rows: [], showsMarker: false)
  #expect(table.layout(width: 7).map(\.column) == [0, 1])
  #expect(table.layout(width: 2) == [Table.Placement(column: 0, x: 0, width: 2)])
  #expect(table.layout(width: 0).isEmpty)
}

@Test func flexibleColumnsShareSpareWidthByWeight() {
  let table = Table(
    columns: [
      TableColumn("a", width: .flexible(min: 2, weight: 1)),
      TableColumn("b", width: .flexible(min: 2, weight: 2)),
    ], rows: [], columnSpacing: 0, showsMarker: false)
  #expect(table.layout(width: 10).map(\.width) == [4, 6])
}

@Test func tableScrollsToKeepSelectionVisible() {
  #expect(Table.scrollOffset(selected: 4, offset: 0, visibleRows: 2, rowCount: 5) == 3)
  #expect(Table.scrollOffset(selected: 0, offset: 3, visibleRows: 2, rowCount: 5) == 0)
  #expect(Table.scrollOffset(selected: 2, offset: 1, visibleRows: 2, rowCount: 5) == 1)
  #expect(Table.scrollOffset(selected: nil, offset: 10, visibleRows: 2, rowCount: 5) == 3)
  #expect(Table.scrollOffset(selected: 9, offset: 0, visibleRows: 2, rowCount: 5) == 3)
  #expect(Table.scrollOffset(selected: 1, offset: 0, visibleRows: 0, rowCount: 5) == 0)

  var screen = widgetScreen(14, 3)
  let many = (0..<5).map { TableRow(texts: ["row\($0)", "\($0)", ""]) }
  let offset = Table(columns: columns, rows: many, selected: 4, glyphs: .ascii)
    .render(into: &screen, area: screen.bounds)
  #expect(offset == 3)
  #expect(screen.lines == ["  Step     p50", "  row3       3", "> row4       4"])
}

@Test func emptyTableShowsPlaceholderAndHeightOneShowsHeaderOnly() {
  var screen = widgetScreen(16, 3)
  Table(columns: columns, rows: [], emptyText: "no steps yet").render(
    into: &screen, area: screen.bounds)
  #expect(screen.lines == ["  Step       p50", "no steps yet    ", "                "])
  var one = widgetScreen(16, 1)
  Table(columns: columns, rows: rows, selected: 0).render(into: &one, area: one.bounds)
  #expect(one.lines == ["  Step       p50"])
}

@Test func tableInTinyAreas() {
  for width in 0...3 {
    var screen = widgetScreen(4, 2)
    Table(columns: columns, rows: rows, selected: 0).render(
      into: &screen, area: Rect(x: 0, y: 0, width: width, height: 2))
    let expected: [[String]] = [
      ["xxxx", "xxxx"], [" xxx", "▶xxx"], ["  xx", "▶ xx"], ["  Sx", "▶ cx"],
    ]
    #expect(screen.lines == expected[width], "width \(width)")
  }
}

@Test func rowStyleAppliesToCellsAndPaddingButCellStylesWin() {
  var screen = widgetScreen(10, 2)
  Table(
    columns: [TableColumn("a", width: .fixed(3)), TableColumn("b", width: .fixed(3))],
    rows: [TableRow([TableCell("1"), TableCell("2", style: TestStyles.red)], style: TestStyles.green)],
    showsMarker: false
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["a   b     ", "1   2     "])
  #expect(screen[0, 1].style == TestStyles.green)
  #expect(screen[1, 1].style == TestStyles.green)
  #expect(screen[4, 1].style == TestStyles.red)
  #expect(screen[9, 1].style == TestStyles.green)
}

@Test func centeredHeaderAndMissingCells() {
  var screen = widgetScreen(9, 2)
  Table(
    columns: [TableColumn("ab", width: .fixed(4), alignment: .center), TableColumn("c", width: .fixed(4))],
    rows: [TableRow(texts: ["x"])], showsMarker: false
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == [" ab  c   ", " x       "])
}
