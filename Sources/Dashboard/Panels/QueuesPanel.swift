import ExecutionCore
import TerminalUI

/// One row per queue: depth stacked by state against capacity, workers, oldest wait, wait p99
/// next to run p99, rejected and dropped, and a depth sparkline.
struct QueuesPanel {
  /// True when the outcomes panel has no room: the last row then sums the background outcomes.
  var showsOutcomes = false

  /// The characters of the bar's segments, so states read apart without colour.
  struct SegmentGlyphs {
    var running: Character
    var queued: Character
    var retrying: Character
    var dead: Character

    static let unicode = SegmentGlyphs(running: "█", queued: "▓", retrying: "▒", dead: "×")
    static let ascii = SegmentGlyphs(running: "#", queued: "=", retrying: "~", dead: "x")
  }

  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let queues = context.snapshot?.queues ?? []
    let marks = context.unicode ? SegmentGlyphs.unicode : SegmentGlyphs.ascii
    let legend = "\(marks.running) run \(marks.queued) queued \(marks.retrying) retry \(marks.dead) dead"
    // On a cluster the depth, oldest age and dead letters are the database's (every node's
    // steps); busy workers and the wait and run percentiles are this node's.
    var title = "Queues (p: \(context.state.window.phrase))"
    if context.snapshot?.cluster != nil {
      title = "Queues (depth, dead: cluster; busy, p: this node, \(context.state.window.phrase))"
      if title.count + 4 > area.width { title = "Queues (depth: cluster; p: \(context.state.window.phrase))" }
    }
    var inner = context.box(
      title, hint: legend, focused: context.state.focus == .queues,
      into: &screen, area: area)
    if showsOutcomes, inner.height >= 3 {
      let (table, summary) = inner.splitBottom(1)
      inner = table
      if let line = outcomesLine(queues, width: summary.width, context: context) {
        screen.put(
          line: line, x: summary.x, y: summary.y, width: summary.width, ellipsis: context.glyphs.ellipsis)
      }
    }
    // Names are what people read first: room for the longest (up to 14) before the bar grows.
    let longestName = queues.map(\.name.count).max() ?? 0
    let columns = [
      TableColumn("queue", width: .flexible(min: min(14, max(6, longestName)), weight: 1), priority: 10),
      TableColumn("state", width: .fixed(7), priority: 9),
      TableColumn("fill", width: .flexible(min: 8, weight: 3), priority: 8),
      TableColumn("queued/cap", width: .fixed(10), alignment: .right, priority: 9),
      TableColumn("dead", width: .fixed(5), alignment: .right, priority: 9),
      TableColumn("busy", width: .fixed(6), alignment: .right, priority: 7),
      TableColumn("oldest", width: .fixed(6), alignment: .right, priority: 3),
      TableColumn("wait p99", width: .fixed(8), alignment: .right, priority: 7),
      TableColumn("run p99", width: .fixed(7), alignment: .right, priority: 5),
      TableColumn("rej/drop", width: .fixed(8), alignment: .right, priority: 6),
      TableColumn("trend", width: .flexible(min: 8, weight: 1), priority: 2),
    ]
    let rows = queues.map { queue -> TableRow in
      let lost = queue.rejected + queue.dropped
      let figures = queue.figures(context.state.window)
      return TableRow([
        TableCell(queue.name),
        stateCell(queue.state, palette: palette),
        TableCell(""),
        // Capacity as the workflow file states it: how many steps may wait.
        TableCell("\(NumberText.compact(queue.queued))/\(NumberText.compact(queue.capacity))"),
        TableCell(
          NumberText.compact(queue.dead), style: queue.dead > 0 ? palette.text(.dead, .bold) : palette.dim),
        TableCell("\(queue.busyWorkers)/\(queue.workers)"),
        TableCell(queue.oldestQueuedAge.map(DurationText.format) ?? "-", style: palette.dim),
        TableCell(
          FigureText.duration(figures.wait.p99, measured: figures.wait.count > 0), style: palette.text(.hi_fg)
        ),
        TableCell(FigureText.duration(figures.run.p99, measured: figures.run.count > 0)),
        TableCell(
          "\(NumberText.compact(queue.rejected))/\(NumberText.compact(queue.dropped))",
          style: lost > 0 ? palette.text(.warn, .bold) : palette.dim),
        TableCell(""),
      ])
    }
    let table = Table(
      columns: columns, rows: rows, selected: context.state.queueIndex(in: context.snapshot),
      headerStyle: palette.dim, rowStyle: palette.plain, selectedStyle: palette.selected,
      emptyText: "no queues", glyphs: context.glyphs)
    let first = table.render(into: &screen, area: inner)
    let placements = table.layout(width: inner.width)
    let bar = placements.first { $0.column == 2 }
    let trend = placements.first { $0.column == 10 }
    let shownRows = max(0, min(inner.height - 1, queues.count - first))
    if shownRows < queues.count, inner.height >= 1 {
      // Rows that do not fit are counted on the border, so nothing disappears silently.
      let note =
        " +\(queues.count - shownRows) queues (\(context.key(.focusNext)) then "
        + "\(context.input.keyTable.keys(.moveSelection(1), .moveSelection(-1), unicode: context.unicode)) scroll) "
      let short = " +\(queues.count - shownRows) queues "
      let text = note.count + 4 <= area.width ? note : short
      screen.put(
        text, x: area.maxX - 2 - text.count, y: area.maxY - 1, style: palette.text(.warn, .bold), clip: area)
    }
    for line in 0..<shownRows {
      let queue = queues[first + line]
      let y = inner.y + 1 + line
      if let bar {
        var depth = depthBar(queue, marks: marks, context: context)
        depth.keepsBackground = true
        depth.render(into: &screen, area: Rect(x: inner.x + bar.x, y: y, width: bar.width, height: 1))
      }
      if let trend {
        Sparkline(
          values: queue.depthSeries.map(Double.init),
          maxValue: Double(max(1, queue.capacity + queue.workers)),
          style: palette.text(.queued), glyphs: context.glyphs, keepsBackground: true
        ).render(into: &screen, area: Rect(x: inner.x + trend.x, y: y, width: trend.width, height: 1))
      }
    }
  }

  /// The background outcomes in one line, the widest wording that fits.
  private func outcomesLine(_ queues: [QueueSnapshot], width: Int, context: PanelContext) -> StyledLine? {
    let palette = context.palette
    func sum(_ value: (QueueSnapshot) -> Int) -> String {
      NumberText.compact(queues.reduce(0) { $0 + value($1) })
    }
    let figures: [(String, String, String, ThemeKey)] = [
      (sum(\.succeeded), "succeeded", "ok", .ok), (sum(\.retried), "retried", "retry", .warn),
      (sum(\.failedAttempts), "failed attempts", "failed att.", .error),
      (sum(\.deadLettered), "dead-lettered", "dead", .dead),
      (sum { $0.rejected + $0.dropped }, "rejected+dropped", "rej+drop", .warn),
    ]
    for (long, lead) in [(true, "background: "), (false, "bg: ")] {
      var spans = [Span(lead, style: palette.title)]
      for (index, figure) in figures.enumerated() {
        if index > 0 { spans.append(Span(long ? ", " : " ", style: palette.dim)) }
        spans.append(Span(figure.0, style: figure.0 == "0" ? palette.dim : palette.text(figure.3, .bold)))
        spans.append(Span(" " + (long ? figure.1 : figure.2), style: palette.dim))
      }
      let line = StyledLine(spans)
      if !long || line.width <= width { return line }
    }
    return nil
  }

  /// Running, queued, waiting to retry and dead against the room the queue has (capacity plus
  /// one step per worker); dead letters past that room show as overflow.
  func depthBar(_ queue: QueueSnapshot, marks: SegmentGlyphs, context: PanelContext) -> StackedBar {
    let palette = context.palette
    return StackedBar(
      segments: [
        BarSegment(value: Double(queue.running), style: palette.text(.running), glyph: marks.running),
        BarSegment(value: Double(queue.queued), style: palette.text(.queued), glyph: marks.queued),
        BarSegment(value: Double(queue.waitingRetry), style: palette.text(.retrying), glyph: marks.retrying),
        BarSegment(value: Double(queue.dead), style: palette.text(.dead, .bold), glyph: marks.dead),
      ],
      capacity: Double(max(1, queue.capacity + queue.workers)), emptyStyle: palette.text(.capacity),
      emptyGlyph: context.glyphs.lightShade, overflowStyle: palette.text(.error, .bold),
      glyphs: context.glyphs)
  }

  private func stateCell(_ state: QueueState, palette: Palette) -> TableCell {
    switch state {
    case .running: return TableCell("running", style: palette.text(.ok))
    case .pausing: return TableCell("pausing", style: palette.text(.warn))
    case .paused: return TableCell("PAUSED", style: palette.text(.warn, .bold))
    }
  }
}
