import ExecutionCore
import TerminalUI

/// What every panel draws from: the input, resolved styles and glyphs.
struct PanelContext {
  /// The frame's input.
  var input: RenderInput
  /// Styles.
  var palette: Palette
  /// The widgets' characters.
  var glyphs: Glyphs
  /// The dashboard's own characters.
  var marks: DashboardGlyphs

  init(_ input: RenderInput) {
    self.input = input
    palette = Palette(theme: input.theme, capabilities: input.capabilities)
    glyphs = input.capabilities.unicode ? .unicode : .ascii
    marks = DashboardGlyphs.forTerminal(unicode: input.capabilities.unicode)
  }

  var state: DashboardState { input.state }
  var snapshot: RuntimeSnapshot? { input.snapshot }
  var unicode: Bool { input.capabilities.unicode }

  /// The key that triggers `action`, from the key table, as messages name it.
  func key(_ action: DashboardAction) -> String { input.keyTable.key(action, unicode: unicode) }

  /// The selected workflow, if any.
  var selectedWorkflow: WorkflowSnapshot? {
    state.workflowIndex(in: snapshot).map { snapshot!.workflows[$0] }
  }

  /// The selected queue, if any.
  var selectedQueue: QueueSnapshot? {
    state.queueIndex(in: snapshot).map { snapshot!.queues[$0] }
  }

  /// A panel's frame: a box titled `title`, heavier when focused; returns the inside.
  func box(
    _ title: String, hint: String = "", focused: Bool = false, into screen: inout Screen, area: Rect
  ) -> Rect {
    // A hint that would squeeze the title is left out: the title says what the panel is.
    let hint = title.count + hint.count + 8 <= area.width ? hint : ""
    return Box(
      title: title, rightTitle: hint, isFocused: focused, borderStyle: palette.border,
      focusedStyle: palette.focusedBorder, titleStyle: palette.title, rightTitleStyle: palette.dim,
      background: palette.plain, glyphs: glyphs
    ).render(into: &screen, area: area)
  }
}
