import TerminalUI

/// Every key from the key table, by group, over the panels; two columns when it is tall.
struct HelpOverlay {
  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let readOnly = context.state.readOnly
    let bindings = context.input.keyTable.bindings
    let labelWidth = (bindings.map { $0.label(unicode: context.unicode).count }.max() ?? 0) + 2
    // Each entry is (label, text, style of the label, style of the text); groups have no label.
    var entries: [[Span]] = []
    for group in KeyBinding.Group.allCases {
      let members = bindings.filter { $0.group == group }
      guard !members.isEmpty else { continue }
      if !entries.isEmpty { entries.append([]) }
      entries.append([Span(group.rawValue, style: palette.title)])
      for binding in members {
        let disabled = readOnly && binding.mutatesRuntime
        entries.append([
          Span(
            TextLayout.fit(binding.label(unicode: context.unicode), to: labelWidth),
            style: disabled ? palette.dim : palette.text(.hi_fg, .bold)),
          Span(
            binding.description + (disabled ? " (read-only)" : ""),
            style: disabled ? palette.dim : palette.plain),
        ])
      }
    }
    let columnWidth = entries.map { $0.reduce(0) { $0 + $1.text.count } }.max() ?? 0
    let fitsOneColumn = entries.count + 2 <= area.height
    var lines: [StyledLine]
    if fitsOneColumn || area.width < 2 * columnWidth + 7 {
      lines = entries.map(StyledLine.init)
    } else {
      let half = (entries.count + 1) / 2
      lines = (0..<half).map { row in
        let left = entries[row]
        let width = left.reduce(0) { $0 + $1.text.count }
        var spans = left + [Span(String(repeating: " ", count: columnWidth - width + 3))]
        if row + half < entries.count { spans += entries[row + half] }
        return StyledLine(spans)
      }
    }
    if readOnly {
      lines.insert(
        StyledLine("read-only: keys that change the runtime are off", style: palette.text(.warn, .bold)),
        at: 0)
    }
    // Taller than the screen: j/k scroll it, and the hint says so.
    let rows = max(1, area.height - 2)
    let overflow = max(0, lines.count - rows)
    let offset = min(context.state.helpScroll, overflow)
    let close = context.key(.dismiss)
    let scroll = context.input.keyTable.keys(.moveSelection(1), .moveSelection(-1), unicode: context.unicode)
    let hint =
      overflow == 0
      ? "\(context.key(.toggleHelp)) or \(close) closes"
      : "\(scroll) scroll \(offset)/\(overflow)  \(close) closes"
    Popup(
      title: "Keys", hint: hint, lines: lines, offset: offset, borderStyle: palette.focusedBorder,
      titleStyle: palette.title, background: palette.plain, glyphs: context.glyphs
    ).render(into: &screen, area: area)
  }
}
