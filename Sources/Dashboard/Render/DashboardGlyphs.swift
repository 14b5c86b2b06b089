/// Characters only the dashboard's panels use, in Unicode and ASCII.
struct DashboardGlyphs {
  /// A blocking step's bar in the waterfall.
  var blockingBar: Character
  /// A background step's bar in the waterfall.
  var backgroundBar: Character
  /// Where a background step waited on its queue before it started.
  var waitBar: Character
  /// Marks a step on the critical path.
  var criticalMark: Character
  /// The response-time marker.
  var responseMark: Character
  /// The settle-time marker.
  var settleMark: Character
  /// Before an error event.
  var errorSymbol: Character
  /// Before a warning event.
  var warningSymbol: Character
  /// Before an info event.
  var infoSymbol: Character
  /// The times sign in "60×16".
  var times: Character
  /// An arrow, for "hybrid → all-sync".
  var arrow: String
  /// A mode change in the latency graph.
  var modeChange: Character
  /// A p50 point in the latency graph.
  var p50Point: Character
  /// A p99 point in the latency graph.
  var p99Point: Character

  /// For UTF-8 terminals.
  static let unicode = DashboardGlyphs(
    blockingBar: "█", backgroundBar: "▒", waitBar: "┄", criticalMark: "◆", responseMark: "▲",
    settleMark: "△", errorSymbol: "✖", warningSymbol: "▲", infoSymbol: "•", times: "×", arrow: "→",
    modeChange: "┊", p50Point: "•", p99Point: "▪")

  /// For terminals without UTF-8.
  static let ascii = DashboardGlyphs(
    blockingBar: "#", backgroundBar: "=", waitBar: ".", criticalMark: "*", responseMark: "^",
    settleMark: "'", errorSymbol: "X", warningSymbol: "!", infoSymbol: "-", times: "x", arrow: "->",
    modeChange: ":", p50Point: ".", p99Point: "o")

  /// The set for a terminal.
  static func forTerminal(unicode: Bool) -> DashboardGlyphs { unicode ? .unicode : .ascii }
}
