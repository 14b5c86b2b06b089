import ExecutionCore
import TerminalUI

/// The event log, newest at the bottom; severity shows as a symbol and a colour.
struct EventsPanel {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let events = context.snapshot?.events ?? []
    let scroll = min(context.state.eventScroll, max(0, events.count - 1))
    let hint = scroll > 0 ? "\(scroll) newer below" : "\(events.count) events"
    let inner = context.box(
      "Events", hint: hint, focused: context.state.focus == .events, into: &screen, area: area)
    guard !inner.isEmpty else { return }
    guard !events.isEmpty else {
      screen.put("nothing yet", x: inner.x, y: inner.y, style: palette.dim, clip: inner)
      return
    }
    let end = events.count - scroll
    let shown = events[max(0, end - inner.height)..<end]
    for (line, event) in shown.enumerated() {
      let y = inner.y + line
      let (symbol, style) = mark(event.severity, context: context)
      var x = screen.put("\(symbol) ", x: inner.x, y: y, style: style, clip: inner)
      x = screen.put(Format.uptime(event.time) + " ", x: x, y: y, style: palette.dim, clip: inner)
      let text = Format.fit(event.message, inner.maxX - x, ellipsis: context.glyphs.ellipsis)
      screen.put(text, x: x, y: y, style: event.severity == .info ? palette.plain : style, clip: inner)
    }
  }

  private func mark(_ severity: EventSeverity, context: PanelContext) -> (Character, Style) {
    switch severity {
    case .error: return (context.marks.errorSymbol, context.palette.text(.error, .bold))
    case .warning: return (context.marks.warningSymbol, context.palette.text(.warn))
    case .info: return (context.marks.infoSymbol, context.palette.dim)
    }
  }
}
