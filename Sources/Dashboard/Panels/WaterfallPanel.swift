import ExecutionCore
import TerminalUI

/// The latest run of the selected workflow, one bar per step on a shared time axis: what the
/// caller waited for (blocking, solid) next to what ran later (background, shaded), the critical
/// path marked, and the response and settle times as labelled markers.
struct WaterfallPanel {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let marks = context.marks
    let legend =
      "\(marks.blockingBar) blocking \(marks.backgroundBar) background \(marks.waitBar) queued \(marks.criticalMark) critical"
    guard let workflow = context.selectedWorkflow, let run = workflow.lastRun else {
      let inner = context.box("Last run", hint: legend, into: &screen, area: area)
      let name = context.selectedWorkflow?.name ?? "the selected workflow"
      screen.put(
        "no run of \(name) yet: \(context.key(.trigger)) triggers one", x: inner.x, y: inner.y,
        style: palette.dim, clip: inner)
      return
    }
    let mode = run.mode == .allSync ? "ALL-SYNC" : "hybrid"
    let inner = context.box(
      "Last run of \(run.workflow) (#\(run.number) of \(workflow.runsStarted), \(mode)\(run.comparison ? ", A/B" : ""))",
      hint: legend, into: &screen, area: area)
    guard inner.width >= 20, inner.height >= 1 else { return }

    // Steps, then the axis and its labels, then a legend when a row is left for it.
    let hasLegendRow = inner.height >= run.steps.count + 3
    let stepRows = max(1, inner.height - 2 - (hasLegendRow ? 1 : 0))
    let labelWidth = min(max(6, (run.steps.map(\.id.count).max() ?? 0) + 2), inner.width / 3)
    let barX = inner.x + labelWidth + 1
    let barWidth = inner.maxX - barX - 1
    guard barWidth >= 8 else { return }
    let ends = run.steps.flatMap { [$0.readyAt, $0.startedAt, $0.endedAt].compactMap { $0 } }
    let span = max(
      [run.response, run.settled].compactMap { $0 }.max() ?? .zero, ends.max() ?? .zero, .milliseconds(1))
    func column(_ time: Duration) -> Int {
      barX + min(barWidth - 1, max(0, Int((time.seconds / span.seconds * Double(barWidth - 1)).rounded())))
    }

