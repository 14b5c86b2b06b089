/// One series of a `TimeGraph`: a value per sample, oldest first.
public struct GraphSeries: Sendable {
  /// How a series is drawn.
  public enum Kind: Sendable, Hashable {
    /// Only the top cell of each column: a line of block tops.
    case line
    /// The column filled from the bottom up to the value.
    case area
    /// A thin line of braille dots, four steps per row, with jumps drawn as vertical strokes.
    /// Braille shows as boxes on some fonts, so it is an option; ASCII glyphs draw `.line`.
    case brailleLine
  }

  /// The series' name (for legends drawn by the caller).
  public var name: String
  /// One value per sample, oldest first, aligned with other series at the newest end; NaN (a
  /// missing sample) leaves the column empty.
  public var values: [Double]
  /// Its style; the foreground colour is the one that shows.
  public var style: Style
  /// Line or area.
  public var kind: Kind
  /// The character for cells an area fills completely; nil is the full block. A shade (`▒`,
  /// `░`) tells two areas apart without colour.
  public var fill: Character?

  /// Creates a series.
  public init(
    name: String = "", values: [Double], style: Style = .plain, kind: Kind = .area,
    fill: Character? = nil
  ) {
    self.name = name
    self.values = values
    self.style = style
    self.kind = kind
    self.fill = fill
  }
}

/// A vertical marker in a `TimeGraph` at one sample, e.g. where the mode changed.
public struct GraphMarker: Sendable, Hashable {
  /// How many samples before the newest: 0 marks the newest column.
  public var samplesAgo: Int
  /// Text at the top of the graph next to the marker; may be empty.
  public var label: String
  /// The marker's style.
  public var style: Style

  /// Creates a marker.
  public init(samplesAgo: Int, label: String = "", style: Style = .plain) {
    self.samplesAgo = samplesAgo
    self.label = label
    self.style = style
  }
}
