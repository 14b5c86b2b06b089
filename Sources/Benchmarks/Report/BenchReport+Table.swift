extension BenchReport {
  /// The report as a text table, one row per check: case | figure | measured | baseline | ratio | target | ok.
  public func render() -> String {
    let header = ["case", "figure", "measured", "baseline", "ratio", "target", "ok"]
    var rows: [[String]] = []
    for result in cases {
      if let error = result.error {
        rows.append([result.name, "error", error, "", "", "", "-"])
        continue
      }
      if result.checks.isEmpty {
        rows.append([result.name, "no checks", "", "", "", "", "-"])
      }
      for (index, check) in result.checks.enumerated() {
        rows.append([
          index == 0 ? result.name : "",
          check.label,
          check.measured.text,
          check.baseline?.text ?? "",
          check.ratio.map { BenchUnit.ratio.format($0) } ?? "",
          check.target,
          check.met.map { $0 ? "✓" : "✗" } ?? "-",
        ])
      }
    }
    var lines = [title]
    lines += Self.table(header: header, rows: rows)
    let met = cases.flatMap(\.checks).compactMap(\.met)
    lines.append("targets met: \(met.filter { $0 }.count) of \(met.count)")
    let noted = cases.filter { !$0.notes.isEmpty }
    if !noted.isEmpty {
      lines.append("")
      for result in noted {
        for note in result.notes { lines.append("\(result.name): \(note)") }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private var title: String {
    var parts = ["lanes bench", quick ? "quick" : "full", "seed \(seed)", "\(cores) cores"]
    parts.append(
      optimized ? "release build" : "DEBUG build: speed verdicts not judged, build with -c release")
    return parts.joined(separator: ", ")
  }

  /// Left-aligned columns separated by ` | `, with a rule under the header.
  static func table(header: [String], rows: [[String]]) -> [String] {
    var widths = header.map(\.count)
    for row in rows {
      for (column, cell) in row.enumerated() where column < widths.count {
        widths[column] = max(widths[column], cell.count)
      }
    }
    func line(_ cells: [String]) -> String {
      var text = ""
      for (column, width) in widths.enumerated() {
        let cell = column < cells.count ? cells[column] : ""
        if column > 0 { text += " | " }
        text += cell + String(repeating: " ", count: max(0, width - cell.count))
      }
      while text.last == " " { text.removeLast() }
      return text
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")
    return [line(header), rule] + rows.map(line)
  }
}
