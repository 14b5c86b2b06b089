import ExecutionCore
import TerminalUI

/// The line above the footer: comparison progress, or the last action's feedback; the refresh
/// interval and theme on the right.
struct StatusLine {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let state = context.state
    screen.fill(area, with: Cell(" ", style: palette.plain))
    let theme = context.input.theme.name
    let rightText = "refresh \(DurationText.format(state.refreshInterval))  theme \(theme) "
    var line: StyledLine
    if let progress = state.comparison {
      line = comparisonLine(progress, context: context)
    } else if let status = state.visibleStatus(at: context.input.now) {
      let style: Style
      switch status.tone {
      case .info: style = palette.text(.ok)
      case .warning: style = palette.text(.warn, .bold)
      case .error: style = palette.text(.error, .bold)
      }
      line = StyledLine([Span(" " + status.text, style: style)])
    } else {
      line = StyledLine([Span(" ? help", style: palette.dim)])
    }
    // The settings on the right give way to a long message.
    var leftWidth = area.width
    if area.width - rightText.count - 1 >= max(40, line.width) {
      screen.put(rightText, x: area.maxX - rightText.count, y: area.y, style: palette.dim)
      leftWidth = area.width - rightText.count - 1
    }
    screen.put(line: line, x: area.x, y: area.y, width: leftWidth, ellipsis: context.glyphs.ellipsis)
  }

  private func comparisonLine(_ progress: ComparisonProgress, context: PanelContext) -> StyledLine {
    let palette = context.palette
    let fraction = progress.fraction(at: context.input.now)
    let cells = 20
    let filled = Int((fraction * Double(cells)).rounded(.down))
    let full = context.glyphs.horizontalBlocks[context.glyphs.horizontalSteps]
    let bar =
      String(repeating: full, count: filled)
      + String(repeating: context.glyphs.lightShade, count: cells - filled)
    let phase = progress.phase == .allSync ? "ALL-SYNC phase" : "HYBRID phase"
    let phaseStyle =
      progress.phase == .allSync ? palette.text(.mode_sync, .bold) : palette.text(.mode_hybrid, .bold)
    return StyledLine([
      Span(" A/B \(progress.workflow): ", style: palette.title),
      Span(phase, style: phaseStyle),
      Span(" [", style: palette.dim),
      Span(bar, style: palette.text(.hi_fg)),
      Span("] \(Int((fraction * 100).rounded(.down)))%", style: palette.dim),
      Span("  esc cancels", style: palette.dim),
    ])
  }
}
