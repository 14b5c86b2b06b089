import ExecutionCore

/// "Did you mean" by edit distance, so a typo gets the name it was meant to be.
enum Suggestion {
  /// The closest candidate within a typo's reach of `word`, or nil.
  static func closest(to word: String, in candidates: [String]) -> String? {
    let limit = max(1, min(3, word.count / 3))
    var best: (name: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(word.lowercased(), candidate.lowercased())
      if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    return best?.name
  }

  /// `Did you mean "x"?` or nil.
  static func didYouMean(_ word: String, in candidates: [String]) -> String? {
    closest(to: word, in: candidates).map { "Did you mean \"\($0)\"?" }
  }

  /// Edit distance where swapping two neighbouring letters counts as one edit (`laod` → `load`).
  static func editDistance(_ a: String, _ b: String) -> Int {
    Figures.editDistance(Array(a), Array(b))
  }

  /// `"a", "b" and "c"` for messages.
  static func list(_ names: [String]) -> String {
    let quoted = names.map { "\"\($0)\"" }
    guard quoted.count > 1 else { return quoted.first ?? "none" }
    return quoted.dropLast().joined(separator: ", ") + " and " + quoted.last!
  }

  /// `a, b or c` for "must be one of" messages.
  static func either(_ names: [String]) -> String {
    guard names.count > 1 else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " or " + names.last!
  }
}
