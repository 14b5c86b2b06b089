import TerminalUI

/// A text to read whole (an event, the latest failures): wrapped to the screen, never cut; the
/// arrows scroll it when it is taller than the screen.
struct DetailOverlay {
  var title: String
  var lines: [String]

  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let width = max(10, min(area.width - 4, 100) - 4)
    let wrapped = lines.flatMap { $0.isEmpty ? [""] : TextLayout.wrap($0, to: width) }
    let rows = max(1, area.height - 2)
    let overflow = max(0, wrapped.count - rows)
    let offset = min(context.state.helpScroll, overflow)
    let close = context.key(.dismiss)
    let scroll = context.input.keyTable.keys(.moveSelection(1), .moveSelection(-1), unicode: context.unicode)
    let hint = overflow == 0 ? "\(close) closes" : "\(scroll) scroll \(offset)/\(overflow)  \(close) closes"
    Popup(
      title: title, hint: hint, lines: wrapped.map { StyledLine($0, style: palette.plain) }, offset: offset,
      borderStyle: palette.focusedBorder, titleStyle: palette.title, background: palette.plain,
      minWidth: min(area.width, width + 4), glyphs: context.glyphs
    ).render(into: &screen, area: area)
  }
}
