/// A border with a title on the left and an optional hint on the right of the top edge.
///
/// `┌ Title ──────── hint ┐`. Focus uses the heavier border (and `focusedStyle`), so it shows
/// without colour. The inside is left alone unless `background` is set.
public struct Box: Sendable {
  /// Text in the top edge, after the top-left corner.
  public var title: String
  /// Text right-aligned in the top edge (a key hint, a count); dropped first when space is short.
  public var rightTitle: String
  /// True if the panel has the focus.
  public var isFocused: Bool
  /// The border's style when not focused.
  public var borderStyle: Style
  /// The border's style when focused.
  public var focusedStyle: Style
  /// The title's style.
  public var titleStyle: Style
  /// The right title's style.
  public var rightTitleStyle: Style
  /// If set, the inside is cleared with spaces in this style.
  public var background: Style?
  /// The characters to draw with.
  public var glyphs: Glyphs

  /// Creates a box.
  public init(
    title: String = "", rightTitle: String = "", isFocused: Bool = false,
    borderStyle: Style = .plain, focusedStyle: Style? = nil, titleStyle: Style? = nil,
    rightTitleStyle: Style? = nil, background: Style? = nil, glyphs: Glyphs = .unicode
  ) {
    self.title = title
    self.rightTitle = rightTitle
    self.isFocused = isFocused
    self.borderStyle = borderStyle
    self.focusedStyle = focusedStyle ?? borderStyle.with(.bold)
    self.titleStyle = titleStyle ?? borderStyle
    self.rightTitleStyle = rightTitleStyle ?? borderStyle
    self.background = background
    self.glyphs = glyphs
  }

  /// The inside of a box drawn in `area`.
  public static func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

  /// Draws the box and returns the inside (empty if `area` is smaller than 3x3).
  @discardableResult
  public func render(into screen: inout Screen, area: Rect) -> Rect {
    guard !area.isEmpty else { return Box.inner(area) }
    let border = glyphs.border(focused: isFocused)
    let style = isFocused ? focusedStyle : borderStyle
    let right = area.maxX - 1
    let bottom = area.maxY - 1
    for column in area.x...right {
      screen[column, area.y] = Cell(border.horizontal, style: style)
      if bottom > area.y { screen[column, bottom] = Cell(border.horizontal, style: style) }
    }
    for row in area.y...bottom {
      screen[area.x, row] = Cell(border.vertical, style: style)
      if right > area.x { screen[right, row] = Cell(border.vertical, style: style) }
    }
    screen[area.x, area.y] = Cell(border.topLeft, style: style)
    if right > area.x { screen[right, area.y] = Cell(border.topRight, style: style) }
    if bottom > area.y {
      screen[area.x, bottom] = Cell(border.bottomLeft, style: style)
      if right > area.x { screen[right, bottom] = Cell(border.bottomRight, style: style) }
    }
    if let background { screen.clear(Box.inner(area), style: background) }
    drawTitles(into: &screen, area: area)
    return Box.inner(area)
  }

  /// Titles sit between the corners with a space either side: ` Title `.
  private func drawTitles(into screen: inout Screen, area: Rect) {
    // Columns between the corner and the first space, and between the last space and the corner.
    var room = area.width - 4
    guard room > 0 else { return }
    var rightText = ""
    if !rightTitle.isEmpty {
      let needed = rightTitle.count + 2
      let titleNeeds = title.isEmpty ? 0 : min(title.count, 8) + 3
      if needed + titleNeeds <= room + 2 { rightText = rightTitle }
    }
    if !rightText.isEmpty {
      let start = area.maxX - 2 - rightText.count
      screen.put(" " + rightText + " ", x: start - 1, y: area.y, style: rightTitleStyle)
      room -= rightText.count + 3
    }
    if !title.isEmpty, room > 0 {
      let cut = TextLayout.truncate(title, to: room, ellipsis: glyphs.ellipsis)
      screen.put(" " + cut + " ", x: area.x + 1, y: area.y, style: titleStyle)
    }
  }
}
