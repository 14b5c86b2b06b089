import ExecutionCore
import TerminalUI

/// The event log, newest at the bottom; severity shows as a symbol and a colour.
struct EventsPanel {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let events = context.snapshot?.events ?? []
    let inner = context.box(
      "Events", hint: "\(events.count) events, \(context.key(.openDetail)) opens one",
      focused: context.state.focus == .events,
      into: &screen, area: area)
    guard !inner.isEmpty else { return }
    let notices = context.state.notices.map { notice in
      StyledLine([
        Span("\(context.marks.warningSymbol) ", style: palette.text(.warn)),
        Span("theme ", style: palette.dim),
        Span(notice, style: palette.text(.warn)),
      ])
    }
    guard !events.isEmpty || !notices.isEmpty else {
      screen.put("nothing yet", x: inner.x, y: inner.y, style: palette.dim, clip: inner)
      return
    }
    let lines =
      notices
      + events.map { event -> StyledLine in
        let (symbol, style) = mark(event.severity, context: context)
        return StyledLine([
          Span("\(symbol) ", style: style),
          Span(EventTime.text(event.time, snapshot: context.snapshot) + " ", style: palette.dim),
          Span(event.message, style: event.severity == .info ? palette.plain : style),
        ])
      }
    let scroll = min(
      context.state.eventScroll, LogView.maxScrollBack(lineCount: lines.count, rows: inner.height))
    LogView(
      lines: lines, scrollBack: scroll, background: palette.plain, indicatorStyle: palette.selected,
      glyphs: context.glyphs
    ).render(into: &screen, area: inner)
  }

  private func mark(_ severity: EventSeverity, context: PanelContext) -> (Character, Style) {
    switch severity {
    case .error: return (context.marks.errorSymbol, context.palette.text(.error, .bold))
    case .warning: return (context.marks.warningSymbol, context.palette.text(.warn))
    case .info: return (context.marks.infoSymbol, context.palette.dim)
    }
  }
}
