import Testing

@testable import TerminalUI

@Test func truncateAddsEllipsisOnlyWhenCut() {
  #expect(TextLayout.truncate("checkout", to: 10) == "checkout")
  #expect(TextLayout.truncate("checkout", to: 8) == "checkout")
  #expect(TextLayout.truncate("checkout", to: 5) == "chec…")
  #expect(TextLayout.truncate("checkout", to: 5, ellipsis: "~") == "chec~")
  #expect(TextLayout.truncate("checkout", to: 1) == "c")
  #expect(TextLayout.truncate("checkout", to: 0) == "")
  #expect(TextLayout.truncate("checkout", to: -3) == "")
}

@Test func fitPadsAndAligns() {
  #expect(TextLayout.fit("ab", to: 5) == "ab   ")
  #expect(TextLayout.fit("ab", to: 5, alignment: .right) == "   ab")
  #expect(TextLayout.fit("ab", to: 5, alignment: .center) == " ab  ")
  #expect(TextLayout.fit("abcdef", to: 4, alignment: .right) == "abc…")
  #expect(TextLayout.fit("ab", to: 0) == "")
}

@Test func compactNumbers() {
  #expect(NumberText.compact(0) == "0")
  #expect(NumberText.compact(7) == "7")
  #expect(NumberText.compact(950) == "950")
  #expect(NumberText.compact(12.5) == "12.5")
  #expect(NumberText.compact(0.05) == "0.05")
  #expect(NumberText.compact(1234) == "1.2k")
  #expect(NumberText.compact(1000) == "1k")
  #expect(NumberText.compact(999.7) == "1k")
  #expect(NumberText.compact(12_345) == "12.3k")
  #expect(NumberText.compact(123_456) == "123k")
  #expect(NumberText.compact(3_400_000) == "3.4M")
  #expect(NumberText.compact(5_600_000_000) == "5.6G")
  #expect(NumberText.compact(-1500) == "-1.5k")
  #expect(NumberText.compact(Double.nan) == "-")
}

@Test func ratesAndPercentages() {
  #expect(NumberText.rate(12.34) == "12.3/s")
  #expect(NumberText.rate(1500) == "1.5k/s")
  #expect(NumberText.rate(0) == "0/s")
  #expect(NumberText.percent(0.123) == "12%")
  #expect(NumberText.percent(0.1234, decimals: 1) == "12.3%")
  #expect(NumberText.percent(1) == "100%")
  #expect(NumberText.fixed(2.5, decimals: 0) == "3")
  #expect(NumberText.fixed(-0.04, decimals: 1) == "0.0")
  #expect(NumberText.fixed(1.05, decimals: 2) == "1.05")
}

@Test func styledLineTruncatesAcrossSpansWithEllipsisInCutSpanStyle() {
  var screen = widgetScreen(8, 1)
  let line = StyledLine([Span("ab", style: TestStyles.red), Span("cdefgh", style: TestStyles.green)])
  let end = screen.put(line: line, x: 1, y: 0, width: 6)
  #expect(screen.lines == ["xabcde…x"])
  #expect(end == 7)
  #expect(screen[2, 0].style == TestStyles.red)
  #expect(screen[3, 0].style == TestStyles.green)
  #expect(screen[6, 0].style == TestStyles.green)
}

@Test func styledLineThatFitsIsWrittenWhole() {
  var screen = widgetScreen(8, 1)
  screen.put(line: StyledLine([Span("ab"), Span("cd")]), x: 0, y: 0, width: 4)
  #expect(screen.lines == ["abcdxxxx"])
  screen.put(line: "zzz", x: 0, y: 0, width: 0)
  #expect(screen.lines == ["abcdxxxx"])
}

@Test func putAlignedInRect() {
  var screen = widgetScreen(9, 1)
  screen.put("42", in: Rect(x: 1, y: 0, width: 5, height: 1), row: 0, alignment: .right)
  #expect(screen.lines == ["xxxx42xxx"])
  screen.put("long text", in: Rect(x: 1, y: 0, width: 5, height: 1), row: 0, alignment: .center)
  #expect(screen.lines == ["xlong…xxx"])
}
