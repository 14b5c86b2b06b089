/// One character cell: a character (display width 1) and its style.
public struct Cell: Sendable, Hashable {
  /// The character shown. Always one column wide; wider characters are replaced when written.
  public var character: Character
  /// How it looks.
  public var style: Style

  /// Creates a cell.
  public init(_ character: Character = " ", style: Style = .plain) {
    self.character = character
    self.style = style
  }

  /// A blank cell with no style.
  public static let blank = Cell()
}

/// A grid of cells: what one frame of the terminal shows, as a value.
///
/// Panels and widgets draw into a `Screen`; a backend sends the cells that differ from the
/// previous frame to the terminal. Writes outside the grid (or outside `clip`) are ignored, so
/// drawing code never needs to bounds-check.
public struct Screen: Sendable, Hashable {
  /// The grid's size.
  public private(set) var size: Size
  /// Cells in row-major order.
  public private(set) var cells: [Cell]

  /// Creates a screen filled with `fill`.
  public init(size: Size, fill: Cell = .blank) {
    self.size = Size(width: max(0, size.width), height: max(0, size.height))
    cells = Array(repeating: fill, count: self.size.width * self.size.height)
  }

  /// The whole grid as a rectangle.
  public var bounds: Rect { Rect(size: size) }

  /// The cell at column `x`, row `y` (a blank cell outside the grid).
  public subscript(x: Int, y: Int) -> Cell {
    get {
      guard x >= 0, y >= 0, x < size.width, y < size.height else { return .blank }
      return cells[y * size.width + x]
    }
    set {
      guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
      cells[y * size.width + x] = newValue
    }
  }

  /// Writes `text` from column `x` on row `y`, at most `maxWidth` columns (and never past `clip`).
  /// Returns the column after the last character written.
  @discardableResult
  public mutating func put(
    _ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil, clip: Rect? = nil
  ) -> Int {
    let area = (clip ?? bounds).intersection(bounds)
    guard y >= area.y, y < area.maxY else { return x }
    let limit = min(area.maxX, maxWidth.map { x + max(0, $0) } ?? Int.max)
    var column = x
    for character in text {
      if column >= limit { break }
      if column >= area.x {
        self[column, y] = Cell(Screen.singleWidth(character), style: style)
      }
      column += 1
    }
    return column
  }

  /// Fills `rect` with `cell`.
  public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
    let area = rect.intersection(bounds)
    guard !area.isEmpty else { return }
    for row in area.y..<area.maxY {
      for column in area.x..<area.maxX { cells[row * size.width + column] = cell }
    }
  }

  /// Changes the style of every cell in `rect`, keeping the characters.
  public mutating func setStyle(_ style: Style, in rect: Rect) {
    let area = rect.intersection(bounds)
    guard !area.isEmpty else { return }
    for row in area.y..<area.maxY {
      for column in area.x..<area.maxX { cells[row * size.width + column].style = style }
    }
  }

  /// The characters of each row, trailing spaces kept, for tests and text dumps.
  public var lines: [String] {
    (0..<size.height).map { row in
      String(cells[(row * size.width)..<((row + 1) * size.width)].map(\.character))
    }
  }

  /// The rows joined with newlines, trailing spaces removed from each row.
  public var text: String {
    lines.map { line in
      var trimmed = Substring(line)
      while trimmed.last == " " { trimmed.removeLast() }
      return String(trimmed)
    }.joined(separator: "\n")
  }

  /// Characters that may take two columns (East Asian wide, emoji) become `?`, so every cell is
  /// one column and layouts stay aligned.
  static func singleWidth(_ character: Character) -> Character {
    guard let scalar = character.unicodeScalars.first else { return " " }
    if character.unicodeScalars.count == 1, scalar.value < 0x1100 { return character }
    if scalar.value < 0x1100 { return character }
    if isWide(scalar.value) { return "?" }
    return character
  }

  private static func isWide(_ value: UInt32) -> Bool {
    switch value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
      return true
    default:
      return false
    }
  }
}
