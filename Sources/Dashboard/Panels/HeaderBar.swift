import ExecutionCore
import TerminalUI

/// The top line: uptime, the mode badge, total rates, what is paused, and FROZEN / STALE marks;
/// for a remote runtime, the server's address and the age of the last update (or why it cannot be
/// reached, with a RECONNECTING mark).
///
/// Fields have priorities; when the line is too narrow the least important go first, so the mode
/// badge and the FROZEN / STALE marks are the last to leave.
struct HeaderBar {
  private struct Field {
    var spans: [Span]
    var priority: Int
    var width: Int { spans.reduce(0) { $0 + $1.text.count } }
  }

  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    screen.fill(area, with: Cell(" ", style: palette.header))
    var left: [Field] = [
      Field(spans: [Span("lanes", style: palette.headerText(.title, .bold))], priority: 6)
    ]
    var right: [Field] = []
    let input = context.input
    if let link = input.connection {
      switch link.state {
      case .connected:
        left.append(
          Field(
            spans: [
              Span(
                "server \(link.address), updated \(Self.age(link.lastUpdateAge)) ago", style: palette.header)
            ],
            priority: 1))
      case .reconnecting(let reason, let attempt, let retryIn):
        let next = retryIn.map { "retry \(attempt + 1) in \(Self.age($0))" } ?? "retry \(attempt + 1) now"
        left.append(
          Field(
            spans: [
              Span("server \(link.address): \(reason); \(next)", style: palette.headerText(.warn, .bold))
            ],
            priority: 1))
        right.append(
          Field(spans: [Span(" RECONNECTING ", style: palette.badge(.warn, alarming: true))], priority: 0))
      }
    }
    if let snapshot = context.snapshot {
      left.append(
        Field(spans: [Span("up \(FigureText.uptime(snapshot.uptime))", style: palette.header)], priority: 2))
      let sync = snapshot.mode == .allSync
      left.append(
        Field(
          spans: [
            Span(
              sync ? " ALL-SYNC " : " HYBRID ",
              style: palette.badge(sync ? .mode_sync : .mode_hybrid, alarming: sync))
          ], priority: 0))
      if sync {
        left.append(
          Field(
            spans: [Span("every step blocks the caller", style: palette.headerText(.error, .bold))],
            priority: 3))
      }
      let runs = snapshot.workflows.reduce(0) { $0 + $1.startedPerSecond }
      // Both rates are over the last 5 s (the runtime's and the dashboard's own samples).
      left.append(Field(spans: rate(NumberText.compact(runs), " runs/s (5s)", palette), priority: 2))
      if let steps = input.stepsPerSecond {
        left.append(Field(spans: rate(NumberText.compact(steps), " steps/s (5s)", palette), priority: 4))
      }
      let limit = snapshot.maxRunsInFlight.map { "/\(NumberText.compact($0))" } ?? ""
      left.append(
        Field(
          spans: [
            Span("in flight \(NumberText.compact(snapshot.runsInFlight))\(limit)", style: palette.header)
          ],
          priority: 5))
      let paused =
        snapshot.workflows.filter { $0.state != .running }.map(\.name)
        + snapshot.queues.filter { $0.state != .running }.map { "queue \($0.name)" }
      if !paused.isEmpty {
        left.append(
          Field(
            spans: [
              Span("paused: " + paused.joined(separator: ", "), style: palette.headerText(.warn, .bold))
            ],
            priority: 3))
      }
      if let cluster = snapshot.cluster {
        // Kept when the Nodes panel has no room: how many nodes, and any lost, stay in sight.
        left.append(
          Field(
            spans: [
              Span(
                "cluster \(cluster.liveNodes) node\(cluster.liveNodes == 1 ? "" : "s")", style: palette.header
              )
            ],
            priority: 2))
        if cluster.lostNodes > 0 {
          right.append(
            Field(
              spans: [
                Span(
                  " \(cluster.lostNodes) NODE\(cluster.lostNodes == 1 ? "" : "S") LOST ",
                  style: palette.badge(.error, alarming: true))
              ],
              priority: 0))
        }
      }
      if snapshot.shuttingDown {
        right.append(
          Field(spans: [Span(" SHUTTING DOWN ", style: palette.badge(.error, alarming: true))], priority: 0))
      }
    } else {
      left.append(Field(spans: [Span("waiting for the runtime…", style: palette.header)], priority: 2))
    }
    if context.state.readOnly || context.state.serverReadOnly {
      right.append(Field(spans: [Span(" READ-ONLY ", style: palette.badge(.inactive_fg))], priority: 1))
    }
    if let age = input.dataAge {
      right.append(
        Field(
          spans: [Span(" STALE \(DurationText.format(age)) ", style: palette.badge(.warn, alarming: true))],
          priority: 0))
    }
    if context.state.frozen {
      right.append(
        Field(spans: [Span(" FROZEN ", style: palette.badge(.hi_fg, alarming: true))], priority: 0))
    }

    // Drop the least important fields until everything fits with a space between fields.
    func total() -> Int {
      let fields = left + right
      return fields.reduce(0) { $0 + $1.width } + max(0, fields.count - 1) * 2 + 2
    }
    while total() > area.width, let worst = (left + right).map(\.priority).max(), worst > 0 {
      if let index = left.lastIndex(where: { $0.priority == worst }) {
        left.remove(at: index)
      } else if let index = right.lastIndex(where: { $0.priority == worst }) {
        right.remove(at: index)
      }
    }
    var x = area.x + 1
    for field in left {
      x = screen.put(line: StyledLine(field.spans), x: x, y: area.y, width: area.maxX - x) + 2
    }
    var end = area.maxX
    for field in right.reversed() {
      let start = max(x, end - field.width - 1)
      screen.put(line: StyledLine(field.spans), x: start, y: area.y, width: end - start)
      end = start
    }
  }

  /// `0.3s` (a tenth of a second is what a 4 Hz refresh can tell apart), `2m05s` past a minute.
  static func age(_ duration: Duration) -> String {
    duration < .seconds(60)
      ? NumberText.fixed(max(0, duration.seconds), decimals: 1) + "s" : DurationText.format(duration)
  }

  private func rate(_ value: String, _ unit: String, _ palette: Palette) -> [Span] {
    [Span(value, style: palette.headerText(.hi_fg, .bold)), Span(unit, style: palette.header)]
  }
}
