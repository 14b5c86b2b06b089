import Testing

@testable import TerminalUI

@Test func boxDrawsTitleAndRightTitleAndReturnsInner() {
  var screen = widgetScreen(22, 5)
  let inner = Box(title: "Queues", rightTitle: "q").render(
    into: &screen, area: Rect(x: 1, y: 0, width: 20, height: 4))
  #expect(inner == Rect(x: 2, y: 1, width: 18, height: 2))
  #expect(
    screen.lines == [
      "x┌ Queues ─────── q ┐x",
      "x│xxxxxxxxxxxxxxxxxx│x",
      "x│xxxxxxxxxxxxxxxxxx│x",
      "x└──────────────────┘x",
      "xxxxxxxxxxxxxxxxxxxxxx",
    ])
}

@Test func focusedBoxUsesHeavyBorderAndFocusedStyle() {
  var screen = widgetScreen(6, 3)
  Box(title: "", isFocused: true, borderStyle: TestStyles.gray, focusedStyle: TestStyles.green)
    .render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["┏━━━━┓", "┃xxxx┃", "┗━━━━┛"])
  #expect(screen[0, 0].style == TestStyles.green)
  var unfocused = widgetScreen(3, 2)
  Box(borderStyle: TestStyles.gray).render(into: &unfocused, area: unfocused.bounds)
  #expect(unfocused[1, 0].style == TestStyles.gray)
}

@Test func boxTitleIsTruncatedAndRightTitleDroppedWhenNarrow() {
  var screen = widgetScreen(10, 2)
  Box(title: "Latency p50/p99", rightTitle: "l: log").render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["┌ Laten… ┐", "└────────┘"])
}

@Test func boxInAsciiWithBackgroundClearsInside() {
  var screen = widgetScreen(7, 4)
  Box(title: "Log", background: .plain, glyphs: .ascii).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["+ Log +", "|     |", "|     |", "+-----+"])
  var focused = widgetScreen(5, 3)
  Box(isFocused: true, glyphs: .ascii).render(into: &focused, area: focused.bounds)
  #expect(focused.lines == ["#===#", "|xxx|", "#===#"])
}

@Test func boxInDegenerateAreas() {
  for (width, height, expected) in [
    (1, 1, ["┌xx"]), (2, 1, ["┌┐x"]), (3, 1, ["┌─┐"]), (1, 2, ["┌xx", "└xx"]),
    (2, 2, ["┌┐x", "└┘x"]),
  ] {
    var screen = widgetScreen(3, height)
    let inner = Box(title: "Title").render(
      into: &screen, area: Rect(x: 0, y: 0, width: width, height: height))
    #expect(screen.lines == expected, "\(width)x\(height)")
    #expect(inner.isEmpty)
  }
  var screen = widgetScreen(3, 1)
  Box(title: "T").render(into: &screen, area: Rect(x: 0, y: 0, width: 0, height: 1))
  #expect(screen.lines == ["xxx"])
}

@Test func boxWithOnlyARightTitle() {
  var screen = widgetScreen(9, 2)
  Box(rightTitle: "3/5").render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["┌── 3/5 ┐", "└───────┘"])
  var narrow = widgetScreen(6, 2)
  Box(rightTitle: "3/5").render(into: &narrow, area: narrow.bounds)
  #expect(narrow.lines == ["┌────┐", "└────┘"])
}
