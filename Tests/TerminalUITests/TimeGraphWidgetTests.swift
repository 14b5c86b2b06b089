import Testing

@testable import TerminalUI

private let eight: @Sendable (Double) -> String = { "\(Int($0))" }

@Test func timeGraphDrawsAreasAxisAndXLabelsWithTheJumpVisible() {
  var screen = widgetScreen(14, 6)
  let graph = TimeGraph(
    series: [
      GraphSeries(name: "p99", values: [0, 1, 2, 2, 2, 6, 6, 6, 8, 8], style: TestStyles.red),
      GraphSeries(name: "p50", values: [0, 0.5, 1, 1, 1, 3, 3, 3, 4, 4], style: TestStyles.green),
    ], maxValue: 8, yLabel: eight, xLabels: ["-8s", "now"], axisStyle: TestStyles.gray,
    labelStyle: TestStyles.blue)
  graph.render(into: &screen, area: Rect(x: 1, y: 0, width: 12, height: 5))
  #expect(
    screen.lines == [
      "x8┤        ██x",
      "x │     █████x",
      "x │     ▄▄▄██x",
      "x0┤ ▂▄▄▄█████x",
      "x  -8s    nowx",
      "xxxxxxxxxxxxxx",
    ])
  #expect(graph.sampleCapacity(in: Rect(x: 1, y: 0, width: 12, height: 5)) == 10)
  // The lower series' partial top keeps the higher series' colour behind it.
  #expect(screen[8, 2].style == Style(foreground: .rgb(0, 255, 0), background: .rgb(255, 0, 0)))
  #expect(screen[8, 1].style == TestStyles.red)
  #expect(screen[8, 3].style == TestStyles.green)
  #expect(screen[2, 0].style == TestStyles.gray)
  #expect(screen[1, 0].style == TestStyles.blue)
  #expect(screen[3, 4].style == TestStyles.blue)
}

@Test func timeGraphLinesAndMarkerWithLabel() {
  var screen = widgetScreen(10, 4)
  TimeGraph(
    series: [GraphSeries(values: [1, 1, 1, 1, 5, 5, 5, 5], kind: .line)], maxValue: 8,
    yLabel: eight, markers: [GraphMarker(samplesAgo: 4, label: "hyb", style: TestStyles.blue)]
  ).render(into: &screen, area: screen.bounds)
  #expect(
    screen.lines == [
      "8┤   ┊hyb ",
      " │   ┊▄▄▄▄",
      " │   ┊    ",
      "0┤▄▄▄▄    ",
    ])
  #expect(screen[5, 1].style == TestStyles.blue)
  #expect(screen[6, 0].style == TestStyles.blue)
}

@Test func markerLabelGoesLeftWhenNoRoomOnTheRightAndOffscreenMarkersAreSkipped() {
  var screen = widgetScreen(8, 2)
  TimeGraph(
    series: [GraphSeries(values: [0])], maxValue: 1, yLabel: { _ in "" },
    markers: [GraphMarker(samplesAgo: 0, label: "now"), GraphMarker(samplesAgo: 20, label: "old")]
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["    now┊", "       ┊"])
}

@Test func higherLineWinsASharedCell() {
  var screen = widgetScreen(1, 1)
  TimeGraph(
    series: [
      GraphSeries(values: [4], style: TestStyles.red, kind: .line),
      GraphSeries(values: [3], style: TestStyles.green, kind: .line),
    ], maxValue: 8
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["▄"])
  #expect(screen[0, 0].style == TestStyles.red)
}

