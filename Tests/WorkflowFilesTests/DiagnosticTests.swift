import Testing

@testable import WorkflowFiles

/// How diagnostics print, and how typos find their intended names.
@Suite struct DiagnosticTests {
  @Test func descriptionPutsPositionMessageAndFixOnOneLine() {
    let diagnostic = Diagnostic(
      file: "chat.yaml", location: .init(line: 14, column: 7), message: "something is wrong",
      hint: "Fix it.")
    #expect(diagnostic.description == "chat.yaml:14:7: error: something is wrong. Fix it.")
  }

  @Test func descriptionWithoutLocationOrHint() {
    #expect(Diagnostic(file: "x.yaml", location: nil, message: "bad").description == "x.yaml: error: bad")
    #expect(
      Diagnostic(file: "x.yaml", location: nil, message: "bad?", hint: "Hint.").description
        == "x.yaml: error: bad? Hint.")
  }

  @Test func errorDescriptionIsOneDiagnosticPerLine() {
    let error = WorkflowFileError([
      Diagnostic(file: "a", location: .init(line: 1, column: 2), message: "one"),
      Diagnostic(file: "b", location: nil, message: "two"),
    ])
    #expect(error.description == "a:1:2: error: one\nb: error: two")
  }

  @Test func suggestionsCatchTyposAndTranspositionsButNotStrangers() {
    #expect(Suggestion.closest(to: "laod", in: FormatKeys.root) == "load")
    #expect(Suggestion.closest(to: "stpes", in: FormatKeys.root) == "steps")
    #expect(Suggestion.closest(to: "max_backoff", in: FormatKeys.retry) == "max-backoff")
    #expect(Suggestion.closest(to: "colour", in: FormatKeys.root) == nil)
    #expect(Suggestion.editDistance("kitten", "sitting") == 3)
  }
}
