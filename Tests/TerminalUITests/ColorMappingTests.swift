import Testing

@testable import TerminalUI

@Suite("ColorMapping")
struct ColorMappingTests {
  @Test(
    arguments: [
      ((255, 0, 0), 196), ((0, 0, 0), 16), ((255, 255, 255), 231), ((0, 255, 0), 46),
      ((0, 0, 255), 21), ((95, 135, 175), 67), ((128, 128, 128), 244), ((18, 18, 18), 233),
      ((238, 238, 238), 255), ((250, 0, 0), 196), ((46, 52, 64), 237),
    ] as [((UInt8, UInt8, UInt8), Int)])
  func xterm256NearestEntry(rgb: (UInt8, UInt8, UInt8), expected: Int) {
    #expect(ColorMapping.xterm256Index(red: rgb.0, green: rgb.1, blue: rgb.2) == expected)
  }

  @Test func xterm256NeverUsesTheRedefinableFirstSixteen() {
    for value in stride(from: 0, through: 255, by: 5) {
      let index = ColorMapping.xterm256Index(
        red: UInt8(value), green: UInt8(255 - value), blue: UInt8(value / 2))
      #expect((16...255).contains(index))
    }
  }

  @Test(
    arguments: [
      ((255, 0, 0), 9), ((200, 0, 0), 1), ((0, 0, 0), 0), ((255, 255, 255), 15),
      ((128, 128, 128), 8), ((192, 192, 192), 7), ((0, 200, 200), 6), ((255, 255, 0), 11),
      ((0, 0, 238), 4),
    ] as [((UInt8, UInt8, UInt8), Int)])
  func ansi16Nearest(rgb: (UInt8, UInt8, UInt8), expected: Int) {
    #expect(ColorMapping.ansiIndex(red: rgb.0, green: rgb.1, blue: rgb.2) == expected)
  }

  @Test func eightColourTerminalsGetOnlyTheFirstEight() {
    #expect(ColorMapping.ansiIndex(red: 255, green: 0, blue: 0, count: 8) == 1)
    #expect(ColorMapping.ansiIndex(red: 255, green: 255, blue: 255, count: 8) == 7)
    #expect(ColorMapping.terminalColor(.rgb(255, 0, 0), depth: .ansi16, colors: 8) == 1)
    #expect(ColorMapping.terminalColor(.rgb(255, 0, 0), depth: .ansi16, colors: 16) == 9)
  }

  @Test func terminalColorPerDepth() {
    let orange = Color.rgb(255, 135, 0)
    #expect(ColorMapping.terminalColor(orange, depth: .palette256) == 208)
    #expect(ColorMapping.terminalColor(orange, depth: .trueColor) == 0xFF8700)
    #expect(ColorMapping.terminalColor(orange, depth: .monochrome) == nil)
    #expect(ColorMapping.terminalColor(.terminalDefault, depth: .palette256) == nil)
    #expect(ColorMapping.terminalColor(.terminalDefault, depth: .trueColor) == nil)
  }

  @Test func trueColorNearBlacksAvoidTheAnsiNumbers() {
    #expect(ColorMapping.terminalColor(.rgb(0, 0, 0), depth: .trueColor) == 8)
    #expect(ColorMapping.terminalColor(.rgb(0, 0, 5), depth: .trueColor) == 8)
    #expect(ColorMapping.terminalColor(.rgb(0, 0, 9), depth: .trueColor) == 9)
  }

  @Test func monochromeKeepsAttributesAndReversesLightBackgrounds() {
    let bold = Style(foreground: .rgb(255, 0, 0), attributes: .bold)
    #expect(ColorMapping.monochromeAttributes(for: bold) == .bold)
    let selected = Style(foreground: .rgb(46, 52, 64), background: .rgb(136, 192, 208))
    #expect(ColorMapping.monochromeAttributes(for: selected) == .reverse)
    let panel = Style(foreground: .rgb(216, 222, 233), background: .rgb(46, 52, 64), attributes: .underline)
    #expect(ColorMapping.monochromeAttributes(for: panel) == .underline)
    let bar = Style(background: .rgb(255, 255, 255), attributes: .bold)
    #expect(ColorMapping.monochromeAttributes(for: bar) == [.bold, .reverse])
    #expect(ColorMapping.monochromeAttributes(for: .plain) == [])
  }

  @Test func depthFromColoursAndNoColor() {
    #expect(ColorDepth.detect(colors: 256, hasColors: true, noColor: nil) == .palette256)
    #expect(ColorDepth.detect(colors: 16_777_216, hasColors: true, noColor: nil) == .trueColor)
    #expect(ColorDepth.detect(colors: 8, hasColors: true, noColor: nil) == .ansi16)
    #expect(ColorDepth.detect(colors: 16, hasColors: true, noColor: nil) == .ansi16)
    #expect(ColorDepth.detect(colors: 88, hasColors: true, noColor: nil) == .ansi16)
    #expect(ColorDepth.detect(colors: 256, hasColors: false, noColor: nil) == .monochrome)
    #expect(ColorDepth.detect(colors: 0, hasColors: true, noColor: nil) == .monochrome)
    #expect(ColorDepth.detect(colors: 256, hasColors: true, noColor: "1") == .monochrome)
    // no-color.org: an empty NO_COLOR does not count.
    #expect(ColorDepth.detect(colors: 256, hasColors: true, noColor: "") == .palette256)
  }
}