@Test func timeGraphAutoScalesToARoundNumberWithMiddleLabel() {
  var screen = widgetScreen(10, 6)
  let graph = TimeGraph(
    series: [GraphSeries(values: [0, 0, 0, 0, 0, 0, 27, 30])],
    yLabel: { NumberText.compact($0) }, xLabels: ["-1m", "-30s", "now"])
  graph.render(into: &screen, area: screen.bounds)
  #expect(
    screen.lines == [
      "30┤     ▄█",
      "  │     ██",
      "15┤     ██",
      "  │     ██",
      " 0┤     ██",
      "   -1m now",
    ])
  var wide = widgetScreen(20, 6)
  graph.render(into: &wide, area: wide.bounds)
  #expect(wide.lines[5] == "   -1m   -30s    now")
  #expect(ColumnScale.niceCeiling(30) == 30)
  #expect(ColumnScale.niceCeiling(31) == 40)
  #expect(ColumnScale.niceCeiling(1.23e9) == 1.5e9)
  #expect(ColumnScale.niceCeiling(7) == 8)
  #expect(ColumnScale.niceCeiling(0.7) == 0.8)
  #expect(ColumnScale.niceCeiling(0) == 0)
}

@Test func timeGraphInAscii() {
  var screen = widgetScreen(8, 2)
  TimeGraph(
    series: [GraphSeries(values: [1, 2, 3, 4], kind: .area)], maxValue: 2, yLabel: eight,
    markers: [GraphMarker(samplesAgo: 3)], glyphs: .ascii
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["2+  :###", "0+  ####"])
}

@Test func timeGraphInDegenerateAreas() {
  let graph = TimeGraph(
    series: [GraphSeries(values: [0, 4, 8])], maxValue: 8, yLabel: eight, xLabels: ["-3s", "now"])
  var screen = widgetScreen(4, 1)
  graph.render(into: &screen, area: Rect(x: 0, y: 0, width: 3, height: 1))
  #expect(screen.lines == [" ▄█x"])
  graph.render(into: &screen, area: Rect(x: 0, y: 0, width: 0, height: 1))
  #expect(screen.lines == [" ▄█x"])
  var one = widgetScreen(2, 1)
  graph.render(into: &one, area: Rect(x: 0, y: 0, width: 1, height: 1))
  #expect(one.lines == ["█x"])
  TimeGraph(series: []).render(into: &one, area: one.bounds)
  #expect(one.lines == ["  "])
}

@Test func xLabelsFromSamplesAgoMatchThePlotWidth() {
  var screen = widgetScreen(20, 3)
  TimeGraph(
    series: [GraphSeries(values: [1])], maxValue: 8, yLabel: eight,
    xLabelAt: { $0 == 0 ? "now" : "-\($0)s" }
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines[2] == "  -17s   -9s     now")
  var narrow = widgetScreen(1, 3)
  TimeGraph(series: [], xLabelAt: { "\($0)" }).render(into: &narrow, area: narrow.bounds)
  #expect(narrow.lines == [" ", " ", "0"])
}

@Test func brailleLineDrawsJumpsAsStrokesAndFallsBackInAscii() {
  let graph = TimeGraph(
    series: [GraphSeries(values: [0, 3, 3], style: TestStyles.green, kind: .brailleLine)],
    maxValue: 3, yLabel: { _ in "" })
  var screen = widgetScreen(4, 1)
  graph.render(into: &screen, area: Rect(x: 0, y: 0, width: 3, height: 1))
  #expect(screen.lines == ["⣀⠏⠉x"])
  #expect(screen[1, 0].style == TestStyles.green)
  var ascii = graph
  ascii.glyphs = .ascii
  ascii.render(into: &screen, area: Rect(x: 0, y: 0, width: 3, height: 1))
  #expect(screen.lines == [" ##x"])
  // The jump from the sample just off the left edge still shows.
  var edgeGraph = graph
  edgeGraph.series[0].values = [0, 3]
  var edge = widgetScreen(1, 1)
  edgeGraph.render(into: &edge, area: edge.bounds)
  #expect(edge.lines == ["⠏"])
}

@Test func brailleLineOverAnAreaKeepsTheAreaColourBehind() {
  var screen = widgetScreen(1, 2)
  TimeGraph(
    series: [
      GraphSeries(values: [3], style: TestStyles.red),
      GraphSeries(values: [0], style: TestStyles.green, kind: .brailleLine),
    ], maxValue: 3, yLabel: { _ in "" }
  ).render(into: &screen, area: screen.bounds)
  #expect(screen.lines == ["█", "⣀"])
  #expect(screen[0, 1].style == Style(foreground: .rgb(0, 255, 0), background: .rgb(255, 0, 0)))
}
