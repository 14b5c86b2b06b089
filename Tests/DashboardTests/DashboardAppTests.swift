import ExecutionCore
import Foundation
import TerminalUI
import Testing

@testable import Dashboard

@Suite("Dashboard driven by keys")
struct DashboardAppTests {
  @Test func firstFrameShowsEveryPanelAt120x40() {
    let harness = Harness()
    harness.app.drain()
    SnapshotFile.assert(harness.text, named: "app-120x40")
  }

  @Test func at80x24TheGraphAndLowerPanelsDrop() {
    let harness = Harness(size: Size(width: 80, height: 24))
    harness.app.drain()
    SnapshotFile.assert(harness.text, named: "app-80x24")
  }

  @Test func atMinimumSizeOnlyTheTablesStay() {
    let harness = Harness(size: DashboardLayout.minimumSize)
    harness.app.drain()
    SnapshotFile.assert(harness.text, named: "app-60x16")
  }

  @Test func triggerRunsTheSelectedWorkflowAndSaysSo() {
    let harness = Harness()
    harness.type("t")
    #expect(harness.runtime.runtimeCommands == [.trigger("checkout")])
    #expect(harness.statusLine.contains("checkout: triggered 1 run"))
    harness.press(.down, .enter)
    #expect(harness.runtime.runtimeCommands.last == .trigger("chat"))
  }

  @Test func selectionStopsAtTheLastWorkflow() {
    let harness = Harness()
    harness.type("jjjjj")
    harness.type("b")
    // signup is paused: the burst is refused before it reaches the runtime, and says why.
    #expect(harness.runtime.runtimeCommands == [])
    #expect(harness.statusLine.contains("signup is paused: it rejects new runs (p resumes it)"))
    harness.press(.up, .character("k"), .character("k"))
    harness.type("b")
    #expect(harness.runtime.runtimeCommands.last == .burst("checkout", 10))
  }

