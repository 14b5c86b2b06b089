/// Series over time, one column per sample (newest on the right), several rows tall, with a
/// labelled y axis on the left, x labels underneath and optional vertical markers.
///
/// Columns are stacked vertical blocks with eight steps per row, so a jump shows as a step in
/// column height. Where series overlap, the higher value stays visible above the lower: areas are
/// drawn tallest first, and a lower area's partial top cell takes the higher area's colour as
/// its background. The scale is `maxValue`, or a round number above the largest value shown.
public struct TimeGraph: Sendable {
  /// The series, in any order.
  public var series: [GraphSeries]
  /// The value at the top of the plot; nil picks a round number above the largest shown value.
  public var maxValue: Double?
  /// Formats y-axis values, e.g. nanoseconds to `1.2s`.
  public var yLabel: @Sendable (Double) -> String
  /// Labels under the plot, spread from left to right, e.g. `["-60s", "-30s", "now"]`.
  public var xLabels: [String]
  /// If set (and `xLabels` is empty), makes the x labels for the oldest, middle and newest
  /// columns from how many samples ago each is, so they match the plot's real width.
  public var xLabelAt: (@Sendable (_ samplesAgo: Int) -> String)?
  /// Vertical markers.
  public var markers: [GraphMarker]
  /// Style of the axis line.
  public var axisStyle: Style
  /// Style of axis labels.
  public var labelStyle: Style
  /// Style the area is cleared with.
  public var background: Style
  /// The characters to draw with.
  public var glyphs: Glyphs

  /// Creates a graph.
  public init(
    series: [GraphSeries], maxValue: Double? = nil,
    yLabel: @escaping @Sendable (Double) -> String = { NumberText.compact($0) },
    xLabels: [String] = [], xLabelAt: (@Sendable (_ samplesAgo: Int) -> String)? = nil,
    markers: [GraphMarker] = [], axisStyle: Style = .plain,
    labelStyle: Style = .plain, background: Style = .plain, glyphs: Glyphs = .unicode
  ) {
    self.series = series
    self.maxValue = maxValue
    self.yLabel = yLabel
    self.xLabels = xLabels
    self.xLabelAt = xLabelAt
    self.markers = markers
    self.axisStyle = axisStyle
    self.labelStyle = labelStyle
    self.background = background
    self.glyphs = glyphs
  }

  /// Where the parts of the graph go in an area.
  public struct Layout: Sendable {
    /// The columns and rows the samples are drawn in.
    public var plot: Rect
    /// The y labels' columns (empty when there is no room for an axis).
    public var yLabels: Rect
    /// The axis column (empty when there is no room for an axis).
    public var axis: Rect
    /// The x labels' row (empty when there is none).
    public var xLabels: Rect
    /// The value at the top of the plot.
    public var top: Double
    /// Plot rows (0 = top) that carry a y label, with their values.
    public var labelledRows: [(row: Int, value: Double)]
  }

  /// How many samples fit in `area` (the plot's width): keep at least this much history.
  public func sampleCapacity(in area: Rect) -> Int { layout(in: area).plot.width }

