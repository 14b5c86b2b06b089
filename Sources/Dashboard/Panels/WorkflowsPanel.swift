import ExecutionCore
import TerminalUI

/// One row per workflow: state, load, rates, critical-path percentiles, settle p99, failed runs
/// and what its background steps lost. When the latency graph has no room (80x24), a trend
/// column keeps the selected workflow's latency over time on screen.
struct WorkflowsPanel {
  /// True when the latency graph is not shown, so the table carries a p99 trend instead.
  var showsTrend = false

  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let workflows = context.snapshot?.workflows ?? []
    // On a cluster the cp percentiles are every live node's runs merged (their histograms, not an
    // average of percentiles); the other columns stay this node's.
    let cluster = context.snapshot?.cluster
    var title = "Workflows (cp: critical path)"
    if let cluster {
      let nodes = "\(cluster.liveNodes) live node\(cluster.liveNodes == 1 ? "" : "s")"
      title = "Workflows (this node; cp: critical path, all \(nodes))"
      if title.count + 4 > area.width { title = "Workflows (cp: all \(nodes))" }
    }
    let inner = context.box(
      title, hint: WindowText.hint(context),
      focused: context.state.focus == .workflows, into: &screen, area: area)
    let trendPriority = showsTrend ? 9 : 1
    let columns = [
      TableColumn("workflow", width: .flexible(min: 8, weight: 3), priority: 10),
      TableColumn("state", width: .fixed(8), priority: 9),
      TableColumn("arrive/s", width: .flexible(min: 8, weight: 1), alignment: .right, priority: 7),
      TableColumn("generator", width: .flexible(min: 9, weight: 1), alignment: .right, priority: 4),
      TableColumn("runs", width: .flexible(min: 6, weight: 1), alignment: .right, priority: 2),
      TableColumn("cp p50", width: .flexible(min: 6, weight: 1), alignment: .right, priority: 6),
      TableColumn("cp p95", width: .flexible(min: 6, weight: 1), alignment: .right, priority: 3),
      TableColumn("cp p99", width: .flexible(min: 6, weight: 1), alignment: .right, priority: 9),
      TableColumn("p99 trend", width: .flexible(min: 9, weight: 2), priority: trendPriority),
      TableColumn("settle p99", width: .flexible(min: 10, weight: 1), alignment: .right, priority: 3),
      TableColumn("runs failed", width: .fixed(11), alignment: .right, priority: 7),
      TableColumn("bg dead/rej/drop", width: .fixed(16), alignment: .right, priority: 8),
    ]
    let rows = workflows.map { workflow -> TableRow in
      var figures = workflow.figures(context.state.window)
      if let cluster { figures.criticalPath = cluster.criticalPath(workflow.name, context.state.window) }
      let measured = figures.criticalPath.count > 0
      let ended = workflow.runsResponded + workflow.runsFailed
      let failure = ended > 0 ? Double(workflow.runsFailed) / Double(ended) : 0
      let losses = BackgroundLosses(workflow)
      return TableRow([
        TableCell(workflow.name),
        stateCell(workflow, context: context),
        // What arrives, whoever sends it (generator, keys, a real service), next to what the
        // load generator is set to.
        TableCell(NumberText.compact(workflow.startedPerSecond)),
        TableCell(NumberText.rate(workflow.rate), style: palette.dim),
        TableCell(NumberText.compact(workflow.runsStarted)),
        TableCell(FigureText.duration(figures.criticalPath.p50, measured: measured)),
        TableCell(FigureText.duration(figures.criticalPath.p95, measured: measured)),
        TableCell(
          FigureText.duration(figures.criticalPath.p99, measured: measured), style: palette.text(.hi_fg)),
        TableCell(""),
        TableCell(
          FigureText.duration(figures.settle.p99, measured: figures.settle.count > 0), style: palette.dim),
        TableCell(FigureText.percent(failure), style: failure > 0 ? palette.text(.error, .bold) : nil),
        TableCell(
          losses.text, style: losses.total > 0 ? palette.text(.warn, .bold) : palette.dim),
      ])
    }
    let table = Table(
      columns: columns, rows: rows, selected: context.state.workflowIndex(in: context.snapshot),
      headerStyle: palette.dim, rowStyle: palette.plain, selectedStyle: palette.selected,
      emptyText: "no workflows", glyphs: context.glyphs)
    let first = table.render(into: &screen, area: inner)
    let shownRows = max(0, min(inner.height - 1, workflows.count - first))
    if shownRows < workflows.count, inner.height >= 1 {
      let text = " +\(workflows.count - shownRows) workflows "
      screen.put(
        text, x: area.maxX - 2 - text.count, y: area.maxY - 1, style: palette.text(.warn, .bold), clip: area)
    }
    guard let trend = table.layout(width: inner.width).first(where: { $0.column == 8 }) else { return }
    for line in 0..<shownRows {
      let series = workflows[first + line].criticalPathSeries.suffix(trend.width)
      let values = series.map { $0.count > 0 ? $0.p99.seconds : 0 }
      Sparkline(
        values: values, maxValue: values.max() ?? 0, style: palette.text(.hi_fg), glyphs: context.glyphs,
        keepsBackground: true
      ).render(
        into: &screen, area: Rect(x: inner.x + trend.x, y: inner.y + 1 + line, width: trend.width, height: 1))
    }
  }

  private func stateCell(_ workflow: WorkflowSnapshot, context: PanelContext) -> TableCell {
    let palette = context.palette
    if workflow.underComparison, workflow.state == .running {
      return TableCell("A/B", style: palette.text(.mode_sync, .bold))
    }
    switch workflow.state {
    case .running: return TableCell("running", style: palette.text(.ok))
    case .pausing: return TableCell(context.unicode ? "pausing…" : "pausing", style: palette.text(.warn))
    case .paused: return TableCell("PAUSED", style: palette.text(.warn, .bold))
    }
  }
}

/// What a workflow's background steps lost: dead-lettered, rejected by a full queue, dropped.
struct BackgroundLosses {
  var dead: Int
  var rejected: Int
  var dropped: Int

  init(_ workflow: WorkflowSnapshot) {
    dead = workflow.steps.reduce(0) { $0 + $1.deadLettered }
    rejected = workflow.steps.reduce(0) { $0 + $1.rejected }
    dropped = workflow.steps.reduce(0) { $0 + $1.dropped }
  }

  var total: Int { dead + rejected + dropped }
  var text: String {
    [dead, rejected, dropped].map { NumberText.compact($0) }.joined(separator: "/")
  }
}
