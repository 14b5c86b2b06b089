import ExecutionCore
import TerminalUI

/// The A/B summary: all-sync next to hybrid at p50/p95/p99, with the ratio; stays until esc.
struct ComparisonOverlay {
  var result: ComparisonResult

  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let widths = [14, 10, 10, 17]
    func row(_ cells: [String], _ styles: [Style]) -> StyledLine {
      StyledLine(
        cells.enumerated().map { index, cell in
          let text =
            index == 0
            ? TextLayout.fit(cell, to: widths[index])
            : " " + TextLayout.fit(cell, to: widths[index], alignment: .right)
          return Span(text, style: styles[index])
        })
    }
    let plain = palette.plain
    var lines = [
      row(
        ["critical path", "ALL-SYNC", "HYBRID", "hybrid ÷ all-sync"],
        [palette.dim, palette.text(.mode_sync, .bold), palette.text(.mode_hybrid, .bold), palette.dim]),
      row(
        ["runs", NumberText.compact(result.allSync.count), NumberText.compact(result.hybrid.count), ""],
        [plain, plain, plain, plain]),
    ]
    let percentiles: [(String, KeyPath<LatencySummary, Duration>)] = [
      ("p50", \.p50), ("p95", \.p95), ("p99", \.p99),
    ]
    for (name, path) in percentiles {
      let ratio = FigureText.ratio(result.ratio(path), times: "\(context.marks.times)")
      lines.append(
        row(
          [
            name, FigureText.duration(result.allSync[keyPath: path], measured: result.allSync.count > 0),
            FigureText.duration(result.hybrid[keyPath: path], measured: result.hybrid.count > 0), ratio,
          ], [plain, plain, plain, palette.text(.hi_fg, .bold)]))
    }
    lines.append(StyledLine(""))
    lines.append(StyledLine(verdict(context), style: palette.title))
    lines.append(
      StyledLine("runs of \(result.workflow) started in each phase; its mode is restored", style: palette.dim)
    )
    Popup(
      title: "A/B comparison: \(result.workflow)", hint: "\(context.key(.dismiss)) closes", lines: lines,
      borderStyle: palette.focusedBorder, titleStyle: palette.title, background: plain, glyphs: context.glyphs
    ).render(into: &screen, area: area)
  }

  /// One sentence in the convention `lanes compare` uses (hybrid ÷ all-sync), worded so the
  /// direction cannot be misread.
  private func verdict(_ context: PanelContext) -> String {
    guard let ratio = result.ratio(\.p99) else {
      return "not enough runs to compare: raise the load (\(context.key(.raiseRate))) and retry"
    }
    let times = context.marks.times
    let text = "p99: hybrid answers in \(FigureText.ratio(ratio, times: "\(times)")) the all-sync time"
    if ratio <= 0.95 { return text }
    if ratio >= 1.05 { return text + " (hybrid is slower)" }
    return text + " (about the same)"
  }
}