    // When steps outnumber rows, the most informative ones are shown (critical path first, then
    // the longest), `[` and `]` scroll through the rest, and the last row names the hidden ones.
    let shownSteps = run.steps.count > stepRows ? stepRows - 1 : run.steps.count
    let (visible, hidden) = Self.choose(
      run.steps, rows: shownSteps, scroll: context.state.waterfallScroll)
    for (line, step) in visible.enumerated() {
      let y = inner.y + line
      let critical = step.onCriticalPath
      let labelStyle = critical ? palette.text(.critical, .bold) : palette.plain
      screen.put(critical ? "\(marks.criticalMark)" : " ", x: inner.x, y: y, style: labelStyle)
      screen.put(
        TextLayout.truncate(step.id, to: labelWidth - 2, ellipsis: context.glyphs.ellipsis), x: inner.x + 2,
        y: y,
        style: labelStyle)
      drawBar(step, y: y, span: span, column: column, inner: inner, into: &screen, context: context)
    }
    if !hidden.isEmpty {
      let keys = context.input.keyTable.keys(
        .scrollWaterfall(-1), .scrollWaterfall(1), unicode: context.unicode)
      let text = "+\(hidden.count) hidden (\(keys) scroll): " + hidden.map(\.id).joined(separator: ", ")
      screen.put(
        TextLayout.truncate(text, to: inner.width - 2, ellipsis: context.glyphs.ellipsis), x: inner.x + 2,
        y: inner.y + shownSteps, style: palette.dim, clip: inner)
    }
    drawMarkers(
      run, rows: shownSteps, column: column, into: &screen, inner: inner, context: context
    )
    guard inner.height >= 3 else { return }
    let axisY = inner.y + shownSteps + (run.steps.count > shownSteps ? 1 : 0)
    if hasLegendRow {
      let full =
        "\(marks.blockingBar) blocking: the caller waits  \(marks.backgroundBar) background: runs later  "
        + "\(marks.waitBar) queued  \(marks.criticalMark) critical path"
      let text = full.count <= inner.width ? full : legend
      screen.put(text, x: inner.x, y: inner.maxY - 1, style: palette.dim, clip: inner)
    }
    drawAxis(
      run, y: axisY, span: span, barX: barX, barWidth: barWidth, column: column, inner: inner, into: &screen,
      context: context)
  }

  /// The steps to draw in `rows` rows, in time order, and the ones left out: ranked critical
  /// path first, then by how long they took, then by start; `scroll` skips into that ranking.
  static func choose(_ steps: [StepTrace], rows: Int, scroll: Int) -> (
    shown: [StepTrace], hidden: [StepTrace]
  ) {
    guard steps.count > rows else { return (steps, []) }
    func length(_ step: StepTrace) -> Duration {
      guard let start = step.startedAt ?? step.readyAt else { return .zero }
      return (step.endedAt ?? start) - start
    }
    let ranked = steps.indices.sorted { a, b in
      let (x, y) = (steps[a], steps[b])
      if x.onCriticalPath != y.onCriticalPath { return x.onCriticalPath }
      if length(x) != length(y) { return length(x) > length(y) }
      return a < b
    }
    let offset = min(max(0, scroll), steps.count - rows)
    let chosen = Set(ranked.dropFirst(offset).prefix(rows))
    return (
      steps.indices.filter(chosen.contains).map { steps[$0] },
      steps.indices.filter { !chosen.contains($0) }.map { steps[$0] }
    )
  }

  private func drawBar(
    _ step: StepTrace, y: Int, span: Duration, column: (Duration) -> Int, inner: Rect,
    into screen: inout Screen, context: PanelContext
  ) {
    let palette = context.palette
    let marks = context.marks
    let blocking = step.executedAs == .blocking
    let failed = [.failed, .dead].contains(step.outcome)
    let barStyle = failed ? palette.text(.error, .bold) : palette.text(blocking ? .blocking : .background)
    // Time spent ready but not started: queue wait for a background step (to now if it still waits).
    if let ready = step.readyAt, step.startedAt != nil || step.outcome == .queued {
      let from = column(ready)
      let to = column(step.startedAt ?? span)
      if to > from {
        screen.put(
          String(repeating: marks.waitBar, count: to - from), x: from, y: y, style: palette.text(.background),
          clip: inner)
      }
    }
    var barStart = column(step.readyAt ?? .zero)
    var barEnd = barStart
    if let started = step.startedAt {
      barStart = column(started)
      let to = max(barStart, column(step.endedAt ?? span) - 1)
      let glyph = blocking ? marks.blockingBar : marks.backgroundBar
      barEnd = screen.put(
        String(repeating: glyph, count: to - barStart + 1), x: barStart, y: y, style: barStyle, clip: inner)
    }
    var notes: [String] = []
    if let started = step.startedAt, let ended = step.endedAt {
      notes.append(DurationText.format(ended - started))
    }
    if step.attempts > 1 { notes.append("\(marks.times)\(step.attempts)") }
    if step.outcome != .succeeded { notes.append(outcomeText(step.outcome)) }
    let note = notes.joined(separator: " ")
    let noteStyle =
      failed
      ? palette.text(.error, .bold) : step.outcome == .succeeded ? palette.dim : palette.text(.warn, .bold)
    // After the bar when it fits, else before the step's first mark (its queue wait), else
    // wherever it can be read.
    let right = inner.maxX - 1
    let firstMark = min(barStart, step.readyAt.map(column) ?? barStart)
    if barEnd + 1 + note.count <= right {
      screen.put(note, x: barEnd + 1, y: y, style: noteStyle, clip: inner)
    } else if firstMark - 1 - note.count >= column(.zero) {
      screen.put(note, x: firstMark - 1 - note.count, y: y, style: noteStyle, clip: inner)
    } else {
      screen.put(note, x: max(column(.zero), right - note.count), y: y, style: noteStyle, clip: inner)
    }
  }

  private func drawMarkers(
    _ run: RunTrace, rows: Int, column: (Duration) -> Int, into screen: inout Screen, inner: Rect,
    context: PanelContext
  ) {
    let dotted = context.glyphs.dottedLine
    let markers: [(Duration?, ThemeKey)] = [(run.response, .response_marker), (run.settled, .settle_marker)]
    for (time, key) in markers {
      guard let time else { continue }
      let x = column(time)
      for y in inner.y..<(inner.y + rows) where screen[x, y].character == " " {
        screen[x, y] = Cell(dotted, style: context.palette.text(key))
      }
    }
  }

  private func drawAxis(
    _ run: RunTrace, y: Int, span: Duration, barX: Int, barWidth: Int, column: (Duration) -> Int,
    inner: Rect, into screen: inout Screen, context: PanelContext
  ) {
    let palette = context.palette
    let marks = context.marks
    let line = String(repeating: context.glyphs.border.horizontal, count: barWidth)
    screen.put(line, x: barX, y: y, style: palette.dim)
    screen.put("0", x: barX - 1, y: y, style: palette.dim)
    var labels: [(Int, String, Style)] = []
    if let response = run.response {
      screen[column(response), y] = Cell(marks.responseMark, style: palette.text(.response_marker, .bold))
      labels.append(
        (
          column(response), "\(marks.responseMark) response \(DurationText.format(response))",
          palette.text(.response_marker, .bold)
        ))
    } else if run.failed {
      labels.append((barX, "\(marks.errorSymbol) run failed: no response", palette.text(.error, .bold)))
    }
    if let settled = run.settled {
      screen[column(settled), y] = Cell(marks.settleMark, style: palette.text(.settle_marker, .bold))
      labels.append(
        (
          column(settled), "\(marks.settleMark) settled \(DurationText.format(settled))",
          palette.text(.settle_marker, .bold)
        ))
    } else {
      labels.append((barX + barWidth - 1, "settling\(context.glyphs.ellipsis)", palette.dim))
    }
    // Each label starts under its marker when it fits, never overlapping the one before; when
    // they crowd each other, they line up from the right edge instead, so none is cut.
    let limit = barX + barWidth
    var starts: [Int] = []
    var next = barX
    for (x, text, _) in labels {
      let start = max(next, min(x, limit - text.count))
      starts.append(start)
      next = start + text.count + 2
    }
    if next - 2 > limit {
      var end = limit
      for index in labels.indices.reversed() {
        starts[index] = end - labels[index].1.count
        end = starts[index] - 2
      }
    }
    for (index, (_, text, style)) in labels.enumerated() {
      screen.put(text, x: max(inner.x, starts[index]), y: y + 1, style: style, clip: inner)
    }
  }

  private func outcomeText(_ outcome: StepOutcome) -> String {
    switch outcome {
    case .waitingRetry: return "retrying"
    default: return outcome.rawValue
    }
  }
}
