import Yams

/// Turns Yams' errors into diagnostics at the line and column libYAML reports.
enum YAMLErrorText {
  /// The diagnostic for an error thrown by `Yams.compose`.
  static func diagnostic(for error: any Error, file: String, text: String) -> Diagnostic {
    let hint = "Check the indentation, colons and quotes on this line and the one before it."
    guard let error = error as? YamlError else {
      return Diagnostic(
        file: file, location: .init(line: 1, column: 1), message: "cannot read the YAML: \(error)", hint: hint
      )
    }
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let location = Diagnostic.Location(line: mark.line, column: mark.column)
      if let tab = tabInIndentation(text, near: mark.line) {
        return Diagnostic(
          file: file, location: tab, message: "a tab in the indentation: YAML indents with spaces only",
          hint: "Replace the tab with spaces (two per level, as in the examples).")
      }
      if problem.contains("max depth") || problem.contains("nest") || (context?.text ?? "").contains("nest") {
        return Diagnostic(
          file: file, location: location,
          message:
            "lists and mappings nest too deep: the limit is \(WorkflowLimits.nesting) levels",
          hint: "A workflow file needs about six levels: check for unclosed [ or { brackets.")
      }
      var message = "YAML syntax error: \(problem)"
      if let context {
        message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
      }
      return Diagnostic(file: file, location: location, message: message, hint: hint)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = Suggestion.list(duplicates)
      return Diagnostic(
        file: file, location: .init(line: context.mark.line, column: context.mark.column),
        message: "key \(keys) appears more than once in the same mapping",
        hint: "Keep one of them.")
    case .reader(let problem, let offset, _, _):
      let location =
        offset.map { offset in
          SourceText.location(ofOffset: min(offset, text.utf8.count), in: Array(text.utf8))
        } ?? .init(line: 1, column: 1)
      return Diagnostic(
        file: file, location: location, message: "cannot read the YAML: \(problem)", hint: hint)
    default:
      return Diagnostic(
        file: file, location: .init(line: 1, column: 1), message: "cannot read the YAML: \(error)", hint: hint
      )
    }
  }

  /// Where a tab is in the leading whitespace of line `line` or the line before it (libYAML stops
  /// at the line after the tab when the tab starts a line), or nil.
  static func tabInIndentation(_ text: String, near line: Int) -> Diagnostic.Location? {
    guard line >= 1 else { return nil }
    var number = 0
    for candidate in text.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      if number > line { break }
      guard number >= line - 1 else { continue }
      let indentation = candidate.prefix { $0 == " " || $0 == "\t" }
      if let tab = indentation.firstIndex(of: "\t") {
        return .init(line: number, column: candidate.distance(from: candidate.startIndex, to: tab) + 1)
      }
    }
    return nil
  }
}