  @Test func rateStepsAlongTheLadder() {
    let harness = Harness()
    harness.type("+")
    #expect(harness.runtime.runtimeCommands == [.setRate("checkout", 50)])
    #expect(harness.statusLine.contains("checkout load 20/s → 50/s"))
    harness.type("--")
    #expect(
      harness.runtime.runtimeCommands.suffix(2) == [.setRate("checkout", 20), .setRate("checkout", 10)])
  }

  @Test func pauseAndResumeTheSelectedWorkflow() {
    let harness = Harness()
    harness.type("p")
    #expect(harness.runtime.runtimeCommands == [.pause("checkout")])
    #expect(harness.headerLine.contains("paused: checkout, signup"))
    harness.type("p")
    #expect(harness.runtime.runtimeCommands.last == .resume("checkout"))
    #expect(!harness.headerLine.contains("checkout"))
  }

  @Test func pauseAndResumeTheSelectedQueue() {
    let harness = Harness()
    harness.press(.tab, .down)
    harness.type("P")
    #expect(harness.runtime.runtimeCommands == [.pauseQueue("crm")])
    harness.press(.down)
    harness.type("P")
    #expect(harness.runtime.runtimeCommands.last == .resumeQueue("analytics"))
    #expect(harness.statusLine.contains("resumed queue analytics"))
  }

  @Test func redriveReportsHowManyMoved() {
    let harness = Harness()
    harness.runtime.scriptRedrive("email", moved: 3)
    harness.type("r")
    #expect(harness.runtime.runtimeCommands == [.redrive("email")])
    #expect(harness.statusLine.contains("redrove 3 dead letters onto email"))
    harness.press(.tab, .down)
    harness.type("r")
    #expect(harness.statusLine.contains("no dead letters in crm"))
  }

  @Test func modeFlipShowsTheAlarmingBadge() {
    let harness = Harness()
    harness.type("m")
    #expect(harness.runtime.runtimeCommands == [.setMode(.allSync)])
    let header = harness.headerLine
    #expect(header.contains(" ALL-SYNC "))
    #expect(header.contains("every step blocks the caller"))
    let column = header.distance(from: header.startIndex, to: header.range(of: "ALL-SYNC")!.lowerBound)
    let badge = harness.frame[column, 0].style
    #expect(badge.background == Theme.builtInDefault[.mode_sync])
    #expect(badge.attributes.contains(.bold))
    harness.type("m")
    #expect(harness.runtime.runtimeCommands.last == .setMode(.hybrid))
    #expect(harness.headerLine.contains(" HYBRID "))
  }

  @Test func resizeRelaysOutAtOnce() {
    let harness = Harness()
    harness.app.drain()
    harness.terminal.resize(to: Size(width: 80, height: 24))
    harness.app.drain()
    #expect(harness.frame.size == Size(width: 80, height: 24))
    SnapshotFile.assert(harness.text, named: "app-80x24")
  }

  @Test func tooSmallSaysSoCentered() throws {
    let harness = Harness()
    harness.terminal.resize(to: Size(width: 50, height: 10))
    harness.app.drain()
    let lines = harness.frame.lines
    let message = "terminal too small: need 60×16, have 50×10"
    let row = try #require(lines.firstIndex { $0.contains(message) })
    #expect((3...5).contains(row), "vertically centred")
    #expect(lines[row].hasPrefix(String(repeating: " ", count: (50 - message.count) / 2) + "t"))
    #expect(lines[row + 1].contains("q quits"))
    // Too narrow for one line: the same words over three lines, nothing cut off.
    harness.terminal.resize(to: Size(width: 30, height: 10))
    harness.app.drain()
    let narrow = harness.frame.text
    for part in ["terminal too small:", "need 60×16,", "have 30×10", "q quits"] {
      #expect(narrow.contains(part), "\(narrow)")
    }
    harness.terminal.resize(to: Size(width: 60, height: 16))
    harness.app.drain()
    #expect(!harness.text.contains("too small"))
  }

  @Test func helpListsEveryKeyFromTheTable() {
    let harness = Harness(size: Size(width: 200, height: 50))
    harness.type("?")
    let text = harness.text
    for binding in KeyTable.standard.bindings {
      #expect(text.contains(binding.label), "help lacks \(binding.label)")
      #expect(text.contains(binding.description), "help lacks \(binding.description)")
    }
    SnapshotFile.assert(text, named: "app-help")
    harness.type("?")
    #expect(!harness.text.contains("? or esc closes"))
  }

  @Test func helpScrollsWhenTallerThanTheTerminal() {
    let harness = Harness(size: Size(width: 80, height: 24))
    harness.type("?")
    #expect(harness.text.contains("j/k scroll 0/"))
    #expect(!harness.text.contains("q/^C       quit"))
    harness.type(String(repeating: "j", count: 30))
    #expect(harness.text.contains("q/^C       quit"))
    #expect(harness.app.state.selectedWorkflow == 0, "j scrolls help, not the selection")
    harness.type("?")
    harness.type("j")
    #expect(harness.app.state.selectedWorkflow == 1)
  }

  @Test func freezeKeepsTheFrameWhileTheRuntimeMoves() {
    let harness = Harness()
    harness.type("f")
    #expect(harness.headerLine.contains("FROZEN"))
    let taken = harness.runtime.snapshotsTaken
    harness.runtime.script { $0.workflows[1].name = "renamed" }
    harness.clock.advance(by: .seconds(3))
    _ = harness.app.step()
    #expect(harness.runtime.snapshotsTaken == taken)
    #expect(!harness.text.contains("renamed"))
    #expect(!harness.headerLine.contains("STALE"))
    harness.type(" ")
    #expect(harness.text.contains("renamed"))
    #expect(!harness.headerLine.contains("FROZEN"))
  }

  @Test func staleDataIsMarked() {
    let harness = Harness()
    harness.app.drain()
    harness.runtime.setAdvancing(false)
    harness.clock.advance(by: .seconds(1))
    _ = harness.app.step()
    #expect(!harness.headerLine.contains("STALE"))
    harness.clock.advance(by: .seconds(2))
    _ = harness.app.step()
    #expect(harness.headerLine.contains("STALE 3s"))
  }

  @Test func readOnlyRefusesEveryRuntimeKeyAndSaysSo() {
    let harness = Harness(options: DashboardOptions(readOnly: true))
    for key in ["t", "b", "+", "-", "p", "P", "r", "m", "c"] {
      harness.type(key)
      #expect(harness.statusLine.contains("read-only"), "no refusal for \(key)")
    }
    harness.press(.enter)
    #expect(harness.runtime.runtimeCommands.isEmpty)
    #expect(harness.runtime.commands.isEmpty)
    #expect(harness.headerLine.contains("READ-ONLY"))
    let footer = harness.frame.lines.last ?? ""
    #expect(!footer.contains("run"))
    #expect(footer.contains("q/^C quit"))
    harness.type("f")
    #expect(harness.headerLine.contains("FROZEN"))
  }

  @Test func comparisonRunsBothPhasesAndShowsTheSummary() {
    let harness = Harness()
    harness.runtime.scriptSummaries([
      Fixtures.summary(p50: 120, p95: 250, p99: 300, count: 200),
      Fixtures.summary(p50: 20, p95: 40, p99: 50, count: 210),
    ])
    harness.type("c")
    // Only the compared workflow changes mode, and its runs are kept out of its figures.
    #expect(
      harness.runtime.commands == [
        .setWorkflowMode(.allSync, "checkout", comparison: true), .startRecording("checkout"),
      ])
    #expect(harness.statusLine.contains("A/B checkout: ALL-SYNC phase"))
    #expect(harness.statusLine.contains("0%"))
    harness.clock.advance(by: .seconds(5))
    _ = harness.app.step()
    #expect(harness.statusLine.contains("25%"))
    harness.type("m")
    #expect(
      harness.runtime.runtimeCommands == [.setWorkflowMode(.allSync, "checkout", comparison: true)],
      "mode flips are refused mid-comparison")
    harness.clock.advance(by: .seconds(5))
    _ = harness.app.step()
    #expect(
      harness.runtime.commands.suffix(3) == [
        .finishRecording(1), .setWorkflowMode(.hybrid, "checkout", comparison: true),
        .startRecording("checkout"),
      ])
    #expect(harness.statusLine.contains("HYBRID phase"))
    harness.clock.advance(by: .seconds(10))
    _ = harness.app.step()
    #expect(
      harness.runtime.commands.suffix(2) == [
        .finishRecording(2), .setWorkflowMode(nil, "checkout", comparison: false),
      ])
    #expect(harness.app.state.comparison == nil)
    SnapshotFile.assert(harness.text, named: "app-comparison")
    // The convention `lanes compare` uses: hybrid ÷ all-sync.
    #expect(harness.text.contains("p99: hybrid answers in 0.17× the all-sync time"))
    harness.clock.advance(by: .seconds(30))
    _ = harness.app.step()
    #expect(harness.text.contains("A/B comparison: checkout"), "the summary stays until dismissed")
    harness.press(.escape)
    #expect(!harness.text.contains("A/B comparison: checkout"))
    #expect(!harness.statusLine.contains("comparison of checkout done"), "no stale word of the summary")
  }

  @Test func escCancelsAComparisonAndRestoresTheMode() {
    let harness = Harness(snapshot: Fixtures.snapshot(mode: .allSync))
    harness.type("c")
    harness.press(.escape)
    #expect(
      harness.runtime.commands == [
        .setWorkflowMode(.allSync, "checkout", comparison: true), .startRecording("checkout"),
        .finishRecording(1), .setWorkflowMode(nil, "checkout", comparison: false),
      ])
    #expect(harness.app.state.comparison == nil)
    #expect(harness.statusLine.contains("comparison cancelled"))
  }

  @Test func themesCycle() {
    let second = Theme(name: "paper", colors: [.div_line: .rgb(1, 2, 3)])
    let harness = Harness(themes: [.builtInDefault, second])
    harness.app.drain()
    #expect(harness.frame[0, 7].style.foreground == Theme.builtInDefault[.div_line])
    harness.type("T")
    #expect(harness.statusLine.contains("theme: paper"))
    #expect(harness.frame[0, 7].style.foreground == .rgb(1, 2, 3))
    harness.type("T")
    #expect(harness.statusLine.contains("theme: default"))
  }

  @Test func saveWritesTheScreenAsText() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-dash-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let harness = Harness(options: DashboardOptions(dumpDirectory: directory.path))
    harness.app.drain()
    let shown = harness.text
    harness.type("s")
    let file = directory.appendingPathComponent("lanes-screen-20260102-030405.txt")
    let written = try String(contentsOf: file, encoding: .utf8)
    #expect(written == shown + "\n")
    #expect(harness.statusLine.contains("saved screen to \(file.path)"))
  }

  @Test func quitKeysAndSignalsEndTheLoop() {
    #expect(Harness().type("q") == .quit)
    #expect(Harness().press(.control("c")) == .quit)
    let harness = Harness()
    harness.terminal.send(.terminate(signal: 15))
    #expect(harness.app.run() == .signal(15))
  }

  @Test func refreshIntervalSetsTheSnapshotCadence() {
    let harness = Harness()
    harness.app.drain()
    harness.type("<")
    #expect(harness.statusLine.contains("refresh every 1s"))
    // The refresh already due at 500ms still happens; from then on they come a second apart.
    harness.clock.advance(by: .milliseconds(500))
    _ = harness.app.step()
    let taken = harness.runtime.snapshotsTaken
    harness.clock.advance(by: .milliseconds(600))
    _ = harness.app.step()
    harness.clock.advance(by: .milliseconds(300))
    _ = harness.app.step()
    #expect(harness.runtime.snapshotsTaken == taken)
    harness.clock.advance(by: .milliseconds(100))
    _ = harness.app.step()
    #expect(harness.runtime.snapshotsTaken == taken + 1)
    harness.type(">>>>")
    #expect(harness.app.state.refreshInterval == .milliseconds(250))
  }

  @Test func statusMessagesExpire() {
    let harness = Harness()
    harness.type("t")
    #expect(harness.statusLine.contains("triggered 1 run"))
    harness.clock.advance(by: .seconds(5))
    _ = harness.app.step()
    #expect(!harness.statusLine.contains("triggered 1 run"))
  }

  @Test func monochromeCarriesMeaningInAttributes() {
    let harness = Harness(
      capabilities: TerminalCapabilities(colorDepth: .monochrome, unicode: true),
      snapshot: Fixtures.snapshot(mode: .allSync))
    harness.app.drain()
    let frame = harness.frame
    // The selected workflow row (row 3: header, top border, column titles).
    #expect(frame.lines[3].contains("▶ checkout"))
    #expect(frame[3, 3].style.attributes.contains(.reverse))
    let header = harness.headerLine
    let column = header.distance(from: header.startIndex, to: header.range(of: "ALL-SYNC")!.lowerBound)
    #expect(frame[column, 0].style.attributes.isSuperset(of: [.reverse, .bold]))
    let colours = Set(frame.cells.flatMap { [$0.style.foreground, $0.style.background] })
    #expect(colours == [.terminalDefault])
  }

  @Test func aThemeOfTerminalColoursFallsBackToAttributes() {
    let mono = Theme(
      name: "mono",
      colors: Dictionary(uniqueKeysWithValues: ThemeKey.allCases.map { ($0, Color.terminalDefault) }))
    let harness = Harness(options: DashboardOptions(initialTheme: "mono"), themes: [.builtInDefault, mono])
    harness.app.drain()
    #expect(harness.statusLine.contains("theme mono"))
    #expect(harness.frame.lines[3].contains("▶ checkout"))
    #expect(harness.frame[3, 3].style.attributes.contains(.reverse))
  }

  @Test func asciiTerminalsGetOnlyAscii() {
    let harness = Harness(capabilities: TerminalCapabilities(colorDepth: .ansi16, unicode: false))
    harness.app.drain()
    let odd = harness.text.unicodeScalars.filter { !$0.isASCII }
    #expect(odd.isEmpty, "non-ASCII: \(String(String.UnicodeScalarView(odd)))")
    SnapshotFile.assert(harness.text, named: "app-ascii")
    harness.terminal.resize(to: Size(width: 40, height: 10))
    harness.app.drain()
    #expect(harness.text.contains("need 60x16,") && harness.text.contains("have 40x10"))
    #expect(!harness.text.unicodeScalars.contains { !$0.isASCII })
  }

  @Test func focusMovesWithTabAndVimKeys() {
    let harness = Harness()
    #expect(harness.app.state.focus == .workflows)
    harness.press(.tab)
    #expect(harness.app.state.focus == .queues)
    #expect(harness.statusLine.contains("focus: queues"))
    harness.type("l")
    #expect(harness.app.state.focus == .events)
    harness.type("l")
    #expect(harness.app.state.focus == .workflows)
    harness.press(.backTab)
    #expect(harness.app.state.focus == .events)
    harness.type("h")
    #expect(harness.app.state.focus == .queues)
  }
}
