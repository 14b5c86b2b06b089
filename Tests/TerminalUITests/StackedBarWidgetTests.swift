import Testing

@testable import TerminalUI

@Test func stackedBarFillsWholeCellsInSegmentStyles() {
  var screen = widgetScreen(10, 1)
  StackedBar(
    segments: [
      BarSegment(value: 5, style: TestStyles.red), BarSegment(value: 2.5, style: TestStyles.green),
    ], capacity: 10, emptyStyle: TestStyles.gray
  ).render(into: &screen, area: Rect(x: 1, y: 0, width: 8, height: 1))
  #expect(screen.lines == ["x██████  x"])
  #expect((1...4).allSatisfy { screen[$0, 0].style == TestStyles.red })
  #expect((5...6).allSatisfy { screen[$0, 0].style == TestStyles.green })
  #expect((7...8).allSatisfy { screen[$0, 0].style == TestStyles.gray })
}

@Test func stackedBarDrawsBoundariesWithPartialBlocks() {
  var screen = widgetScreen(4, 1)
  StackedBar(
    segments: [
      BarSegment(value: 1.5, style: TestStyles.red), BarSegment(value: 1, style: TestStyles.green),
    ], capacity: 8
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["▊▎  "])
  #expect(screen[0, 0].style == Style(foreground: .rgb(255, 0, 0), background: .rgb(0, 255, 0)))
  #expect(screen[1, 0].style == TestStyles.green)
}

@Test func stackedBarShowsOverflow() {
  var screen = widgetScreen(5, 2)
  let bar = StackedBar(
    segments: [
      BarSegment(value: 3, style: TestStyles.red), BarSegment(value: 3, style: TestStyles.green),
    ], capacity: 4, overflowStyle: TestStyles.blue)
  #expect(bar.overflows)
  bar.render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["████▸", "████▸"])
  #expect(screen[1, 0].style == TestStyles.red)
  #expect(screen[2, 1].style == TestStyles.green)
  #expect(screen[4, 0].style == TestStyles.blue)
  var tiny = widgetScreen(2, 1)
  bar.render(into: &tiny, area: Rect(x: 0, y: 0, width: 1, height: 1))
  #expect(tiny.lines == ["▸x"])
}

@Test func stackedBarInAsciiUsesSegmentGlyphs() {
  var screen = widgetScreen(4, 1)
  StackedBar(
    segments: [
      BarSegment(value: 1, style: TestStyles.red, glyph: "="),
      BarSegment(value: 2, style: TestStyles.green, glyph: "#"),
    ], capacity: 4, emptyGlyph: ".", glyphs: .ascii
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["=##."])
}

@Test func tinyNonZeroSegmentStaysVisible() {
  var screen = widgetScreen(3, 1)
  StackedBar(segments: [BarSegment(value: 1, style: .plain)], capacity: 1000, glyphs: .ascii)
    .render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["#  "])
  let bar = StackedBar(
    segments: [
      BarSegment(value: 1000, style: .plain), BarSegment(value: 1, style: .plain),
    ], capacity: 1001)
  #expect(bar.allocate(steps: 8) == [7, 1])
}

@Test func stackedBarInDegenerateAreas() {
  var screen = widgetScreen(2, 1)
  let bar = StackedBar(segments: [BarSegment(value: 1, style: .plain)], capacity: 2)
  bar.render(into: &screen, area: Rect(x: 0, y: 0, width: 0, height: 1))
  #expect(screen.lines == ["xx"])
  bar.render(into: &screen, area: Rect(x: 0, y: 0, width: 1, height: 1))
  #expect(screen.lines == ["▌x"])
  StackedBar(segments: [], capacity: 0).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["  "])
}

@Test func gaugeShowsBarAndLabel() {
  var screen = widgetScreen(12, 1)
  Gauge(ratio: 0.5, filledStyle: TestStyles.green, labelStyle: TestStyles.blue).render(
    into: &screen, area: Rect(x: 1, y: 0, width: 10, height: 1))
  #expect(screen.lines == ["x███    50%x"])
  #expect(screen[1, 0].style == TestStyles.green)
  #expect(screen[10, 0].style == TestStyles.blue)
  var narrow = widgetScreen(4, 1)
  Gauge(ratio: 0.5).render(into: &narrow, area: narrow.bounds)
  #expect(narrow.lines == ["██  "])
  var labelled = widgetScreen(10, 1)
  Gauge(ratio: 1.5, label: "15/10", glyphs: .ascii).render(into: &labelled, area: labelled.bounds)
  #expect(labelled.lines == ["###> 15/10"])
}

@Test func stackedBarSurvivesExtremeValues() {
  let huge = StackedBar(
    segments: [
      BarSegment(value: .greatestFiniteMagnitude, style: .plain),
      BarSegment(value: .greatestFiniteMagnitude, style: .plain), BarSegment(value: .nan, style: .plain),
      BarSegment(value: -5, style: .plain),
    ], capacity: 1)
  #expect(huge.allocate(steps: 16) == [8, 8, 0, 0])
  let endless = StackedBar(segments: [BarSegment(value: 5, style: .plain)], capacity: .infinity)
  #expect(endless.allocate(steps: 16) == [1])
  let undefined = StackedBar(segments: [BarSegment(value: 5, style: .plain)], capacity: .nan)
  #expect(undefined.allocate(steps: 16) == [16])
  var screen = widgetScreen(3, 1)
  huge.render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["██▸"])
}

@Test func stackedBarCanKeepTheBackgroundBeneath() {
  let selected = Style(background: .rgb(0, 0, 128))
  var screen = Screen(size: Size(width: 4, height: 1), fill: Cell("x", style: selected))
  StackedBar(
    segments: [
      BarSegment(value: 1, style: TestStyles.red), BarSegment(value: 0.5, style: TestStyles.green),
    ], capacity: 4, emptyStyle: TestStyles.gray, emptyGlyph: "·", keepsBackground: true
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["█▌··"])
  #expect(screen[0, 0].style == Style(foreground: .rgb(255, 0, 0), background: .rgb(0, 0, 128)))
  #expect(screen[1, 0].style == Style(foreground: .rgb(0, 255, 0), background: .rgb(0, 0, 128)))
  #expect(screen[3, 0].style == Style(foreground: .rgb(128, 128, 128), background: .rgb(0, 0, 128)))
}
