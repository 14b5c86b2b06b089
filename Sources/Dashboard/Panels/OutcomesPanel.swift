import ExecutionCore
import TerminalUI

/// Background outcomes across all queues, as counts and rates, then the latest failures.
struct OutcomesPanel {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let marks = context.marks
    let queues = context.snapshot?.queues ?? []
    let inner = context.box(
      "Background outcomes", hint: "/s: last \(DurationText.format(StatsWindow.rateWindow))",
      into: &screen, area: area)
    guard !inner.isEmpty else { return }
    func sum(_ value: (QueueSnapshot) -> Int) -> Int { queues.reduce(0) { $0 + value($1) } }
    func rate(_ value: (OutcomeRates) -> Double) -> Double { queues.reduce(0) { $0 + value($1.recent) } }
    let rows: [(String, Int, Double, ThemeKey)] = [
      ("succeeded", sum(\.succeeded), rate(\.succeeded), .ok),
      ("retried", sum(\.retried), rate(\.retried), .warn),
      ("failed attempts", sum(\.failedAttempts), rate(\.failed), .error),
      ("dead-lettered", sum(\.deadLettered), rate(\.deadLettered), .dead),
      ("rejected+dropped", sum { $0.rejected + $0.dropped }, rate(\.rejected), .warn),
    ]
    var y = inner.y
    for (label, count, perSecond, key) in rows where y < inner.maxY {
      let figureStyle = count > 0 ? palette.text(key, key == .ok ? [] : .bold) : palette.dim
      screen.put(TextLayout.truncate(label, to: 16), x: inner.x, y: y, style: palette.plain, clip: inner)
      screen.put(
        TextLayout.fit(NumberText.compact(count), to: 7, alignment: .right), x: inner.x + 17, y: y,
        style: figureStyle, clip: inner)
      screen.put(
        TextLayout.fit(NumberText.rate(perSecond), to: 9, alignment: .right), x: inner.x + 25, y: y,
        style: palette.dim, clip: inner)
      y += 1
    }
    let failures = (context.snapshot?.recentFailures ?? []).reversed()
    guard y + 1 < inner.maxY else { return }
    screen.put("latest failures", x: inner.x, y: y, style: palette.title, clip: inner)
    y += 1
    if failures.isEmpty {
      screen.put("none", x: inner.x, y: y, style: palette.dim, clip: inner)
      return
    }
    for failure in failures where y < inner.maxY {
      let symbol = failure.dead ? marks.errorSymbol : marks.warningSymbol
      let style = failure.dead ? palette.text(.error, .bold) : palette.text(.warn)
      var x = screen.put("\(symbol) ", x: inner.x, y: y, style: style, clip: inner)
      let what = "\(failure.step)#\(failure.attempt)\(failure.dead ? " dead" : "")"
      x = screen.put(what + " ", x: x, y: y, style: style, clip: inner)
      screen.put(
        TextLayout.truncate(failure.error, to: inner.maxX - x, ellipsis: context.glyphs.ellipsis), x: x, y: y,
        style: palette.plain, clip: inner)
      y += 1
    }
  }
}
