import ExecutionCore
import TerminalUI

/// Draws whole frames. Pure: the same input always gives the same `Screen`.
public enum DashboardRenderer {
  /// Draws one frame.
  public static func render(_ input: RenderInput) -> Screen {
    let context = PanelContext(input)
    var screen = Screen(size: input.size, fill: Cell(" ", style: context.palette.plain))
    guard let layout = DashboardLayout.compute(size: input.size, snapshot: input.snapshot) else {
      TooSmallNotice().render(into: &screen, context: context)
      return screen
    }
    HeaderBar().render(into: &screen, area: layout.header, context: context)
    for (kind, area) in layout.panels {
      if kind == .workflows {
        WorkflowsPanel(showsTrend: layout.panels[.latency] == nil).render(
          into: &screen, area: area, context: context)
      } else if kind == .queues {
        QueuesPanel(showsOutcomes: layout.panels[.outcomes] == nil).render(
          into: &screen, area: area, context: context)
      } else {
        render(kind, into: &screen, area: area, context: context)
      }
    }
    StatusLine().render(into: &screen, area: layout.status, context: context)
    KeyFooter().render(into: &screen, area: layout.footer, context: context)
    let body = Rect(
      x: 0, y: layout.header.maxY, width: input.size.width, height: layout.status.y - layout.header.maxY)
    switch input.state.overlay {
    case .none: break
    case .help: HelpOverlay().render(into: &screen, area: body, context: context)
    case .comparison(let result):
      ComparisonOverlay(result: result).render(into: &screen, area: body, context: context)
    case .detail(let title, let lines):
      DetailOverlay(title: title, lines: lines).render(into: &screen, area: body, context: context)
    }
    return screen
  }

  /// Draws one frame from its parts (see `RenderInput` for the rest).
  public static func render(
    state: DashboardState, snapshot: RuntimeSnapshot?, theme: Theme, capabilities: TerminalCapabilities,
    size: Size, now: Duration = .zero
  ) -> Screen {
    render(
      RenderInput(
        state: state, snapshot: snapshot, theme: theme, capabilities: capabilities, size: size, now: now))
  }

  /// Draws one panel into `area` (exposed so each panel can be tested on its own).
  static func render(_ kind: PanelKind, into screen: inout Screen, area: Rect, context: PanelContext) {
    switch kind {
    case .workflows: WorkflowsPanel().render(into: &screen, area: area, context: context)
    case .latency: LatencyPanel().render(into: &screen, area: area, context: context)
    case .waterfall: WaterfallPanel().render(into: &screen, area: area, context: context)
    case .queues: QueuesPanel().render(into: &screen, area: area, context: context)
    case .outcomes: OutcomesPanel().render(into: &screen, area: area, context: context)
    case .events: EventsPanel().render(into: &screen, area: area, context: context)
    case .nodes: NodesPanel().render(into: &screen, area: area, context: context)
    }
  }
}
