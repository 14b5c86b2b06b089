import Dashboard
import ExecutionCore
import TerminalUI

/// Render cost: a full 200×50 dashboard frame drawn into a `Screen` from a busy runtime's
/// snapshot, then diffed against the previous frame; against a plain frame of text.
enum RenderCase {
  static let size = Size(width: 200, height: 50)

  static func measure(_ context: BenchContext) async throws -> BenchCaseResult {
    let snapshots = try await busySnapshots(context)
    let frames = max(2, context.sizes.renderFrames)
    let state = DashboardState()
    let capabilities = TerminalCapabilities(colorDepth: .trueColor, unicode: true)

    var dashboard = BenchHistogram()
    var changed = 0
    var previous = Screen(size: size)
    for index in 0..<frames {
      let snapshot = snapshots[index % snapshots.count]
      let start = Nanos.now()
      let screen = DashboardRenderer.render(
        state: state, snapshot: snapshot, theme: .builtInDefault, capabilities: capabilities, size: size,
        now: snapshot.uptime)
      // The diff the terminal backend runs before it draws: runs of changed cells.
      let runs = screen.changes(from: previous)
      dashboard.record(nanoseconds: Nanos.now() - start)
      changed += runs.reduce(0) { $0 + $1.text.count }
      previous = screen
    }

    var plain = BenchHistogram()
    var plainChanged = 0  // kept, so the baseline's diff is not optimised away
    previous = Screen(size: size)
    for index in 0..<frames {
      let start = Nanos.now()
      var screen = Screen(size: size)
      for row in 0..<size.height {
        screen.put("row \(row) frame \(index) " + String(repeating: "=", count: 170), x: 0, y: row)
      }
      let runs = screen.changes(from: previous)
      plain.record(nanoseconds: Nanos.now() - start)
      plainChanged += runs.count
      previous = screen
    }

    return BenchCaseResult(
      name: "render cost",
      figures: dashboard.figures() + [
        BenchFigure("cells changed per frame", Double(changed) / Double(frames), .count)
      ],
      baseline: plain.figures(prefix: "plain text frame "),
      checks: [
        context.absoluteCheck(
          "frame p50", measured: BenchFigure("p50", dashboard.p50, .nanoseconds),
          baseline: BenchFigure("plain p50", plain.p50, .nanoseconds), target: "p50 <= 1ms",
          bound: .atMost(1_000_000))
      ],
      notes: [
        "DashboardRenderer.render at 200x50, true colour, from \(snapshots.count) snapshots of a busy runtime taken \(DurationText.format(context.sizes.busyWarmup / 10)) apart (each frame differs from the last), then diffed against the previous frame with Screen.changes(from:), the diff the terminal backend runs; baseline: a frame of 50 text rows written with Screen.put and diffed the same way (\(plainChanged / max(frames, 1)) runs per frame)"
      ])
  }

  /// Snapshots of the chat-shaped workflow and an overload-shaped one running for a while.
  static func busySnapshots(_ context: BenchContext) async throws -> [RuntimeSnapshot] {
    let (chat, queues) = SyntheticWorkflows.chat()
    var busyChat = chat
    busyChat.load = LoadDefinition(rate: 30, arrivals: .poisson)
    let runtime = try Runtime(
      topology: Topology(workflows: [busyChat], queues: queues),
      options: RuntimeOptions(seed: context.seed, startLoad: true))
    runtime.start()
    var snapshots: [RuntimeSnapshot] = []
    let count = context.options.quick ? 4 : 10
    let gap = context.sizes.busyWarmup / 10
    for _ in 0..<count {
      try? await Task.sleep(for: gap)
      snapshots.append(runtime.snapshot(fresh: true))
    }
    await RuntimeHarness.stop(runtime, deadline: .milliseconds(200))
    return snapshots
  }
}
