import ExecutionCore
import TerminalUI

/// The line above the footer: comparison progress, or the last action's feedback; the refresh
/// interval and theme on the right.
struct StatusLine {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let state = context.state
    screen.fill(area, with: Cell(" ", style: palette.plain))
    let rightText =
      "refresh \(DurationText.format(state.refreshInterval))  theme \(context.input.theme.name) "
    let line: StyledLine
    let gauge: Gauge?
    if let progress = state.comparison {
      (line, gauge) = comparisonLine(progress, context: context)
    } else if let status = state.visibleStatus(at: context.input.now) {
      let style: Style
      switch status.tone {
      case .info: style = palette.text(.ok)
      case .warning: style = palette.text(.warn, .bold)
      case .error: style = palette.text(.error, .bold)
      }
      (line, gauge) = (StyledLine([Span(" " + status.text, style: style)]), nil)
    } else {
      (line, gauge) = (idleLine(context), nil)
    }
    let gaugeWidth = gauge == nil ? 0 : Self.gaugeWidth + 1
    // The settings on the right give way to a long message.
    var leftWidth = area.width
    if area.width - rightText.count - 1 >= max(40, line.width + gaugeWidth) {
      screen.put(rightText, x: area.maxX - rightText.count, y: area.y, style: palette.dim)
      leftWidth = area.width - rightText.count - 2
    }
    let end = screen.put(
      line: line, x: area.x, y: area.y, width: leftWidth - gaugeWidth, ellipsis: context.glyphs.ellipsis)
    gauge?.render(into: &screen, area: Rect(x: end + 1, y: area.y, width: Self.gaugeWidth, height: 1))
  }

  static let gaugeWidth = 26

  /// With no feedback to give, the line shows the latest event, so it is on screen at any size.
  private func idleLine(_ context: PanelContext) -> StyledLine {
    let palette = context.palette
    guard let event = context.snapshot?.events.last else {
      return StyledLine([Span(" \(context.key(.toggleHelp)) help", style: palette.dim)])
    }
    return StyledLine([
      Span(" latest ", style: palette.dim),
      Span(EventTime.text(event.time, snapshot: context.snapshot) + " ", style: palette.dim),
      Span(event.message, style: event.severity == .info ? palette.plain : palette.text(.warn)),
    ])
  }

  private func comparisonLine(_ progress: ComparisonProgress, context: PanelContext) -> (StyledLine, Gauge) {
    let palette = context.palette
    let sync = progress.phase == .allSync
    let line = StyledLine([
      Span(" A/B \(progress.workflow): ", style: palette.title),
      Span(
        sync ? "ALL-SYNC phase" : "HYBRID phase", style: palette.text(sync ? .mode_sync : .mode_hybrid, .bold)
      ),
      Span(" (\(context.key(.dismiss)) cancels)", style: palette.dim),
    ])
    let gauge = Gauge(
      ratio: progress.fraction(at: context.input.now), filledStyle: palette.text(.hi_fg),
      emptyStyle: palette.text(.capacity), labelStyle: palette.dim, glyphs: context.glyphs)
    return (line, gauge)
  }
}
