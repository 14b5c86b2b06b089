import Yams

/// Turns Yams' errors into diagnostics at the line and column libYAML reports.
enum YAMLErrorText {
  /// The diagnostic for an error thrown by `Yams.compose`.
  static func diagnostic(for error: any Error, file: String, text: String) -> Diagnostic {
    let hint = "Check the indentation, colons and quotes on this line and the one before it."
    guard let error = error as? YamlError else {
      return Diagnostic(file: file, location: nil, message: "cannot read the YAML: \(error)", hint: hint)
    }
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      var message = "YAML syntax error: \(problem)"
      if let context {
        message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
      }
      return Diagnostic(
        file: file, location: .init(line: mark.line, column: mark.column), message: message, hint: hint)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = Suggestion.list(duplicates)
      return Diagnostic(
        file: file, location: .init(line: context.mark.line, column: context.mark.column),
        message: "key \(keys) appears more than once in the same mapping",
        hint: "Keep one of them.")
    case .reader(let problem, let offset, _, _):
      let location = offset.map { offset in
        SourceText.location(ofOffset: min(offset, text.utf8.count), in: Array(text.utf8))
      }
      return Diagnostic(
        file: file, location: location, message: "cannot read the YAML: \(problem)", hint: hint)
    default:
      return Diagnostic(file: file, location: nil, message: "cannot read the YAML: \(error)", hint: hint)
    }
  }
}
