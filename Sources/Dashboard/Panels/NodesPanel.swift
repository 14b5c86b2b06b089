import ExecutionCore
import TerminalUI

/// One row per node of the cluster the runtime belongs to (`RuntimeSnapshot.cluster`): address,
/// whether it is alive, uptime, heartbeat age, runs/s, busy workers and critical-path p99, as the
/// nodes reported them through the database. A lost node stays listed, marked `LOST` in the
/// error colour; a node running other workflows is marked too. Shown only on a cluster.
struct NodesPanel {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    guard let cluster = context.snapshot?.cluster else {
      let inner = context.box("Nodes", into: &screen, area: area)
      screen.put("not a cluster (single node)", x: inner.x, y: inner.y, style: palette.dim, clip: inner)
      return
    }
    let nodes = Self.ordered(cluster.nodes)
    let lost = cluster.lostNodes
    let title =
      "Nodes (\(cluster.liveNodes) live" + (lost > 0 ? ", \(lost) LOST" : "")
      + "; cp p99: last 1m, /s: last 5s)"
    let hint = cluster.problem.map { "! \($0)" } ?? "through the database"
    let inner = context.box(title, hint: hint, into: &screen, area: area)
    let longest = nodes.map(\.label.count).max() ?? 0
    let columns = [
      TableColumn("node", width: .flexible(min: min(23, max(8, longest + 2)), weight: 1), priority: 10),
      TableColumn("state", width: .fixed(5), priority: 10),
      TableColumn("uptime", width: .fixed(9), alignment: .right, priority: 5),
      TableColumn("heartbeat", width: .fixed(9), alignment: .right, priority: 8),
      TableColumn("runs/s", width: .fixed(7), alignment: .right, priority: 9),
      TableColumn("busy", width: .fixed(7), alignment: .right, priority: 7),
      TableColumn("cp p99", width: .fixed(7), alignment: .right, priority: 9),
      TableColumn("workflows", width: .flexible(min: 9, weight: 2), priority: 4),
    ]
    let rows = nodes.map { node -> TableRow in
      let dim = node.alive ? nil : palette.dim
      let mark = node.isSelf ? (context.unicode ? "▸ " : "> ") : "  "
      return TableRow([
        TableCell(mark + node.label, style: node.alive ? nil : palette.text(.error)),
        node.alive
          ? TableCell("live", style: palette.text(.ok))
          : TableCell("LOST", style: palette.text(.error, .bold)),
        TableCell(FigureText.uptime(node.uptime), style: palette.dim),
        TableCell(
          HeaderBar.age(node.heartbeatAge) + " ago",
          style: node.alive
            ? (node.heartbeatAge * 2 > cluster.lostAfter ? palette.text(.warn, .bold) : palette.dim)
            : palette.text(.error, .bold)),
        TableCell(node.reported ? NumberText.compact(node.runsPerSecond) : "-", style: dim),
        TableCell(node.reported ? "\(node.busyWorkers)/\(node.workers)" : "-", style: dim),
        TableCell(
          node.criticalPathP99.map(DurationText.format) ?? "-",
          style: node.alive ? palette.text(.hi_fg) : palette.dim),
        node.sameWorkflows
          ? TableCell("same", style: palette.dim) : TableCell("DIFFERENT", style: palette.text(.warn, .bold)),
      ])
    }
    let table = Table(
      columns: columns, rows: rows, selected: nil, headerStyle: palette.dim, rowStyle: palette.plain,
      selectedStyle: palette.selected, emptyText: "no nodes yet (the first report comes within a second)",
      glyphs: context.glyphs)
    _ = table.render(into: &screen, area: inner)
    let shownRows = max(0, min(inner.height - 1, nodes.count))
    if shownRows < nodes.count, inner.height >= 1 {
      // Rows that do not fit are counted on the border, lost ones named first: they matter most.
      let hidden = nodes.suffix(nodes.count - shownRows)
      let hiddenLost = hidden.filter { !$0.alive }.count
      let text = " +\(hidden.count) nodes" + (hiddenLost > 0 ? " (\(hiddenLost) lost)" : "") + " "
      screen.put(
        text, x: max(area.x + 1, area.maxX - 2 - text.count), y: area.maxY - 1,
        style: palette.text(hiddenLost > 0 ? .error : .warn, .bold), clip: area)
    }
  }

  /// The nodes in the order the panel lists them: lost ones first (they need a look), then the
  /// others as the database has them (oldest first).
  static func ordered(_ nodes: [ClusterNodeSnapshot]) -> [ClusterNodeSnapshot] {
    nodes.filter { !$0.alive } + nodes.filter(\.alive)
  }
}
