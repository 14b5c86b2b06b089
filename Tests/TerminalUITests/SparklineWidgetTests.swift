import Testing

@testable import TerminalUI

@Test func sparklineScalesToMaxWithNewestOnTheRight() {
  var screen = widgetScreen(14, 2)
  Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7, 8], style: TestStyles.green).render(
    into: &screen, area: Rect(x: 1, y: 0, width: 12, height: 1))
  #expect(screen.lines == ["x    ▁▂▃▄▅▆▇█x", "xxxxxxxxxxxxxx"])
  #expect(screen[12, 0].style == TestStyles.green)
  #expect(screen[2, 0].style == TestStyles.green)
}

@Test func sparklineShowsOnlyTheNewestValuesThatFit() {
  var screen = widgetScreen(2, 1)
  Sparkline(values: [100, 1, 2, 3, 4]).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["▆█"])
}

@Test func sparklineGivenMaxSmallValuesAndOverflow() {
  var screen = widgetScreen(5, 1)
  Sparkline(values: [5, 20, 0.01, -3, .nan], maxValue: 10).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["▄█▁  "])
  var allZero = widgetScreen(3, 1)
  Sparkline(values: [0, 0, 0]).render(into: &allZero, area: allZero.bounds)
  #expect(allZero.lines == ["   "])
}

@Test func tallSparklineStacksBlocks() {
  var screen = widgetScreen(4, 2)
  Sparkline(values: [0, 4, 8, 16]).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["   █", " ▄██"])
}

@Test func sparklineInAscii() {
  var screen = widgetScreen(9, 1)
  Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7, 8], glyphs: .ascii).render(
    into: &screen, area: screen.bounds)
  #expect(screen.lines == [" ..:-=+*#"])
}

@Test func sparklineInDegenerateAreas() {
  var screen = widgetScreen(3, 1)
  Sparkline(values: [1, 2]).render(into: &screen, area: Rect(x: 0, y: 0, width: 0, height: 1))
  #expect(screen.lines == ["xxx"])
  Sparkline(values: [1, 2]).render(into: &screen, area: Rect(x: 0, y: 0, width: 1, height: 1))
  #expect(screen.lines == ["█xx"])
  Sparkline(values: []).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["   "])
}

@Test func sparklineSurvivesExtremeRatios() {
  var screen = widgetScreen(3, 1)
  Sparkline(values: [1e300, .infinity, 1], maxValue: 1e-300).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["█ █"])
}

@Test func glyphSetsFollowCapabilities() {
  #expect(Glyphs.forCapabilities(TerminalCapabilities(colorDepth: .trueColor, unicode: true)) == .unicode)
  #expect(Glyphs.forCapabilities(TerminalCapabilities(colorDepth: .monochrome, unicode: false)) == .ascii)
  for set in [Glyphs.unicode, Glyphs.ascii] {
    #expect(set.verticalBlocks.count == 9)
    #expect(set.horizontalBlocks.count == set.horizontalSteps + 1)
    #expect(set.verticalBlock(eighths: 99) == set.verticalBlocks[8])
    #expect(set.verticalBlock(eighths: -1) == " ")
  }
  // Every ASCII glyph really is ASCII.
  let ascii = Glyphs.ascii
  let characters: [Character] =
    ascii.verticalBlocks + ascii.horizontalBlocks + Array(ascii.ellipsis) + [
      ascii.selectionMarker, ascii.arrowUp, ascii.arrowDown, ascii.markerLine, ascii.dottedLine,
      ascii.axisVertical, ascii.axisTick, ascii.overflow, ascii.lightShade, ascii.border.topLeft,
      ascii.border.horizontal, ascii.border.vertical, ascii.focusedBorder.topLeft,
      ascii.focusedBorder.horizontal,
    ]
  #expect(characters.allSatisfy { $0.isASCII })
}

@Test func sparklineCanKeepTheBackgroundBeneath() {
  let selected = Style(background: .rgb(0, 0, 128))
  var screen = Screen(size: Size(width: 3, height: 1), fill: Cell("x", style: selected))
  Sparkline(values: [0, 8], style: TestStyles.green, keepsBackground: true).render(
    into: &screen, area: screen.bounds)
  #expect(screen.lines == ["  █"])
  let expected = Style(foreground: .rgb(0, 255, 0), background: .rgb(0, 0, 128))
  #expect((0..<3).allSatisfy { screen[$0, 0].style == expected })
}