  /// The layout in `area`: an x-label row if there are labels and at least 3 rows, a y axis if
  /// it leaves the plot at least 4 columns.
  public func layout(in area: Rect) -> Layout {
    var rest = area
    var xRow = Rect(x: area.x, y: area.maxY, width: 0, height: 0)
    if !xLabels.isEmpty || xLabelAt != nil, area.height >= 3 { (rest, xRow) = rest.splitBottom(1) }
    let plotRows = rest.height
    // The scale depends on the samples shown, which depend on the labels' width, which depends
    // on the scale: settle it in a few rounds (it almost always settles in one or two).
    var plotWidth = area.width
    var top = scaleTop(plotWidth: plotWidth)
    var labelWidth = 0
    for _ in 0..<3 {
      labelWidth = labelledRows(plotRows, top: top).map { yLabel($0.value).count }.max() ?? 0
      let narrower =
        labelWidth > 0 && area.width - labelWidth - 1 >= 4 ? area.width - labelWidth - 1 : area.width
      if narrower == plotWidth { break }
      plotWidth = narrower
      top = scaleTop(plotWidth: plotWidth)
    }
    var labels = Rect(x: area.x, y: rest.y, width: 0, height: 0)
    var axis = labels
    var plot = rest
    var rows: [(row: Int, value: Double)] = []
    if plotWidth < area.width {
      let (labelPart, afterLabels) = rest.splitLeft(area.width - plotWidth - 1)
      let (axisPart, plotPart) = afterLabels.splitLeft(1)
      (labels, axis, plot) = (labelPart, axisPart, plotPart)
      rows = labelledRows(plotRows, top: top)
    }
    return Layout(
      plot: plot, yLabels: labels, axis: axis,
      xLabels: Rect(x: plot.x, y: xRow.y, width: plot.width, height: xRow.height), top: top,
      labelledRows: rows)
  }

  /// The top row (the value at its top edge), the bottom row (zero, its bottom edge) and, with 5
  /// rows or more, half the top on the row whose middle is nearest to it, so the labels stay round
  /// numbers.
  private func labelledRows(_ plotRows: Int, top: Double) -> [(row: Int, value: Double)] {
    var rows: [(row: Int, value: Double)] = []
    if plotRows >= 1 { rows.append((0, top)) }
    if plotRows >= 5 { rows.append(((plotRows - 1) / 2, top / 2)) }
    if plotRows >= 2 { rows.append((plotRows - 1, 0)) }
    return rows
  }

  /// The value at the top of the plot when `plotWidth` samples are shown.
  private func scaleTop(plotWidth: Int) -> Double {
    if let maxValue { return maxValue }
    let largest = series.map { ColumnScale.maximum($0.values.suffix(max(0, plotWidth))) }.max() ?? 0
    return ColumnScale.niceCeiling(largest)
  }

  /// Draws the graph, clearing `area` first.
  public func render(into screen: inout Screen, area: Rect) {
    guard !area.isEmpty else { return }
    screen.clear(area, style: background)
    let layout = layout(in: area)
    drawAxis(into: &screen, layout: layout)
    drawColumns(into: &screen, plot: layout.plot, top: layout.top)
    drawMarkers(into: &screen, plot: layout.plot)
    drawXLabels(into: &screen, row: layout.xLabels)
  }

  private func drawAxis(into screen: inout Screen, layout: Layout) {
    guard !layout.axis.isEmpty else { return }
    for row in layout.axis.y..<layout.axis.maxY {
      screen[layout.axis.x, row] = Cell(glyphs.axisVertical, style: axisStyle)
    }
    for (row, value) in layout.labelledRows {
      let y = layout.plot.y + row
      screen[layout.axis.x, y] = Cell(glyphs.axisTick, style: axisStyle)
      screen.put(
        yLabel(value), in: layout.yLabels, row: y, alignment: .right, style: labelStyle,
        ellipsis: glyphs.ellipsis)
    }
  }

