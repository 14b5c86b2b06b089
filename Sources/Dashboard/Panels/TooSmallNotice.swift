import TerminalUI

/// Drawn instead of the dashboard when the terminal is below the minimum size.
struct TooSmallNotice {
  func render(into screen: inout Screen, context: PanelContext) {
    let need = DashboardLayout.minimumSize
    let have = context.input.size
    let times = context.marks.times
    let needText = "need \(need.width)\(times)\(need.height)"
    let haveText = "have \(have.width)\(times)\(have.height)"
    // The longest wording that fits, so the sizes are never cut off.
    let message =
      ["terminal too small: \(needText), \(haveText)", "too small: \(needText), \(haveText)", needText]
      .first { $0.count <= have.width } ?? needText
    let bounds = screen.bounds
    let middle = bounds.height / 2
    screen.put(
      message, in: bounds, row: middle, alignment: .center, style: context.palette.text(.warn, .bold),
      ellipsis: context.glyphs.ellipsis)
    if middle + 1 < bounds.height {
      screen.put("q quits", in: bounds, row: middle + 1, alignment: .center, style: context.palette.dim)
    }
  }
}
