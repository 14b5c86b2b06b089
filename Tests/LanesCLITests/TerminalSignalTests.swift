import Foundation
import LanesTestSupport
import Testing

/// SIGQUIT to the full-screen dashboard, and the tmux harness's own clean-up, through tmux.
@Suite(.serialized, .enabled(if: TmuxSession.isAvailable, "tmux is not installed: terminal tests skipped"))
struct TerminalSignalTests {
  @Test func sigquitRestoresTheTerminalAndExitsLikeTheOtherSignals() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try session.start("'\(LanesBinary.url.path)' chat --duration 300s")
    #expect(session.waitFor(text: "Queues").0)
    #expect(session.alternateScreenOn)
    session.signalProgram(SIGQUIT)
    #expect(session.exitStatus() == 128 + SIGQUIT)
    #expect(!session.alternateScreenOn)
    let screen = session.capture()
    // Swift's crash report (and its "Press space to interact") must not appear.
    for text in ["Crash", "backtrace", "Press space", "Thread 0"] {
      #expect(!screen.contains(text), "\(text) on screen:\n\(screen)")
    }
  }

  @Test func quittingWithThemeWarningsAndStderrClosedIsNotACrash() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    let theme = session.directory.appendingPathComponent("odd.theme")
    try "theme[no_such_key]=\"#102030\"\n".write(to: theme, atomically: true, encoding: .utf8)
    try session.start("'\(LanesBinary.url.path)' chat --duration 300s --theme '\(theme.path)' 2>&-")
    #expect(session.waitFor(text: "Queues").0)
    try session.send("q")
    // The warnings are written after the terminal is restored, to the closed stderr: not a crash
    // (SIGILL, 132) but a failed write, which like every failed write makes the exit non-zero.
    #expect(session.exitStatus() == 74)
  }

  @Test func stopEndsAServerWhosePaneIgnoresSIGTERM() async throws {
    let session = try TmuxSession()
    try session.start("trap '' TERM HUP; sleep 300")
    let server = try #require(session.serverPID)
    let pane = try #require(session.panePID)
    let socket = try #require(session.socketPath)
    #expect(kill(server, 0) == 0)
    session.stop()
    // SIGKILL is not instant on a busy machine: gone within seconds is what counts.
    for pid in [server, pane] {
      #expect(await eventually(within: .seconds(10)) { !isRunning(pid) }, "process \(pid) survived stop()")
    }
    #expect(!FileManager.default.fileExists(atPath: socket))
  }
}
