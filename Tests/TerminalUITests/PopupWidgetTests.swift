import Testing

@testable import TerminalUI

@Test func popupIsCenteredSizedToContentAndClearsItsArea() {
  var screen = widgetScreen(20, 7)
  let frame = Popup(title: "Help", lines: ["q quit", StyledLine("? help", style: TestStyles.red)])
    .render(into: &screen, area: screen.bounds)
  #expect(frame == Rect(x: 5, y: 1, width: 10, height: 4))
  #expect(
    screen.lines == [
      "xxxxxxxxxxxxxxxxxxxx",
      "xxxxx┌ Help ──┐xxxxx",
      "xxxxx│ q quit │xxxxx",
      "xxxxx│ ? help │xxxxx",
      "xxxxx└────────┘xxxxx",
      "xxxxxxxxxxxxxxxxxxxx",
      "xxxxxxxxxxxxxxxxxxxx",
    ])
  #expect(screen[7, 3].style == TestStyles.red)
}

@Test func popupWithHintMinWidthAndLongLinesInASmallArea() {
  var screen = widgetScreen(12, 4)
  Popup(
    title: "Run", hint: "esc", lines: ["a very long summary line", "b", "c"], glyphs: .ascii
  ).render(into: &screen, area: screen.bounds)
  // 12 columns leave no room for the hint next to the title, so it is dropped.
  #expect(
    screen.lines == [
      "+ Run -----+",
      "| a very ~ |",
      "| b        |",
      "+----------+",
    ])
  var roomy = widgetScreen(17, 3)
  Popup(title: "Run", hint: "esc", lines: ["b"]).render(into: &roomy, area: roomy.bounds)
  #expect(roomy.lines == ["xx┌ Run ─ esc ┐xx", "xx│ b         │xx", "xx└───────────┘xx"])
  let wide = Popup(title: "", lines: ["x"], minWidth: 9)
  #expect(wide.frame(in: Rect(x: 0, y: 0, width: 20, height: 10)) == Rect(x: 5, y: 3, width: 9, height: 3))
}

@Test func popupScrollsAndSurvivesTinyAreas() {
  var screen = widgetScreen(8, 3)
  Popup(title: "", lines: ["1", "2", "3"], offset: 1).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["x┌───┐xx", "x│ 2 │xx", "x└───┘xx"])
  var tiny = widgetScreen(3, 2)
  let frame = Popup(title: "Help", lines: ["q quit"]).render(into: &tiny, area: tiny.bounds)
  #expect(frame == Rect(x: 0, y: 0, width: 3, height: 2))
  #expect(tiny.lines == ["┌─┐", "└─┘"])
  var none = widgetScreen(2, 1)
  Popup(title: "Help", lines: []).render(into: &none, area: Rect(x: 0, y: 0, width: 0, height: 0))
  #expect(none.lines == ["xx"])
}
