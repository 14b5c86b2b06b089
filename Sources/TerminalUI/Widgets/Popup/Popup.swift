/// A box centred over whatever is drawn already (help, a run summary), its area cleared first.
public struct Popup: Sendable {
  /// The box title.
  public var title: String
  /// The right-hand title, e.g. `esc: close`.
  public var hint: String
  /// The content, one line per row.
  public var lines: [StyledLine]
  /// Lines scrolled off the top.
  public var offset: Int
  /// The border's style.
  public var borderStyle: Style
  /// The title's style.
  public var titleStyle: Style
  /// The inside's style (cleared with it).
  public var background: Style
  /// The narrowest the box may be, border included (when the area allows).
  public var minWidth: Int
  /// The characters to draw with.
  public var glyphs: Glyphs

  /// Creates a popup.
  public init(
    title: String, hint: String = "", lines: [StyledLine], offset: Int = 0,
    borderStyle: Style = .plain, titleStyle: Style? = nil, background: Style = .plain,
    minWidth: Int = 0, glyphs: Glyphs = .unicode
  ) {
    self.title = title
    self.hint = hint
    self.lines = lines
    self.offset = offset
    self.borderStyle = borderStyle
    self.titleStyle = titleStyle ?? borderStyle
    self.background = background
    self.minWidth = minWidth
    self.glyphs = glyphs
  }

  /// A `width` x `height` rectangle centred in `area` (shrunk to fit it).
  public static func centered(width: Int, height: Int, in area: Rect) -> Rect {
    let w = min(max(0, width), area.width)
    let h = min(max(0, height), area.height)
    return Rect(x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h)
  }

  /// Where the box goes in `area`: sized to the content (a space of padding either side, the
  /// titles on the top edge), centred, never larger than `area`.
  public func frame(in area: Rect) -> Rect {
    let contentWidth = lines.map(\.width).max() ?? 0
    let titleWidth = title.count + (hint.isEmpty ? 0 : hint.count + 3) + 4
    let width = max(minWidth, contentWidth + 4, titleWidth)
    return Popup.centered(width: width, height: lines.count + 2, in: area)
  }

  /// Clears the box's rectangle, draws the border, titles and lines, and returns the box.
  @discardableResult
  public func render(into screen: inout Screen, area: Rect) -> Rect {
    let box = frame(in: area)
    guard !box.isEmpty else { return box }
    screen.clear(box, style: background)
    let inner = Box(
      title: title, rightTitle: hint, borderStyle: borderStyle, titleStyle: titleStyle,
      rightTitleStyle: borderStyle, glyphs: glyphs
    ).render(into: &screen, area: box)
    let text = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
    guard !text.isEmpty else { return box }
    let first = min(max(0, offset), max(0, lines.count - text.height))
    for (row, line) in lines.dropFirst(first).prefix(text.height).enumerated() {
      screen.put(line: line, x: text.x, y: text.y + row, width: text.width, ellipsis: glyphs.ellipsis)
    }
    return box
  }
}
