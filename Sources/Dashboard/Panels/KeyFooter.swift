import TerminalUI

/// The bottom line: the keys that fit, drawn from the key table.
struct KeyFooter {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    screen.fill(area, with: Cell(" ", style: palette.plain))
    let table = context.input.keyTable
    var x = area.x + 1
    let entries = table.footerEntries(
      width: area.width - 2, unicode: context.unicode, readOnly: context.state.readOnly)
    for entry in entries {
      // An entry is "label words"; the label is highlighted so the keys stand out.
      let label = entry.prefix { $0 != " " }
      let rest = entry.dropFirst(label.count)
      x = screen.put(String(label), x: x, y: area.y, style: palette.text(.hi_fg, .bold), clip: area)
      x = screen.put(String(rest), x: x, y: area.y, style: palette.dim, clip: area)
      x += KeyTable.footerSeparator.count
    }
  }
}
