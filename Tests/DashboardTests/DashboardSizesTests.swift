import ExecutionCore
import Foundation
import TerminalUI
import Testing

@testable import Dashboard

/// Issue 12: the dashboard at 200x50, 120x40, 80x24 and 60x16, and what each point asks of it.
@Suite("Dashboard at every size")
struct DashboardSizesTests {
  static let sizes = [
    Size(width: 200, height: 50), Size(width: 120, height: 40), Size(width: 80, height: 24),
    Size(width: 60, height: 16),
  ]

  @Test func at200x50EverythingIsShown() {
    let harness = Harness(size: Size(width: 200, height: 50))
    harness.app.drain()
    SnapshotFile.assert(harness.text, named: "app-200x50")
  }

  /// 80x24 keeps the latency over time (trend column), the queues with dead letters, the
  /// background outcomes and the latest event; the footer fits and says `? more`.
  @Test func at80x24ThePointIsKept() {
    let harness = Harness(size: Size(width: 80, height: 24))
    harness.app.drain()
    let text = harness.text
    for part in ["p99 trend", "dead", "Background outcomes", "signup paused", "? more", "Queues"] {
      #expect(text.contains(part), "80x24 lacks \(part)")
    }
    for line in harness.frame.lines { #expect(line.count == 80) }
  }

  /// Every size: every window-dependent figure states its window, the footer fits, and a key
  /// the footer leaves out is still reachable through `? more`.
  @Test func everySizeStatesWindowsAndFitsTheFooter() {
    for size in Self.sizes {
      let harness = Harness(size: size)
      harness.app.drain()
      let footer = harness.frame.lines.last ?? ""
      #expect(footer.contains("? ") && footer.contains(" quit"), "\(size): \(footer)")
      let all = KeyTable.standard.footerEntries(width: 1000, unicode: true, readOnly: false)
      if !all.allSatisfy({ footer.contains($0) }) { #expect(footer.contains("? more"), "\(size)") }
      if size.height >= 24 {
        #expect(harness.text.contains("p: last 1m, /s: last 5s"), "\(size) states no window")
      }
    }
  }

  @Test func at60x16HiddenQueuesAreCounted() {
    var snapshot = Fixtures.snapshot()
    for index in 0..<6 {
      snapshot.queues.append(
        Fixtures.queue(
          "extra-\(index)", capacity: 10, workers: 1, busy: 0, queued: 0, running: 0, retrying: 0, dead: 0))
    }
    let harness = Harness(size: Size(width: 60, height: 16), snapshot: snapshot)
    harness.app.drain()
    SnapshotFile.assert(harness.text, named: "app-60x16-hidden")
    #expect(harness.text.contains("+") && harness.text.contains("queues"))
  }

  @Test func theWindowKeyCyclesAndTitlesFollow() {
    let harness = Harness()
    harness.type("w")
    #expect(harness.app.state.window == .last5m)
    #expect(harness.text.contains("p: last 5m"))
    harness.type("w")
    #expect(harness.text.contains("p: since start"))
    harness.type("ww")
    #expect(harness.app.state.window == .last1m)
  }

  @Test func capacityReadsAsTheFileSaysAndDeadLettersAreCounted() {
    let harness = Harness()
    harness.app.drain()
    let crm = harness.frame.lines.first { $0.contains(" crm ") } ?? ""
    // crm: capacity 20, 20 queued, 3 dead.
    #expect(crm.contains("20/20"), "\(crm)")
    #expect(crm.contains(" 3 "), "\(crm)")
    #expect(harness.text.contains("failed attempts"))
    #expect(harness.text.contains("runs failed"))
    #expect(harness.text.contains("bg dead/rej/drop"))
  }

  @Test func anEventOpensWhole() {
    var snapshot = Fixtures.snapshot()
    let long = "sync-crm: " + String(repeating: "a very long failure message ", count: 12) + "END"
    snapshot.events.append(
      RuntimeEvent(sequence: 5, time: .seconds(124), severity: .error, kind: .runFailed, message: long))
    let harness = Harness(size: Size(width: 80, height: 24), snapshot: snapshot)
    harness.press(.tab, .tab)
    harness.type("o")
    let text = harness.text
    #expect(text.contains("Event #5"))
    #expect(text.contains("END"), "the whole message is shown")
    harness.press(.escape)
    #expect(!harness.text.contains("Event #5"))
    harness.press(.tab)
    harness.type("o")
    #expect(harness.text.contains("Latest failures, newest first"))
    #expect(harness.text.contains("attempt 4, dead-lettered"))
  }

  @Test func waterfallNamesHiddenStepsAndScrolls() {
    let steps = (0..<8).map { index in
      StepTrace(
        id: "step-\(index)", executedAs: index == 7 ? .background : .blocking, readyAt: .milliseconds(index),
        startedAt: .milliseconds(index), endedAt: .milliseconds(index + (index == 7 ? 90 : 2)),
        outcome: .succeeded, attempts: 1, onCriticalPath: index < 2)
    }
    let shown = WaterfallPanel.choose(steps, rows: 4, scroll: 0)
    // Critical path first, then the longest (the last step, background, 90 ms).
    #expect(shown.shown.map(\.id) == ["step-0", "step-1", "step-2", "step-7"])
    #expect(shown.hidden.map(\.id) == ["step-3", "step-4", "step-5", "step-6"])
    let scrolled = WaterfallPanel.choose(steps, rows: 4, scroll: 2)
    #expect(scrolled.shown.map(\.id).contains("step-3"))
    #expect(!scrolled.shown.map(\.id).contains("step-0"))
  }

  @Test func themeWarningsShowAtStartCapped() {
    let warnings = (1...2800).map { "my.theme:\($0):1: unknown key \"k\($0)\" (skipped)" }
    let harness = Harness(options: DashboardOptions(themeWarnings: warnings))
    harness.app.drain()
    #expect(harness.statusLine.contains("theme: 2800 warnings, see the events"))
    #expect(harness.text.contains("… and 2795 more theme warnings"))
    #expect(!harness.text.contains("k6\""))
  }

  @Test func readOnlyRefusesRuntimeKeysClearly() {
    let harness = Harness(options: DashboardOptions(readOnly: true))
    harness.type("t")
    #expect(harness.runtime.commands.isEmpty)
    #expect(harness.statusLine.contains("read-only: t/⏎ (run) would change the runtime"))
    #expect(harness.headerLine.contains("READ-ONLY"))
  }

  @Test func asciiOptionDrawsOnlyAscii() {
    let harness = Harness(options: DashboardOptions(ascii: true))
    harness.app.drain()
    #expect(!harness.text.unicodeScalars.contains { !$0.isASCII })
  }

  @Test func pausingThenPausedInTheStatusLine() {
    var snapshot = Fixtures.snapshot()
    snapshot.workflows[0].runsInFlight = 3
    let harness = Harness(snapshot: snapshot)
    harness.type("p")
    #expect(harness.statusLine.contains("pausing checkout…"))
    let row = harness.frame.lines.first { $0.contains("▶ checkout") } ?? ""
    #expect(row.contains("pausing…"), "\(row)")
    harness.runtime.finishRunsInFlight("checkout")
    harness.clock.advance(by: .seconds(1))
    harness.app.drain()
    #expect(harness.statusLine.contains("checkout paused: its runs in flight have finished"))
  }
}

@Suite("Event times")
struct EventTimeTests {
  @Test func eventsShowTheTimeOfDayWhenTheStartIsKnown() {
    var snapshot = Fixtures.snapshot()
    // 2026-11-30 14:00:00 UTC.
    snapshot.startedAt = .seconds(1_796_047_200)
    let utc = TimeZone(identifier: "UTC")!
    #expect(EventTime.text(.seconds(70), snapshot: snapshot, timeZone: utc) == "14:01:10")
    #expect(EventTime.long(.seconds(70), snapshot: snapshot, timeZone: utc) == "14:01:10 (up 1:10)")
    snapshot.startedAt = .zero
    #expect(EventTime.text(.seconds(70), snapshot: snapshot) == "1:10")
  }
}

@Suite("Embedded options")
struct EmbeddedOptionsTests {
  @Test func anEmbeddedDashboardIsReadOnlyUnlessTheProgramOptsIn() {
    #expect(DashboardOptions.embedded().readOnly)
    #expect(!DashboardOptions.embedded(allowChanges: true).readOnly)
    let harness = Harness(options: .embedded())
    harness.type("+")
    harness.type("m")
    #expect(harness.runtime.commands.isEmpty)
    #expect(harness.statusLine.contains("read-only: m (mode) would change the runtime"))
  }
}

@Suite("Point snapshots")
struct PointSnapshotTests {
  @Test func detailOverlayAt80x24() {
    let harness = Harness(size: Size(width: 80, height: 24))
    harness.type("o")
    SnapshotFile.assert(harness.text, named: "app-80x24-failures")
  }

  @Test func themeWarningsAt120x40() {
    let warnings = (1...7).map { "paper.theme:\($0):1: unknown key \"colour\($0)\" (skipped)" }
    let harness = Harness(options: DashboardOptions(themeWarnings: warnings))
    harness.app.drain()
    SnapshotFile.assert(harness.text, named: "app-120x40-theme-warnings")
  }

  @Test func readOnlyAt80x24() {
    let harness = Harness(size: Size(width: 80, height: 24), options: .embedded())
    harness.type("c")
    SnapshotFile.assert(harness.text, named: "app-80x24-read-only")
  }
}
