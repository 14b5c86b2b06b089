import Testing

@testable import TerminalUI

private let lines: [StyledLine] = ["one", "two", StyledLine("three", style: TestStyles.red), "four"]

@Test func logViewShowsNewestAtBottomTruncated() {
  var screen = widgetScreen(6, 4)
  LogView(lines: lines).render(into: &screen, area: Rect(x: 1, y: 0, width: 4, height: 3))
  #expect(screen.lines == ["xtwo x", "xthr…x", "xfourx", "xxxxxx"])
  #expect(screen[1, 1].style == TestStyles.red)
  #expect(screen[4, 1].style == TestStyles.red)
}

@Test func logViewNewestAtTop() {
  var screen = widgetScreen(5, 3)
  LogView(lines: lines, newestAtBottom: false).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["four ", "three", "two  "])
}

@Test func logViewWithFewLinesFillsFromTheTop() {
  var screen = widgetScreen(4, 3)
  LogView(lines: ["one"]).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["one ", "    ", "    "])
}

@Test func scrolledBackLogSaysHowManyNewerLinesAreHidden() {
  var screen = widgetScreen(9, 3)
  let indicator = Style(attributes: .bold)
  LogView(lines: lines, scrollBack: 1, indicatorStyle: indicator).render(
    into: &screen, area: screen.bounds)
  #expect(screen.lines == ["two      ", "three    ", "▼ 1 newer"])
  #expect(screen[8, 2].style == indicator)
  var top = widgetScreen(6, 3)
  LogView(lines: lines, newestAtBottom: false, scrollBack: 2, glyphs: .ascii).render(
    into: &top, area: top.bounds)
  #expect(top.lines == ["^ 2 n~", "two   ", "one   "])
  #expect(LogView.maxScrollBack(lineCount: 10, rows: 3) == 8)
  #expect(LogView.maxScrollBack(lineCount: 1, rows: 3) == 0)
}

@Test func logViewInDegenerateAreas() {
  var screen = widgetScreen(3, 1)
  LogView(lines: lines).render(into: &screen, area: Rect(x: 0, y: 0, width: 0, height: 1))
  #expect(screen.lines == ["xxx"])
  LogView(lines: lines, scrollBack: 1).render(into: &screen, area: Rect(x: 0, y: 0, width: 2, height: 1))
  #expect(screen.lines == ["t…x"])
  LogView(lines: lines).render(into: &screen, area: Rect(x: 0, y: 0, width: 1, height: 1))
  #expect(screen.lines == ["f…x"])
}
