import ExecutionCore
import TerminalUI

/// The A/B summary: all-sync next to hybrid at p50/p95/p99, with the ratio; stays until esc.
struct ComparisonOverlay {
  var result: ComparisonResult

  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let widths = [14, 10, 10, 8]
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
        ["critical path", "ALL-SYNC", "HYBRID", "ratio"],
        [palette.dim, palette.text(.mode_sync, .bold), palette.text(.mode_hybrid, .bold), palette.dim]),
      row(
        ["runs", NumberText.compact(result.allSync.count), NumberText.compact(result.hybrid.count), ""],
        [plain, plain, plain, plain]),
    ]
    let percentiles: [(String, KeyPath<LatencySummary, Duration>)] = [
      ("p50", \.p50), ("p95", \.p95), ("p99", \.p99),
    ]
    for (name, path) in percentiles {
      let ratio = result.ratio(path).map { DurationText.fixed($0, decimals: 1) + "x" } ?? "-"
      lines.append(
        row(
          [
            name, Format.duration(result.allSync[keyPath: path], measured: result.allSync.count > 0),
            Format.duration(result.hybrid[keyPath: path], measured: result.hybrid.count > 0), ratio,
          ], [plain, plain, plain, palette.text(.hi_fg, .bold)]))
    }
    lines.append(StyledLine(""))
    lines.append(StyledLine(verdict(), style: palette.title))
    lines.append(StyledLine("runs started in each phase; the mode is restored", style: palette.dim))
    Popup(
      title: "A/B comparison: \(result.workflow)", hint: "esc closes", lines: lines,
      borderStyle: palette.focusedBorder, titleStyle: palette.title, background: plain, glyphs: context.glyphs
    ).render(into: &screen, area: area)
  }

  private func verdict() -> String {
    guard let ratio = result.ratio(\.p99) else {
      return "not enough runs to compare: raise the load (+) and retry"
    }
    if ratio >= 1.05 {
      return "hybrid answers \(DurationText.fixed(ratio, decimals: 1))x faster at p99"
    }
    if ratio <= 0.95 {
      return "all-sync answered faster at p99 (\(DurationText.fixed(1 / ratio, decimals: 1))x)"
    }
    return "about the same at p99: little runs in the background"
  }
}
