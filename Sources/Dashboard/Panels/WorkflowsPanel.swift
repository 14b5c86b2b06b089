import ExecutionCore
import TerminalUI

/// One row per workflow: state, load, rates, critical-path percentiles, settle p99, failures.
struct WorkflowsPanel {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let workflows = context.snapshot?.workflows ?? []
    let inner = context.box(
      "Workflows", hint: "cp = critical path, the time the caller waits",
      focused: context.state.focus == .workflows, into: &screen, area: area)
    let columns = [
      TableColumn("workflow", width: .flexible(min: 8, weight: 3), priority: 10),
      TableColumn("state", width: .fixed(8), priority: 9),
      TableColumn("load", width: .flexible(min: 6, weight: 1), alignment: .right, priority: 4),
      TableColumn("runs/s", width: .flexible(min: 7, weight: 1), alignment: .right, priority: 7),
      TableColumn("runs", width: .flexible(min: 6, weight: 1), alignment: .right, priority: 2),
      TableColumn("cp p50", width: .flexible(min: 7, weight: 1), alignment: .right, priority: 8),
      TableColumn("cp p95", width: .flexible(min: 7, weight: 1), alignment: .right, priority: 3),
      TableColumn("cp p99", width: .flexible(min: 7, weight: 1), alignment: .right, priority: 9),
      TableColumn("settle p99", width: .flexible(min: 10, weight: 1), alignment: .right, priority: 5),
      TableColumn("failed", width: .flexible(min: 6, weight: 1), alignment: .right, priority: 6),
    ]
    let rows = workflows.map { workflow -> TableRow in
      let measured = workflow.criticalPath.count > 0
      let ended = workflow.runsResponded + workflow.runsFailed
      let failure = ended > 0 ? Double(workflow.runsFailed) / Double(ended) : 0
      return TableRow([
        TableCell(workflow.name),
        stateCell(workflow.state, palette: palette),
        TableCell(NumberText.rate(workflow.rate), style: palette.dim),
        TableCell(NumberText.compact(workflow.startedPerSecond)),
        TableCell(NumberText.compact(workflow.runsStarted)),
        TableCell(Format.duration(workflow.criticalPath.p50, measured: measured)),
        TableCell(Format.duration(workflow.criticalPath.p95, measured: measured)),
        TableCell(
          Format.duration(workflow.criticalPath.p99, measured: measured), style: palette.text(.hi_fg)),
        TableCell(
          Format.duration(workflow.settle.p99, measured: workflow.settle.count > 0), style: palette.dim),
        TableCell(Format.percent(failure), style: failure > 0 ? palette.text(.error, .bold) : nil),
      ])
    }
    Table(
      columns: columns, rows: rows, selected: context.state.workflowIndex(in: context.snapshot),
      headerStyle: palette.dim, rowStyle: palette.plain, selectedStyle: palette.selected,
      emptyText: "no workflows", glyphs: context.glyphs
    ).render(into: &screen, area: inner)
  }

  private func stateCell(_ state: WorkflowState, palette: Palette) -> TableCell {
    switch state {
    case .running: return TableCell("running", style: palette.text(.ok))
    case .pausing: return TableCell("pausing", style: palette.text(.warn))
    case .paused: return TableCell("PAUSED", style: palette.text(.warn, .bold))
    }
  }
}
