import TerminalUI

/// Drawn instead of the dashboard when the terminal is below the minimum size.
struct TooSmallNotice {
  func render(into screen: inout Screen, context: PanelContext) {
    let need = DashboardLayout.minimumSize
    let have = context.input.size
    let times = context.marks.times
    let needText = "need \(need.width)\(times)\(need.height)"
    let haveText = "have \(have.width)\(times)\(have.height)"
    // One line when it fits; otherwise the same words over several lines, so the message and
    // both sizes are never cut off.
    let oneLine = "terminal too small: \(needText), \(haveText)"
    var lines =
      oneLine.count <= have.width
      ? [oneLine] : ["terminal too small:", "\(needText),", haveText]
    lines.append("\(context.key(.quit)) quits")
    let bounds = screen.bounds
    let top = max(0, (bounds.height - lines.count) / 2)
    for (index, line) in lines.enumerated() where top + index < bounds.height {
      let style = index == lines.count - 1 ? context.palette.dim : context.palette.text(.warn, .bold)
      screen.put(
        line, in: bounds, row: top + index, alignment: .center, style: style,
        ellipsis: context.glyphs.ellipsis)
    }
  }
}
