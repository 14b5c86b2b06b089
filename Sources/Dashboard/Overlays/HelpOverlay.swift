import TerminalUI

/// Every key from the key table, by group, over the panels.
struct HelpOverlay {
  private struct Line {
    var label: String
    var text: String
    var isGroup: Bool
    var disabled: Bool
  }

  func render(into screen: inout Screen, area: Rect, context: PanelContext) {
    let palette = context.palette
    let readOnly = context.state.readOnly
    var lines: [Line] = []
    for group in KeyBinding.Group.allCases {
      let bindings = context.input.keyTable.bindings.filter { $0.group == group }
      guard !bindings.isEmpty else { continue }
      if !lines.isEmpty { lines.append(Line(label: "", text: "", isGroup: false, disabled: false)) }
      lines.append(Line(label: group.rawValue, text: "", isGroup: true, disabled: false))
      for binding in bindings {
        let disabled = readOnly && binding.mutatesRuntime
        lines.append(
          Line(
            label: binding.label(unicode: context.unicode),
            text: binding.description + (disabled ? " (read-only)" : ""), isGroup: false, disabled: disabled))
      }
    }
    let labelWidth = (lines.filter { !$0.isGroup }.map(\.label.count).max() ?? 0) + 2
    let columnWidth = labelWidth + (lines.map(\.text.count).max() ?? 0)
    let twoColumns = lines.count + 2 > area.height && area.width >= 2 * columnWidth + 7
    let perColumn = twoColumns ? (lines.count + 1) / 2 : lines.count
    let width = min(area.width, (twoColumns ? 2 * columnWidth + 3 : columnWidth) + 4)
    let height = min(area.height, perColumn + 2)
    let box = Rect(
      x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width,
      height: height)
    let inner = context.box(
      "Keys", hint: "? or esc closes", focused: true, into: &screen, area: box)
    for (index, line) in lines.enumerated() {
      let column = twoColumns ? index / perColumn : 0
      let row = twoColumns ? index % perColumn : index
      guard row < inner.height else { continue }
      let x = inner.x + 1 + column * (columnWidth + 3)
      let clip = Rect(x: x, y: inner.y, width: min(columnWidth, inner.maxX - x), height: inner.height)
      let y = inner.y + row
      if line.isGroup {
        screen.put(line.label, x: x, y: y, style: palette.title, clip: clip)
        continue
      }
      let labelStyle = line.disabled ? palette.dim : palette.text(.hi_fg, .bold)
      screen.put(line.label, x: x, y: y, style: labelStyle, clip: clip)
      screen.put(
        Format.fit(line.text, clip.maxX - x - labelWidth, ellipsis: context.glyphs.ellipsis),
        x: x + labelWidth, y: y, style: line.disabled ? palette.dim : palette.plain, clip: clip)
    }
  }
}
