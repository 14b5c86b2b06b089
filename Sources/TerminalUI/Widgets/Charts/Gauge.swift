/// A percentage bar with its label on the right: `█████▌     42%`.
public struct Gauge: Sendable {
  /// The filled fraction, 0...1; more than 1 shows the overflow mark.
  public var ratio: Double
  /// The label; nil shows the percentage.
  public var label: String?
  /// Style of the filled part.
  public var filledStyle: Style
  /// Style of the unfilled part.
  public var emptyStyle: Style
  /// Style of the label.
  public var labelStyle: Style
  /// The characters to draw with.
  public var glyphs: Glyphs

  /// Creates a gauge.
  public init(
    ratio: Double, label: String? = nil, filledStyle: Style = .plain, emptyStyle: Style = .plain,
    labelStyle: Style = .plain, glyphs: Glyphs = .unicode
  ) {
    self.ratio = ratio
    self.label = label
    self.filledStyle = filledStyle
    self.emptyStyle = emptyStyle
    self.labelStyle = labelStyle
    self.glyphs = glyphs
  }

  /// Draws the gauge on every row of `area`, the label on the first; the label is dropped when
  /// it would leave the bar fewer than 2 columns.
  public func render(into screen: inout Screen, area: Rect) {
    guard !area.isEmpty else { return }
    let text = label ?? NumberText.percent(ratio)
    var barArea = area
    if text.count + 3 <= area.width {
      let (bar, rest) = area.splitLeft(area.width - text.count - 1)
      barArea = bar
      screen.clear(rest, style: labelStyle)
      screen.put(text, in: rest, row: rest.y, alignment: .right, style: labelStyle)
    }
    let bar = StackedBar(
      segments: [BarSegment(value: ratio.isFinite ? max(0, ratio) : 0, style: filledStyle)],
      capacity: 1, emptyStyle: emptyStyle, overflowStyle: filledStyle.with(.bold), glyphs: glyphs)
    bar.render(into: &screen, area: barArea)
  }
}
