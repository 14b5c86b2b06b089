import ExecutionCore
import TerminalUI

/// Critical-path p50 and p99 of the selected workflow, one column per second, with a marker
/// wherever the mode of the runs changed, so a mode flip shows as a jump at a labelled line.
struct LatencyPanel {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    guard let workflow = context.selectedWorkflow else {
      let inner = context.box("Critical-path latency", into: &screen, area: area)
      screen.put("no workflow selected", x: inner.x, y: inner.y, style: palette.dim, clip: inner)
      return
    }
    let series = workflow.criticalPathSeries
    // "Now" is the last 10 s, never one second with one sample.
    let recent = workflow.figures(.last10s)
    let now =
      recent.criticalPath.count > 0
      ? "10s: p50 \(DurationText.format(recent.criticalPath.p50)) p99 "
        + "\(DurationText.format(recent.criticalPath.p99))"
      : "10s: no runs"
    let inner = context.box(
      "Critical path of \(workflow.name)" + (context.snapshot?.cluster == nil ? "" : " (this node)"),
      hint: now,
      into: &screen, area: area)
    guard inner.height >= 2, inner.width >= 12 else { return }
    let (legendRow, plotArea) = inner.splitTop(1)
    let p50Fill: Character = context.unicode ? "█" : "#"
    let p99Fill: Character = context.unicode ? "░" : ":"
    var legend = StyledLine([
      Span("\(p99Fill)\(p99Fill) p99", style: palette.text(.graph_p99, .bold)),
      Span("  "),
      Span("\(p50Fill)\(p50Fill) p50", style: palette.text(.graph_p50, .bold)),
      Span("  per second", style: palette.dim),
    ])
    if series.isEmpty { legend.spans.append(Span("  (no runs yet)", style: palette.dim)) }
    screen.put(line: legend, x: legendRow.x, y: legendRow.y, width: legendRow.width)

    var graph = TimeGraph(
      series: [
        GraphSeries(
          name: "p99", values: series.map { $0.p99.nanoseconds }, style: palette.text(.graph_p99),
          kind: .area, fill: p99Fill),
        GraphSeries(
          name: "p50", values: series.map { $0.p50.nanoseconds }, style: palette.text(.graph_p50),
          kind: .area, fill: p50Fill),
      ],
      yLabel: { $0 <= 0 ? "0" : DurationText.format(.nanoseconds(Int64($0.rounded()))) },
      markers: modeMarkers(series, context: context), axisStyle: palette.dim, labelStyle: palette.dim,
      background: palette.plain, glyphs: context.glyphs)
    graph.xLabelAt = { $0 == 0 ? "now" : "-\($0)s" }
    graph.render(into: &screen, area: plotArea)
  }

  /// A marker wherever a second's mode differs from the one before it; a label only where it
  /// does not run into the next marker's line (labels sit to the right of their line).
  private func modeMarkers(_ series: [LatencyPoint], context: PanelContext) -> [GraphMarker] {
    guard series.count > 1 else { return [] }
    let palette = context.palette
    let changes = (1..<series.count).filter { series[$0].mode != series[$0 - 1].mode }
    return changes.enumerated().map { order, index in
      let sync = series[index].mode == .allSync
      let label = sync ? "ALL-SYNC" : "HYBRID"
      let room = order + 1 < changes.count ? changes[order + 1] - index - 1 : Int.max
      return GraphMarker(
        samplesAgo: series.count - 1 - index, label: room > label.count ? label : "",
        style: palette.text(sync ? .mode_sync : .mode_hybrid, .bold))
    }
  }
}
