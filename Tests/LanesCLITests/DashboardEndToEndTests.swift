import Foundation
import Testing

/// The built `lanes` binary driven through tmux, as a person at a terminal would use it.
/// Skipped, with a message, only where tmux is not installed.
@Suite(
  .serialized,
  .enabled(if: TmuxSession.isAvailable, "tmux is not installed: end-to-end terminal tests skipped"))
struct DashboardEndToEndTests {
  /// A workflow whose load is so slow (one run every 100 s, the first 100 s after start) that runs
  /// come only from key presses, so counts can be checked exactly.
  static let quietWorkflow = """
    workflow: e2e
    description: end-to-end test workflow
    load: { rate: 0.01, arrivals: constant }
    queues:
      jobs: { workers: 1, capacity: 50, when-full: reject }
    steps:
      - id: first
        mode: blocking
        simulate: { latency: 5ms }
      - id: later
        mode: background
        after: [first]
        queue: jobs
        simulate: { latency: 20ms }
    """

  private func startQuiet(
    _ session: TmuxSession, width: Int = 120, height: Int = 40, extra: String = "",
    environment: [String: String] = [:]
  ) throws {
    let file = session.directory.appendingPathComponent("e2e.yaml")
    try Self.quietWorkflow.write(to: file, atomically: true, encoding: .utf8)
    try session.start(
      "'\(LanesBinary.url.path)' dashboard e2e.yaml --duration 300s \(extra)", width: width, height: height,
      environment: environment)
  }

  /// The `runs` figure of workflow `name` in the Workflows table.
  private func runs(of name: String, in screen: String) -> Int? {
    let lines = screen.split(separator: "\n").map(String.init)
    guard let header = lines.first(where: { $0.contains("workflow") && $0.contains("arrive/s") }) else {
      return nil
    }
    let titles = header.split(whereSeparator: { $0 == " " || $0 == "┃" || $0 == "│" }).map(String.init)
    guard let column = titles.firstIndex(of: "runs") else { return nil }
    guard let row = lines.first(where: { $0.contains(" \(name) ") && !$0.contains("Critical") }) else {
      return nil
    }
    let cells = row.split(whereSeparator: { $0 == " " || $0 == "┃" || $0 == "│" }).map(String.init)
      .filter { $0 != "▶" && $0 != ">" }
    return column < cells.count ? Int(cells[column]) : nil
  }

