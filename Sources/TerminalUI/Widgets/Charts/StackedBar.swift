/// One part of a `StackedBar`.
public struct BarSegment: Sendable, Hashable {
  /// The amount, in the same unit as the bar's capacity.
  public var value: Double
  /// Its style; the colour that matters is the foreground (blocks are drawn in it).
  public var style: Style
  /// The character for cells it fills completely; nil uses the full block (`█` or `#`). Give
  /// each segment its own glyph to tell them apart without colour.
  public var glyph: Character?

  /// Creates a segment.
  public init(value: Double, style: Style, glyph: Character? = nil) {
    self.value = value
    self.style = style
    self.glyph = glyph
  }
}

/// A horizontal bar of segments laid end to end against a capacity, one row per area row.
///
/// With Unicode a boundary inside a cell is drawn with a partial block (`▏▎▍▌▋▊▉`) in the left
/// segment's colour over the right one's, so the bar has eighth-of-a-cell precision. Any segment
/// with a positive value gets at least one step. When the values add up to more than the
/// capacity, the bar is scaled to the sum and its last cell shows `overflow` (`▸`/`>`).
public struct StackedBar: Sendable {
  /// The segments, left to right.
  public var segments: [BarSegment]
  /// The total the full width stands for.
  public var capacity: Double
  /// Style of the unused part.
  public var emptyStyle: Style
  /// Character of the unused part.
  public var emptyGlyph: Character
  /// Style of the overflow mark.
  public var overflowStyle: Style
  /// The characters to draw with.
  public var glyphs: Glyphs
  /// True to keep the background already on the screen (a selected table row's) in whole cells
  /// and in the unused part.
  public var keepsBackground: Bool

  /// Creates a bar.
  public init(
    segments: [BarSegment], capacity: Double, emptyStyle: Style = .plain,
    emptyGlyph: Character = " ", overflowStyle: Style = Style(attributes: .bold),
    glyphs: Glyphs = .unicode, keepsBackground: Bool = false
  ) {
    self.keepsBackground = keepsBackground
    self.segments = segments
    self.capacity = capacity
    self.emptyStyle = emptyStyle
    self.emptyGlyph = emptyGlyph
    self.overflowStyle = overflowStyle
    self.glyphs = glyphs
  }

  /// True if the segments add up to more than the capacity.
  public var overflows: Bool { total > capacity }

  private var total: Double {
    segments.reduce(0) { $0 + ($1.value.isFinite ? max(0, $1.value) : 0) }
  }

  /// How many steps (eighths with Unicode, cells in ASCII) each segment gets out of `steps`.
  func allocate(steps: Int) -> [Int] {
    // Capped so that the sum stays finite whatever the caller passes.
    let cap = Double.greatestFiniteMagnitude / Double(segments.count + 1)
    let values = segments.map { $0.value.isFinite ? min(cap, max(0, $0.value)) : 0 }
    let sum = values.reduce(0, +)
    let scale =
      capacity == .infinity ? Double.greatestFiniteMagnitude : max(capacity.isFinite ? capacity : 0, sum)
    guard steps > 0, scale > 0 else { return values.map { _ in 0 } }
    let ideal = values.map { $0 / scale * Double(steps) }
    var given = ideal.map { Int($0) }
    for i in given.indices where values[i] > 0 && given[i] == 0 { given[i] = 1 }
    let target = min(steps, max(Int((sum / scale * Double(steps)).rounded()), values.filter { $0 > 0 }.count))
    while given.reduce(0, +) < target {
      // The segment furthest below its ideal share gets the next step.
      let i = given.indices.max { ideal[$0] - Double(given[$0]) < ideal[$1] - Double(given[$1]) }!
      given[i] += 1
    }
    while given.reduce(0, +) > target {
      guard let i = given.indices.filter({ given[$0] > 1 }).max(by: { given[$0] < given[$1] }) else { break }
      given[i] -= 1
    }
    return given
  }

  /// Draws the bar in every row of `area`.
  public func render(into screen: inout Screen, area: Rect) {
    guard !area.isEmpty else { return }
    var width = area.width
    if overflows {
      width -= 1
      for row in area.y..<area.maxY {
        screen.write(
          Cell(glyphs.overflow, style: overflowStyle), x: area.maxX - 1, y: row,
          keepingBackground: keepsBackground)
      }
    }
    guard width > 0 else { return }
    let perCell = glyphs.horizontalSteps
    let counts = allocate(steps: width * perCell)
    var ends: [Int] = []
    var running = 0
    for count in counts {
      running += count
      ends.append(running)
    }
    // The segment that owns step `unit`, or nil past the last one.
    func owner(_ unit: Int) -> Int? {
      ends.firstIndex { unit < $0 }
    }
    let full = glyphs.horizontalBlocks[perCell]
    for cellIndex in 0..<width {
      let first = cellIndex * perCell
      let cell: Cell
      // A partial cell's background is the next segment's colour, so it is never replaced.
      var keep = keepsBackground
      if let left = owner(first) {
        let covered = min(ends[left], first + perCell) - first
        let segment = segments[left]
        if covered == perCell {
          cell = Cell(segment.glyph ?? full, style: segment.style)
        } else {
          let right = owner(first + covered)
          var style = segment.style
          style.background = right.map { segments[$0].style.foreground } ?? emptyStyle.background
          keep = keepsBackground && right == nil
          cell = Cell(glyphs.horizontalBlocks[covered], style: style)
        }
      } else {
        cell = Cell(emptyGlyph, style: emptyStyle)
      }
      for row in area.y..<area.maxY {
        screen.write(cell, x: area.x + cellIndex, y: row, keepingBackground: keep)
      }
    }
  }
}
