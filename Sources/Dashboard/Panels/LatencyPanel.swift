import TerminalUI

/// Placeholder until the TimeGraph widget lands.
struct LatencyPanel {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    _ = context.box("Critical path", into: &screen, area: area)
  }
}