  @Test func startsAt120x40WithEveryPanel() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try session.start("'\(LanesBinary.url.path)' --duration 300s")
    let (ok, screen) = session.waitFor { screen in
      [
        "Workflows", "Critical path of chat", "Last run of chat", "Queues", "Background outcomes", "Events",
        "HYBRID",
      ]
      .allSatisfy(screen.contains)
    }
    #expect(ok, "screen:\n\(screen)")
    #expect(screen.contains("? help") || screen.contains("? more"))
    #expect(screen.contains("p: last 1m, /s: last 5s"), "the window of the figures is stated:\n\(screen)")
    #expect(session.alternateScreenOn)
  }

  /// Issue 12 point 1: at 80x24 the selected workflow's latency over time (trend column), the
  /// queues with their dead letters, the background outcomes and the latest event stay, and the
  /// footer fits with `? more`.
  @Test func at80x24ThePointStays() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try session.start("'\(LanesBinary.url.path)' --duration 300s", width: 80, height: 24)
    let (ok, screen) = session.waitFor { screen in
      ["Workflows", "p99 trend", "Queues", "dead", "queued/cap", "latest ", "? more", "q quit"]
        .allSatisfy(screen.contains) && (screen.contains("bg: ") || screen.contains("Background outcomes"))
    }
    #expect(ok, "80x24:\n\(screen)")
    #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 80 })
    try session.send("q")
    #expect(session.exitStatus() == 0)
  }

  /// At 60x16 rows that do not fit are counted, not silently dropped.
  @Test func at60x16HiddenRowsAreCounted() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try session.start("'\(LanesBinary.url.path)' --duration 300s", width: 60, height: 16)
    let (ok, screen) = session.waitFor {
      $0.contains("Queues") && $0.range(of: #"\+\d+ queues"#, options: .regularExpression) != nil
    }
    #expect(ok, "60x16:\n\(screen)")
    #expect(screen.contains("? more"))
    try session.send("q")
    #expect(session.exitStatus() == 0)
  }

  /// Under LANG=C / LC_ALL=POSIX the terminal cannot show UTF-8: everything is drawn in ASCII.
  @Test func aNonUTF8LocaleGetsASCII() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try startQuiet(session, environment: ["LANG": "C", "LC_ALL": "POSIX"])
    let (ok, screen) = session.waitFor { $0.contains("Workflows") && $0.contains("Queues") }
    #expect(ok, "screen:\n\(screen)")
    #expect(!screen.unicodeScalars.contains { !$0.isASCII }, "non-ASCII under LANG=C:\n\(screen)")
    try session.send("q")
    #expect(session.exitStatus() == 0)
  }

  /// TERM=vt100 has no alternate screen: after `q` the dashboard leaves no lines behind.
  @Test func vt100LeavesTheScreenClean() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try startQuiet(session, environment: ["TERM": "vt100"])
    var (ok, screen) = session.waitFor { $0.contains("Workflows") && $0.contains("Queues") }
    #expect(ok, "screen:\n\(screen)")
    try session.send("q")
    #expect(session.exitStatus() == 0)
    (ok, screen) = session.waitFor(timeout: 5) { !$0.contains("Workflows") && !$0.contains("quit") }
    #expect(ok, "the dashboard is still on the screen after q:\n\(screen)")
  }

  /// An event opens whole, with its time of day.
  @Test func anEventOpensWhole() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try startQuiet(session)
    #expect(session.waitFor(text: "Queues").0)
    try session.send("t")
    try session.send("p")
    #expect(session.waitFor(text: "paused").0)
    try session.send("Tab")
    try session.send("Tab")
    try session.send("o")
    let (ok, screen) = session.waitFor {
      $0.contains("Event #") && $0.range(of: #"\d\d:\d\d:\d\d \(up "#, options: .regularExpression) != nil
    }
    #expect(ok, "o should open the event with its time of day:\n\(screen)")
    try session.send("q")
    #expect(session.exitStatus() == 0)
  }

  @Test func triggerPauseAndModeFlip() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try startQuiet(session)
    var (ok, screen) = session.waitFor { self.runs(of: "e2e", in: $0) == 0 }
    #expect(ok, "expected no run at start:\n\(screen)")

    try session.send("t")
    (ok, screen) = session.waitFor { self.runs(of: "e2e", in: $0) == 1 }
    #expect(ok, "t should start a run:\n\(screen)")

    try session.send("b")
    (ok, screen) = session.waitFor { (self.runs(of: "e2e", in: $0) ?? 0) >= 11 }
    #expect(ok, "b should start a burst of 10:\n\(screen)")

    try session.send("p")
    (ok, screen) = session.waitFor { $0.contains("PAUSED") || $0.contains("paused") && $0.contains("e2e") }
    #expect(ok, "p should pause the workflow:\n\(screen)")
    (ok, screen) = session.waitFor { $0.contains("e2e paused: its runs in flight have finished") }
    #expect(ok, "the status line should say when the pause is done:\n\(screen)")
    let pausedRuns = runs(of: "e2e", in: screen)
    try session.send("t")
    (ok, screen) = session.waitFor(timeout: 3) { self.runs(of: "e2e", in: $0) != pausedRuns }
    #expect(!ok, "a paused workflow must not start runs:\n\(screen)")

    try session.send("m")
    (ok, screen) = session.waitFor(text: "ALL-SYNC")
    #expect(ok, "m should flip the mode to all-sync:\n\(screen)")
    try session.send("m")
    (ok, screen) = session.waitFor {
      !$0.split(separator: "\n").first!.contains("ALL-SYNC") && $0.contains("HYBRID")
    }
    #expect(ok, "m again should flip back to hybrid:\n\(screen)")

    try session.send("q")
    #expect(session.exitStatus() == 0)
    #expect(!session.alternateScreenOn)
  }

  @Test func resizesAndSaysWhenTooSmall() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try startQuiet(session)
    #expect(session.waitFor(text: "Queues").0)
    try session.resize(width: 80, height: 24)
    var (ok, screen) = session.waitFor { $0.contains("Workflows") && $0.contains("HYBRID") }
    #expect(ok, "80x24:\n\(screen)")
    #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 80 })
    try session.resize(width: 30, height: 10)
    (ok, screen) = session.waitFor { $0.contains("terminal too small") && $0.contains("have 30×10") }
    #expect(ok, "30x10:\n\(screen)")
    try session.resize(width: 120, height: 40)
    (ok, screen) = session.waitFor(text: "Queues")
    #expect(ok, "back to 120x40:\n\(screen)")
    try session.send("q")
    #expect(session.exitStatus() == 0)
  }

  @Test func helpOverlayListsKeysAndCloses() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try startQuiet(session)
    #expect(session.waitFor(text: "Queues").0)
    try session.send("?")
    var (ok, screen) = session.waitFor(text: "Keys")
    #expect(ok, "help:\n\(screen)")
    #expect(screen.contains("quit"))
    try session.send("Escape")
    (ok, screen) = session.waitFor { !$0.contains("? or esc closes") }
    #expect(ok, "esc should close help:\n\(screen)")
    try session.send("C-c")
    #expect(session.exitStatus() == 0)
    #expect(!session.alternateScreenOn)
  }

  @Test func sigtermLeavesTheTerminalAsItWas() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try startQuiet(session)
    #expect(session.waitFor(text: "Queues").0)
    #expect(session.alternateScreenOn)
    session.signalProgram(SIGTERM)
    #expect(session.exitStatus() == 128 + SIGTERM)
    #expect(!session.alternateScreenOn)
  }

  @Test func unsetTermIsAClearErrorWithStatus2() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try session.start("'\(LanesBinary.url.path)'", environment: ["TERM": ""])
    let status = session.exitStatus()
    // The status file can be written before tmux has drawn the program's last output.
    let (_, screen) = session.waitFor(timeout: 10) { $0.contains("TERM") }
    #expect(status == 2, "screen:\n\(screen)")
    #expect(screen.contains("TERM"), "screen:\n\(screen)")
  }

  @Test func stdoutNotATerminalPrintsStatusLines() throws {
    let result = try LanesBinary.run(["dashboard", "chat", "--duration", "3s"], timeout: 60)
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.first?.contains("printing a status line") == true, "stdout:\n\(result.stdout)")
    #expect(
      lines.contains { $0.contains("hybrid | chat") && $0.contains("runs") }, "stdout:\n\(result.stdout)")
    #expect(!result.stdout.contains("\u{1B}["), "no escape codes in plain output")
  }

  @Test func dumbTerminalPrintsStatusLines() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try session.start("'\(LanesBinary.url.path)' dashboard chat --duration 3s", environment: ["TERM": "dumb"])
    #expect(session.exitStatus(timeout: 30) == 0)
    let (_, screen) = session.waitFor(timeout: 10) { $0.contains("hybrid | chat") }
    #expect(screen.contains("printing a status line"), "screen:\n\(screen)")
    #expect(screen.contains("hybrid | chat"), "screen:\n\(screen)")
  }

  @Test func screenDumpWritesAFile() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try startQuiet(session)
    #expect(session.waitFor(text: "Queues").0)
    try session.send("s")
    let (ok, screen) = session.waitFor(text: "lanes-screen-")
    #expect(ok, "s should report the dump's path:\n\(screen)")
    let files = try FileManager.default.contentsOfDirectory(atPath: session.directory.path)
      .filter { $0.hasPrefix("lanes-screen-") }
    #expect(files.count == 1)
    if let file = files.first {
      let text = try String(contentsOf: session.directory.appendingPathComponent(file), encoding: .utf8)
      #expect(text.contains("Workflows"))
    }
    try session.send("q")
    #expect(session.exitStatus() == 0)
  }

  @Test func readOnlyRefusesChangesAndSaysSo() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try startQuiet(session, extra: "--read-only")
    #expect(session.waitFor { self.runs(of: "e2e", in: $0) == 0 }.0)
    try session.send("t")
    let (ok, screen) = session.waitFor(text: "read-only")
    #expect(ok, "a refused key should say why:\n\(screen)")
    #expect(runs(of: "e2e", in: session.capture()) == 0)
    try session.send("q")
    #expect(session.exitStatus() == 0)
  }

  @Test func unknownThemeExits2WithTheList() throws {
    let result = try LanesBinary.run(["dashboard", "--theme", "neon"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("default"), "stderr:\n\(result.stderr)")
  }
}