  private func drawColumns(into screen: inout Screen, plot: Rect, top: Double) {
    guard !plot.isEmpty else { return }
    let rows = plot.height
    for column in 0..<plot.width {
      let ago = plot.width - 1 - column
      var heights: [(index: Int, eighths: Int)] = []
      for (index, one) in series.enumerated() where ago < one.values.count {
        let value = one.values[one.values.count - 1 - ago]
        heights.append((index, ColumnScale.eighths(value, maximum: top, rows: rows)))
      }
      let x = plot.x + column
      // Areas tallest first, so each lower area is drawn over the taller one's bottom.
      var covering: [Int: Color] = [:]
      for (index, height) in heights.sorted(by: { $0.eighths > $1.eighths })
      where series[index].kind == .area {
        let one = series[index]
        for row in 0..<rows {
          let level = ColumnScale.eighths(inRow: row, of: height)
          guard level > 0 else { break }
          let y = plot.maxY - 1 - row
          var style = one.style
          if level < 8, let under = covering[y] { style.background = under }
          let glyph =
            level == 8 ? (one.fill ?? glyphs.verticalBlock(eighths: 8)) : glyphs.verticalBlock(eighths: level)
          screen[x, y] = Cell(glyph, style: style)
          covering[y] = one.style.foreground
        }
      }
      // Lines lowest first, so where two tops share a cell the higher value wins.
      for (index, height) in heights.sorted(by: { $0.eighths < $1.eighths })
      where lineKind(series[index]) == .line && height > 0 {
        let row = (height - 1) / 8
        let level = height - row * 8
        screen[x, plot.maxY - 1 - row] = Cell(
          glyphs.verticalBlock(eighths: level), style: series[index].style)
      }
    }
    for one in series.sorted(by: { ColumnScale.maximum($0.values) < ColumnScale.maximum($1.values) })
    where lineKind(one) == .brailleLine {
      BrailleLine(values: one.values, style: one.style, top: top).draw(into: &screen, plot: plot)
    }
  }

  /// The kind actually drawn: braille needs Unicode.
  private func lineKind(_ one: GraphSeries) -> GraphSeries.Kind {
    one.kind == .brailleLine && !glyphs.isUnicode ? .line : one.kind
  }

  private func drawMarkers(into screen: inout Screen, plot: Rect) {
    for marker in markers {
      let x = plot.maxX - 1 - marker.samplesAgo
      guard marker.samplesAgo >= 0, x >= plot.x else { continue }
      for y in plot.y..<plot.maxY where screen[x, y].character == " " {
        screen[x, y] = Cell(glyphs.dottedLine, style: marker.style)
      }
      guard !marker.label.isEmpty else { continue }
      let right = Rect(x: x + 1, y: plot.y, width: plot.maxX - x - 1, height: 1)
      let left = Rect(x: plot.x, y: plot.y, width: x - plot.x, height: 1)
      if marker.label.count <= right.width || right.width >= left.width {
        screen.put(
          marker.label, in: right, row: plot.y, alignment: .left, style: marker.style,
          ellipsis: glyphs.ellipsis)
      } else {
        screen.put(
          marker.label, in: left, row: plot.y, alignment: .right, style: marker.style,
          ellipsis: glyphs.ellipsis)
      }
    }
  }

  private func drawXLabels(into screen: inout Screen, row: Rect) {
    var labels = xLabels
    if labels.isEmpty, let xLabelAt, row.width > 0 {
      let oldest = row.width - 1
      labels = oldest == 0 ? [xLabelAt(0)] : [xLabelAt(oldest), xLabelAt(oldest - oldest / 2), xLabelAt(0)]
    }
    guard !row.isEmpty, !labels.isEmpty else { return }
    let count = labels.count
    func start(_ index: Int) -> Int {
      let label = labels[index]
      if index == 0 { return row.x }
      if index == count - 1 { return row.maxX - label.count }
      return row.x + index * (row.width - 1) / (count - 1) - label.count / 2
    }
    // The newest end matters most, then the oldest, then the ones between; a label that would
    // touch one already placed, or leave the row, is skipped rather than overlapped.
    let order = [count - 1] + (count > 1 ? [0] : []) + Array(1..<max(1, count - 1))
    var taken: [Range<Int>] = []
    for index in order {
      let label = labels[index]
      let first = start(index)
      guard first >= row.x, first + label.count <= row.maxX else { continue }
      let padded = (first - 1)..<(first + label.count + 1)
      guard !taken.contains(where: { $0.overlaps(padded) }) else { continue }
      screen.put(label, x: first, y: row.y, style: labelStyle)
      taken.append(first..<(first + label.count))
    }
  }
}
