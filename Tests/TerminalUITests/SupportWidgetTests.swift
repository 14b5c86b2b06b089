import Testing

@testable import TerminalUI

/// A screen full of `x`, so cells a widget does not touch show in `lines`.
func widgetScreen(_ width: Int, _ height: Int) -> Screen {
  Screen(size: Size(width: width, height: height), fill: Cell("x"))
}

/// Distinct colours for style checks.
enum TestStyles {
  static let red = Style(foreground: .rgb(255, 0, 0))
  static let green = Style(foreground: .rgb(0, 255, 0))
  static let blue = Style(foreground: .rgb(0, 0, 255))
  static let gray = Style(foreground: .rgb(128, 128, 128))
}

@Test func widgetScreenShowsUntouchedCells() {
  #expect(widgetScreen(3, 2).lines == ["xxx", "xxx"])
}
