import CNcursesw
import TerminalUI

extension NCursesTerminal {
  /// Writes the runs that changed since the last frame, then sends them in one update. Never
  /// clears the terminal, so a frame costs only the bytes of what changed.
  public func present(_ screen: Screen) {
    guard isOpen else { return }
    if lastFrame?.size != screen.size {
      // Only the window buffer: ncurses still sends just the differences to the terminal.
      werase(stdscrWindow)
    }
    for run in screen.changes(from: lastFrame) { draw(run) }
    wnoutrefresh(stdscrWindow)
    doupdate()
    lastFrame = screen
  }

  private func draw(_ run: ScreenRun) {
    let (attributes, pair) = appearance(of: run.style)
    var cells = [cchar_t](repeating: cchar_t(), count: run.width)
    var text: [wchar_t] = [0, 0, 0, 0, 0]
    for (index, character) in run.text.enumerated() {
      var length = 0
      for scalar in character.unicodeScalars where length < 4 {
        text[length] = wchar_t(bitPattern: capabilities.unicode || scalar.isASCII ? scalar.value : 0x3F)
        length += 1
        // Without a UTF-8 locale combining marks cannot be shown; the base character is enough.
        if !capabilities.unicode { break }
      }
      text[length] = 0
      nc_setcchar(&cells[index], text, attributes, pair)
    }
    guard wmove(stdscrWindow, Int32(run.y), Int32(run.x)) == nc_ok() else { return }
    // Unlike waddnwstr, this neither wraps nor scrolls when it reaches the bottom-right cell.
    wadd_wchnstr(stdscrWindow, cells, Int32(cells.count))
  }

  /// The ncurses attributes and colour pair for `style` at this terminal's colour depth.
  private func appearance(of style: Style) -> (attr_t, Int32) {
    let depth = capabilities.colorDepth
    guard depth != .monochrome else {
      return (ncursesAttributes(ColorMapping.monochromeAttributes(for: style)), 0)
    }
    let fallback: (Int32, Int32) = defaultColorsEnabled ? (-1, -1) : (7, 0)
    let foreground =
      ColorMapping.terminalColor(style.foreground, depth: depth, colors: colorCount)
      .map(Int32.init) ?? fallback.0
    let background =
      ColorMapping.terminalColor(style.background, depth: depth, colors: colorCount)
      .map(Int32.init) ?? fallback.1
    let pair = allocatePair(foreground: foreground, background: background)
    return (ncursesAttributes(style.attributes), pair)
  }

  private func ncursesAttributes(_ attributes: Attributes) -> attr_t {
    var result = nc_a_normal()
    if attributes.contains(.bold) { result |= nc_a_bold() }
    if attributes.contains(.dim) { result |= nc_a_dim() }
    if attributes.contains(.underline) { result |= nc_a_underline() }
    if attributes.contains(.reverse) { result |= nc_a_reverse() }
    if attributes.contains(.italic) { result |= nc_a_italic() }
    return result
  }
}
