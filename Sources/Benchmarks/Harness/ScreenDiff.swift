import TerminalUI

/// What a backend would send for a new frame: the cells that differ from the previous one.
enum ScreenDiff {
  /// One changed cell.
  struct Change: Sendable {
    var x: Int
    var y: Int
    var cell: Cell
  }

  /// The changed cells of `next` against `previous` (every cell when the sizes differ).
  static func changes(from previous: Screen, to next: Screen) -> [Change] {
    var changes: [Change] = []
    let width = next.size.width
    let sameSize = previous.size == next.size
    for (index, cell) in next.cells.enumerated() where !sameSize || previous.cells[index] != cell {
      changes.append(Change(x: index % width, y: index / width, cell: cell))
    }
    return changes
  }
}
