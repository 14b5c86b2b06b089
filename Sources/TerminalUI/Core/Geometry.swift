/// A size in cells.
public struct Size: Sendable, Hashable, CustomStringConvertible {
  /// Columns.
  public var width: Int
  /// Rows.
  public var height: Int
  /// Creates a size.
  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }
  /// `120x40`.
  public var description: String { "\(width)x\(height)" }
}

/// A rectangle of cells; `x`, `y` is the top-left corner.
public struct Rect: Sendable, Hashable {
  /// Left column.
  public var x: Int
  /// Top row.
  public var y: Int
  /// Columns.
  public var width: Int
  /// Rows.
  public var height: Int

  /// Creates a rectangle (negative sizes become zero).
  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  /// The rectangle at the origin with `size`.
  public init(size: Size) { self.init(x: 0, y: 0, width: size.width, height: size.height) }

  /// True if it holds no cell.
  public var isEmpty: Bool { width == 0 || height == 0 }
  /// One past the right column.
  public var maxX: Int { x + width }
  /// One past the bottom row.
  public var maxY: Int { y + height }

  /// The rectangle shrunk by `by` on every side.
  public func inset(by amount: Int) -> Rect {
    Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
  }

  /// The common part of two rectangles.
  public func intersection(_ other: Rect) -> Rect {
    let left = Swift.max(x, other.x)
    let top = Swift.max(y, other.y)
    let right = Swift.min(maxX, other.maxX)
    let bottom = Swift.min(maxY, other.maxY)
    return Rect(x: left, y: top, width: right - left, height: bottom - top)
  }

  /// Splits off `rows` rows from the top: (top part, the rest).
  public func splitTop(_ rows: Int) -> (Rect, Rect) {
    let taken = Swift.min(Swift.max(0, rows), height)
    return (
      Rect(x: x, y: y, width: width, height: taken),
      Rect(x: x, y: y + taken, width: width, height: height - taken)
    )
  }

  /// Splits off `rows` rows from the bottom: (the rest, bottom part).
  public func splitBottom(_ rows: Int) -> (Rect, Rect) {
    let taken = Swift.min(Swift.max(0, rows), height)
    return (
      Rect(x: x, y: y, width: width, height: height - taken),
      Rect(x: x, y: maxY - taken, width: width, height: taken)
    )
  }

  /// Splits off `columns` columns from the left: (left part, the rest).
  public func splitLeft(_ columns: Int) -> (Rect, Rect) {
    let taken = Swift.min(Swift.max(0, columns), width)
    return (
      Rect(x: x, y: y, width: taken, height: height),
      Rect(x: x + taken, y: y, width: width - taken, height: height)
    )
  }
}
