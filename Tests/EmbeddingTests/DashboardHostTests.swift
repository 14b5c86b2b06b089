import Dashboard
import DashboardHost
import ExecutionCore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The embedding API returns errors instead of exiting, and shows status lines for a runtime the
/// caller owns (the test process's stdout is not a terminal).
@Suite struct DashboardHostTests {
  @Test func anUnknownThemeIsAThrownErrorListingTheThemes() {
    #expect {
      _ = try DashboardThemes.resolve("no-such-theme")
    } throws: { error in
      guard let error = error as? LanesDashboardError else { return false }
      return error.kind == .theme && error.description.contains("available themes:")
    }
  }

  @Test func theDefaultThemeComesFirst() throws {
    let themes = try DashboardThemes.resolve(nil)
    #expect(themes.themes.first?.name == "default")
    #expect(themes.warnings.isEmpty)
  }

  @Test(.timeLimit(.minutes(1))) func statusLinesRunForTheDurationAndLeaveTheRuntimeToTheCaller()
    async throws
  {
    let step = StepDefinition(id: "answer", mode: .blocking, action: .closure { _ in })
    let runtime = try Runtime(
      topology: Topology(
        workflows: [WorkflowDefinition(name: "service", steps: [step], load: LoadDefinition(rate: 1))],
        queues: []),
      options: RuntimeOptions(startLoad: false))
    let exit = try await LanesDashboard.show(
      runtime, display: .statusLines(reason: "a test"), themes: try DashboardThemes.resolve(nil),
      duration: .milliseconds(300), watchSignals: false)
    #expect(exit == .quit)
    // Still the caller's: the dashboard neither shut it down nor stopped it taking runs.
    let result = try await runtime.run(workflow: "service")
    #expect(!result.failed)
    _ = await runtime.shutdown(deadline: .seconds(1))
  }

  @Test func aSignalWatchGivesTheSignalsBackWhenCancelled() {
    // An embedded dashboard must not leave the service unable to be stopped by a signal. While
    // it watches, the signal is ignored or (once libdispatch has registered its source, which it
    // does asynchronously) routed to libdispatch's handler: either way not the default action.
    func disposition() -> Int {
      var action = sigaction()
      sigaction(SIGUSR2, nil, &action)
      return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
    }
    var before = sigaction()
    sigaction(SIGUSR2, nil, &before)
    defer { sigaction(SIGUSR2, &before, nil) }
    let original = disposition()

    let watch = SignalWatch([SIGUSR2])
    #expect(disposition() != original)
    watch.cancel()
    #expect(disposition() == original)

    let kept = SignalWatch([SIGUSR2], keepIgnored: true)
    kept.cancel()
    #expect(disposition() != original)
  }
}
