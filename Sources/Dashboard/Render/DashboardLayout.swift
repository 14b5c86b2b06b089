import ExecutionCore
import TerminalUI

/// Where everything goes for one frame; panels drop in a fixed order as the terminal shrinks.
///
/// Drop order (first to go first): waterfall, latency graph, events, outcomes, nodes. The header,
/// workflows, queues, status line and footer always stay; below `minimumSize` the dashboard
/// shows a "terminal too small" message instead. Without the latency graph the workflows table
/// carries a p99 trend, so at 80x24 the selected workflow's latency over time, the queues with
/// their dead letters, the background outcomes and the latest event all stay on screen.
///
/// On a cluster (`RuntimeSnapshot.cluster`) a Nodes panel sits under the queues, the last optional
/// panel to go: when it has no room, the header still counts the nodes and the lost ones.
public struct DashboardLayout: Sendable, Hashable {
  /// The smallest terminal the dashboard draws on.
  public static let minimumSize = Size(width: 60, height: 16)
  /// From this width on, the graph sits beside the waterfall and outcomes beside events.
  public static let sideBySideWidth = 100
  /// The order panels are dropped in when the height runs out.
  public static let dropOrder: [PanelKind] = [.waterfall, .latency, .events, .outcomes, .nodes]
  /// From this width on, outcomes sit beside the events even when the rest is stacked.
  public static let outcomesBesideEventsWidth = 70

  /// The header line.
  public var header: Rect
  /// The status line, above the footer.
  public var status: Rect
  /// The key footer.
  public var footer: Rect
  /// Each panel shown, and where.
  public var panels: [PanelKind: Rect]

  /// Lays out `size`; nil when it is smaller than `minimumSize`.
  public static func compute(size: Size, snapshot: RuntimeSnapshot?) -> DashboardLayout? {
    guard size.width >= minimumSize.width, size.height >= minimumSize.height else { return nil }
    let (header, rest) = Rect(size: size).splitTop(1)
    let (body, bottom) = rest.splitBottom(2)
    let (status, footer) = bottom.splitTop(1)
    let needs = PanelNeeds(snapshot: snapshot)
    let wide = size.width >= sideBySideWidth
    let nodes: [[PanelKind]] = snapshot?.cluster == nil ? [] : [[.nodes]]
    let rows: [[PanelKind]] =
      wide
      ? [[.workflows], [.latency, .waterfall], [.queues]] + nodes + [[.outcomes, .events]]
      : size.width >= outcomesBesideEventsWidth
        ? [[.workflows], [.latency], [.waterfall], [.queues]] + nodes + [[.outcomes, .events]]
        : [[.workflows], [.latency], [.waterfall], [.queues]] + nodes + [[.outcomes], [.events]]

    // Workflows and queues come first at the height they want; then the optional panels join
    // in order of importance while their minimum still fits.
    // Without the outcomes panel, the queues panel carries a one-line outcomes summary.
    let core: Set<PanelKind> = [.workflows, .queues]
    var shown = core
    func floor(_ panel: PanelKind) -> Int {
      let summary = panel == .queues && !shown.contains(.outcomes) ? 1 : 0
      return core.contains(panel) ? needs.desired(panel) + summary : needs.minimum(panel)
    }
    func required(_ panels: Set<PanelKind>) -> Int {
      rows.map { row in row.filter(panels.contains).map(floor).max() ?? 0 }.reduce(0, +)
    }
    for panel in dropOrder.reversed() {
      guard required(shown.union([panel])) <= body.height else { break }
      shown.insert(panel)
    }
    let visibleRows = rows.map { $0.filter(shown.contains) }.filter { !$0.isEmpty }
    shown.formIntersection(rows.flatMap { $0 })
    var heights = visibleRows.map { $0.map(floor).max() ?? 0 }
    if heights.reduce(0, +) > body.height {
      // Too many rows for even the core tables: share the height, keeping a few rows each.
      let workflowsShare = max(
        needs.minimum(.workflows), min(heights[0], body.height - needs.minimum(.queues)))
      heights = [workflowsShare, body.height - workflowsShare]
    }
    var spare = body.height - heights.reduce(0, +)
    // Grow toward the desired height in order of importance, then hand what is left to the
    // panel that can use any amount of room.
    for panel in [PanelKind.nodes, .waterfall, .latency, .outcomes, .events] {
      guard let row = visibleRows.firstIndex(where: { $0.contains(panel) }) else { continue }
      let grow = min(spare, max(0, needs.desired(panel) - heights[row]))
      heights[row] += grow
      spare -= grow
    }
    if spare > 0 {
      let sink = [PanelKind.events, .latency, .waterfall, .queues].first(where: shown.contains)
      if let sink, let row = visibleRows.firstIndex(where: { $0.contains(sink) }) {
        heights[row] += spare
      }
    }

    var panels: [PanelKind: Rect] = [:]
    var remaining = body
    for (row, kinds) in visibleRows.enumerated() {
      let (band, below) = remaining.splitTop(heights[row])
      remaining = below
      if kinds.count == 1 {
        panels[kinds[0]] = band
      } else {
        let leftWidth = kinds[0] == .outcomes ? min(46, band.width / 2) : band.width / 2
        let (left, right) = band.splitLeft(leftWidth)
        panels[kinds[0]] = left
        panels[kinds[1]] = right
      }
    }
    return DashboardLayout(header: header, status: status, footer: footer, panels: panels)
  }
}

/// How many rows each panel needs at least and would like, for one snapshot.
struct PanelNeeds {
  var workflows: Int
  var queues: Int
  var steps: Int
  var events: Int
  var nodes: Int

  init(snapshot: RuntimeSnapshot?) {
    workflows = snapshot?.workflows.count ?? 0
    queues = snapshot?.queues.count ?? 0
    steps = snapshot?.workflows.map(\.steps.count).max() ?? 0
    events = snapshot?.events.count ?? 0
    nodes = snapshot?.cluster?.nodes.count ?? 0
  }

  func minimum(_ panel: PanelKind) -> Int {
    switch panel {
    case .workflows, .queues, .nodes: return 4
    case .events: return 3
    case .latency: return 7
    case .waterfall: return 6
    case .outcomes: return 7
    }
  }

  func desired(_ panel: PanelKind) -> Int {
    switch panel {
    case .workflows: return 3 + max(1, workflows)
    case .queues: return 3 + max(1, queues)
    case .waterfall: return 4 + max(2, steps)
    case .latency: return 12
    case .outcomes: return 11
    case .events: return 2 + min(12, max(3, events))
    case .nodes: return 3 + max(1, nodes)
    }
  }
}
