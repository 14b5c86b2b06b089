/// Consecutive cells of one row that changed since the last frame and share one style.
///
/// A backend writes each run with one call, so a frame costs one call per run, not per cell.
public struct ScreenRun: Sendable, Hashable {
  /// Left column of the first cell.
  public var x: Int
  /// Row.
  public var y: Int
  /// The characters, one per cell (each one column wide).
  public var text: String
  /// The style every cell of the run has.
  public var style: Style

  /// Creates a run.
  public init(x: Int, y: Int, text: String, style: Style) {
    self.x = x
    self.y = y
    self.text = text
    self.style = style
  }

  /// How many cells the run covers.
  public var width: Int { text.count }
}
