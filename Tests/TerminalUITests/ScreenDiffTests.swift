import Testing

@testable import TerminalUI

@Suite("Screen.changes(from:)")
struct ScreenDiffTests {
  let red = Style(foreground: .rgb(255, 0, 0))

  @Test func withoutPreviousEveryCellIsOneRunPerRowAndStyle() {
    var screen = Screen(size: Size(width: 4, height: 2))
    screen.put("ab", x: 1, y: 0, style: red)
    let runs = screen.changes(from: nil)
    #expect(
      runs == [
        ScreenRun(x: 0, y: 0, text: " ", style: .plain),
        ScreenRun(x: 1, y: 0, text: "ab", style: red),
        ScreenRun(x: 3, y: 0, text: " ", style: .plain),
        ScreenRun(x: 0, y: 1, text: "    ", style: .plain),
      ])
  }

  @Test func identicalScreensHaveNoChanges() {
    var screen = Screen(size: Size(width: 10, height: 3))
    screen.put("hello", x: 2, y: 1, style: red)
    #expect(screen.changes(from: screen).isEmpty)
  }

  @Test func onlyChangedCellsAreSentAndRunsBreakAtUnchangedCells() {
    var old = Screen(size: Size(width: 8, height: 2))
    old.put("abcdefgh", x: 0, y: 0)
    var new = old
    new.put("XY", x: 1, y: 0)
    new.put("Z", x: 4, y: 0)
    new.put("Q", x: 7, y: 1)
    #expect(
      new.changes(from: old) == [
        ScreenRun(x: 1, y: 0, text: "XY", style: .plain),
        ScreenRun(x: 4, y: 0, text: "Z", style: .plain),
        ScreenRun(x: 7, y: 1, text: "Q", style: .plain),
      ])
  }

  @Test func aStyleChangeAloneIsAChangeAndSplitsRuns() {
    var old = Screen(size: Size(width: 4, height: 1))
    old.put("abcd", x: 0, y: 0)
    var new = old
    new.setStyle(red, in: Rect(x: 2, y: 0, width: 2, height: 1))
    new.put("Z", x: 1, y: 0)
    #expect(
      new.changes(from: old) == [
        ScreenRun(x: 1, y: 0, text: "Z", style: .plain),
        ScreenRun(x: 2, y: 0, text: "cd", style: red),
      ])
  }

  @Test func runsNeverCrossRows() {
    let old = Screen(size: Size(width: 2, height: 2))
    let new = Screen(size: Size(width: 2, height: 2), fill: Cell("x"))
    #expect(
      new.changes(from: old) == [
        ScreenRun(x: 0, y: 0, text: "xx", style: .plain),
        ScreenRun(x: 0, y: 1, text: "xx", style: .plain),
      ])
  }

  @Test func aPreviousOfAnotherSizeRedrawsEverything() {
    let old = Screen(size: Size(width: 3, height: 1), fill: Cell("x"))
    let new = Screen(size: Size(width: 3, height: 2), fill: Cell("x"))
    let runs = new.changes(from: old)
    #expect(runs.map(\.text) == ["xxx", "xxx"])
    #expect(runs.reduce(0) { $0 + $1.width } == 6)
  }

  @Test func anEmptyScreenHasNoRuns() {
    #expect(Screen(size: Size(width: 0, height: 5)).changes(from: nil).isEmpty)
  }

  @Test func applyingTheRunsToThePreviousGivesTheNewScreen() {
    var old = Screen(size: Size(width: 12, height: 4))
    old.put("queue  depth 3", x: 0, y: 1)
    var new = Screen(size: Size(width: 12, height: 4))
    new.put("queue  depth 17", x: 0, y: 1, style: red)
    new.put("▁▂▃", x: 4, y: 3)
    var patched = old
    for run in new.changes(from: old) {
      for (offset, character) in run.text.enumerated() {
        patched[run.x + offset, run.y] = Cell(character, style: run.style)
      }
    }
    #expect(patched == new)
  }
}
