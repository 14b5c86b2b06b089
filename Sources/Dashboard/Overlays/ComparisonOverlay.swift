import ExecutionCore
import TerminalUI

/// The A/B summary: all-sync next to hybrid at p50/p95/p99, with the ratio; stays until esc.
struct ComparisonOverlay {
  var result: ComparisonResult

  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let width = min(area.width, 52)
    let height = min(area.height, 11)
    let box = Rect(
      x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width,
      height: height)
    let inner = context.box(
      "A/B comparison: \(result.workflow)", hint: "esc closes", focused: true, into: &screen, area: box)
    guard !inner.isEmpty else { return }
    let columns = [14, 10, 10, 8]
    func row(_ cells: [String], y: Int, styles: [Style]) {
      var x = inner.x + 1
      for (index, cell) in cells.enumerated() {
        let text = index == 0 ? Format.left(cell, columns[index]) : Format.right(cell, columns[index])
        screen.put(text, x: x, y: y, style: styles[index], clip: inner)
        x += columns[index] + 1
      }
    }
    var y = inner.y
    row(
      ["critical path", "ALL-SYNC", "HYBRID", "ratio"], y: y,
      styles: [palette.dim, palette.text(.mode_sync, .bold), palette.text(.mode_hybrid, .bold), palette.dim])
    y += 1
    row(
      ["runs", Format.count(result.allSync.count), Format.count(result.hybrid.count), ""], y: y,
      styles: [palette.plain, palette.plain, palette.plain, palette.plain])
    y += 1
    let percentiles: [(String, KeyPath<LatencySummary, Duration>)] = [
      ("p50", \.p50), ("p95", \.p95), ("p99", \.p99),
    ]
    for (name, path) in percentiles {
      let ratio = result.ratio(path).map { DurationText.fixed($0, decimals: 1) + "x" } ?? "-"
      row(
        [
          name, Format.duration(result.allSync[keyPath: path], measured: result.allSync.count > 0),
          Format.duration(result.hybrid[keyPath: path], measured: result.hybrid.count > 0), ratio,
        ], y: y, styles: [palette.plain, palette.plain, palette.plain, palette.text(.hi_fg, .bold)])
      y += 1
    }
    y += 1
    screen.put(verdict(), x: inner.x + 1, y: y, style: palette.title, clip: inner)
    y += 1
    screen.put(
      "runs started in each phase; the mode is restored", x: inner.x + 1, y: y, style: palette.dim,
      clip: inner)
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
