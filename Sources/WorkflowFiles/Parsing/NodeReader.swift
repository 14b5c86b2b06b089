import ExecutionCore
import Foundation
import StepKinds
import Yams

/// Reads typed values out of YAML nodes, recording a diagnostic (and returning nil) for each bad one.
struct NodeReader {
  /// The file name for diagnostics.
  let file: String
  /// Every problem found so far.
  var diagnostics: [Diagnostic] = []
  /// Queue names declared under `queues:` that were refused (and reported), for later hints.
  var invalidQueueNames: [String] = []
  /// Keys the loader renamed to read past a duplicate (already reported); skipped silently.
  var renamedDuplicateKeys: Set<String> = []
  /// References read from the step being read (`${steps.x.output}`), with the node each is written
  /// in and the key it is under; `readStep` moves them to its step.
  var pendingReferences: [(reference: DataReference, node: Node, place: String)] = []

  /// The keys of one mapping, by name, each with its key node (for "unknown key" positions).
  struct Fields {
    /// The mapping itself, for "missing key" positions.
    let node: Node
    /// Key name to key node and value node.
    var entries: [String: (key: Node, value: Node)] = [:]
    /// Known keys that an unknown key was probably meant to be; not reported again as missing.
    var misspelled: Set<String> = []

    /// Whether `key` is absent and no typo of it was already reported.
    func isMissing(_ key: String) -> Bool { entries[key] == nil && !misspelled.contains(key) }

    /// The value of `key`, if present.
    subscript(key: String) -> Node? { entries[key]?.value }
  }

  /// Records an error at `node`.
  mutating func report(at node: Node, _ message: String, hint: String? = nil) {
    diagnostics.append(Diagnostic(file: file, location: location(of: node), message: message, hint: hint))
  }

  /// The 1-based position of a node (libYAML marks are already 1-based).
  func location(of node: Node) -> Diagnostic.Location {
    guard let mark = node.mark else { return Diagnostic.Location(line: 1, column: 1) }
    return Diagnostic.Location(line: mark.line, column: mark.column)
  }

  /// A mapping's fields; unknown keys are reported with a "did you mean" and skipped.
  mutating func fields(_ node: Node, of what: String, allowed: [String]) -> Fields? {
    guard case .mapping(let mapping) = node else {
      report(
        at: node, "\(what) must be a mapping of keys to values, got \(describe(node))",
        hint: "Write its keys indented below it: \(allowed.joined(separator: ", ")).")
      return nil
    }
    var fields = Fields(node: node)
    for (key, value) in mapping {
      guard case .scalar(let scalar) = key else {
        report(at: key, "keys in \(what) must be plain names, got \(describe(key))")
        continue
      }
      let name = scalar.string
      if renamedDuplicateKeys.contains(name) { continue }
      guard allowed.contains(name) else {
        let guess = Suggestion.closest(to: name, in: allowed)
        if let guess { fields.misspelled.insert(guess) }
        let hint =
          guess.map { "Did you mean \"\($0)\"?" }
          ?? "Known keys here: \(allowed.joined(separator: ", "))."
        report(at: key, "unknown key \"\(name)\" in \(what)", hint: hint)
        continue
      }
      fields.entries[name] = (key, value)
    }
    return fields
  }

  /// How a node looks, for "got ..." in messages.
  func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar):
      if isNull(node) { return "nothing" }
      let tag = node.tag.description
      if isNumeric(node) || tag == Tag.Name.bool.rawValue { return scalar.string }
      return "\"\(scalar.string)\""
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }

  /// Whether a node is an empty or `null` scalar.
  func isNull(_ node: Node) -> Bool {
    guard case .scalar = node else { return false }
    return node.tag.description == Tag.Name.null.rawValue
  }

  /// Whether a scalar was written as a number (plain, unquoted).
  func isNumeric(_ node: Node) -> Bool {
    guard case .scalar = node else { return false }
    let tag = node.tag.description
    return tag == Tag.Name.int.rawValue || tag == Tag.Name.float.rawValue
  }

  /// A scalar's text.
  mutating func text(_ node: Node, _ name: String) -> String? {
    guard case .scalar(let scalar) = node else {
      report(at: node, "\(name) must be text, got \(describe(node))")
      return nil
    }
    guard !isNull(node) else {
      report(at: node, "\(name) has no value", hint: "Write a value after \"\(name):\".")
      return nil
    }
    return scalar.string
  }

  /// A name made of letters, digits, `-` and `_`, at most `WorkflowLimits.nameLength` long.
  mutating func identifier(_ node: Node, _ name: String) -> String? {
    guard let value = text(node, name) else { return nil }
    guard Self.isIdentifier(value) else {
      report(
        at: node, "\(name) \"\(value)\" may only use letters, digits, - and _",
        hint: "Write e.g. \"\(Self.identifierSuggestion(for: value))\".")
      return nil
    }
    guard value.count <= WorkflowLimits.nameLength else {
      report(
        at: node,
        "\(name) is \(value.count) characters long, too long: the limit is \(WorkflowLimits.nameLength)",
        hint: "Names are shown in tables and bars: write a shorter one.")
      return nil
    }
    return value
  }

  /// Whether `text` is a non-empty run of ASCII letters, digits, `-` and `_`.
  static func isIdentifier(_ text: String) -> Bool {
    !text.isEmpty && text.unicodeScalars.allSatisfy(isIdentifierScalar)
  }

  /// An ASCII letter or digit, `-` or `_`.
  static func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) || scalar == "-"
      || scalar == "_"
  }

  /// A valid name close to `text`: accents dropped (`café` → `cafe`), every other character that
  /// is not allowed replaced by `-`, runs of `-` joined, cut to the length limit. Always valid.
  static func identifierSuggestion(for text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      if isIdentifierScalar(scalar) {
        result.unicodeScalars.append(scalar)
      } else if let base = latinBase(of: scalar) {
        result.unicodeScalars.append(base)
      } else if !result.hasSuffix("-") {
        result += "-"
      }
    }
    while result.hasPrefix("-") { result.removeFirst() }
    while result.hasSuffix("-") { result.removeLast() }
    let cut = String(result.prefix(WorkflowLimits.nameLength))
    return cut.isEmpty ? "name" : cut
  }

  /// The ASCII letter a Latin letter with an accent is built on (`é` → `e`), or nil; combining
  /// marks have no base and are dropped by the caller's `-`.
  private static func latinBase(of scalar: Unicode.Scalar) -> Unicode.Scalar? {
    guard (0xC0...0x24F).contains(scalar.value), scalar.properties.isAlphabetic else { return nil }
    let decomposed = String(scalar).decomposedLatin
    return decomposed.first.flatMap { $0.isASCII && $0.properties.isAlphabetic ? $0 : nil }
  }

  /// A number (int or float as YAML writes them).
  mutating func number(_ node: Node, _ name: String, hint: String) -> Double? {
    guard isNumeric(node), case .scalar(let scalar) = node,
      let value = Double(scalar.string.replacingUnderscores()), value.isFinite
    else {
      report(at: node, "\(name) must be a number, got \(describe(node))", hint: hint)
      return nil
    }
    return value
  }

  /// A whole number from 1 to `limit`; `what` says why the limit is there. Numbers too large for
  /// any integer type (`1e9`, twenty digits) are "too large", not "not a whole number".
  mutating func count(_ node: Node, _ name: String, limit: Int, tooSmall: String, tooLarge: String) -> Int? {
    let hint = "Write a whole number, e.g. \"\(name): 2\"."
    guard isNumeric(node), case .scalar(let scalar) = node else {
      report(at: node, "\(name) must be a whole number, got \(describe(node))", hint: hint)
      return nil
    }
    let written = scalar.string.replacingUnderscores()
    let value: Double
    if let whole = Int(written) {
      value = Double(whole)
    } else if let number = Double(written), !number.isNaN {
      value = number
    } else {
      report(at: node, "\(name) must be a whole number, got \(scalar.string)", hint: hint)
      return nil
    }
    guard value >= 1 else {
      report(at: node, "\(name) must be at least 1, got \(scalar.string)", hint: tooSmall)
      return nil
    }
    guard value <= Double(limit) else {
      report(at: node, "\(name) \(scalar.string) is too large: the limit is \(limit)", hint: tooLarge)
      return nil
    }
    guard value.rounded() == value else {
      report(at: node, "\(name) must be a whole number, got \(scalar.string)", hint: hint)
      return nil
    }
    return Int(value)
  }

  /// `true` or `false`.
  mutating func boolean(_ node: Node, _ name: String) -> Bool? {
    guard case .scalar = node, node.tag.description == Tag.Name.bool.rawValue, let value = node.bool else {
      report(
        at: node, "\(name) must be true or false, got \(describe(node))",
        hint: "Write \"\(name): true\" or \"\(name): false\".")
      return nil
    }
    return value
  }

  /// One of a fixed set of words.
  mutating func choice(_ node: Node, _ name: String, from options: [String]) -> String? {
    let spelled = Suggestion.either(options)
    guard case .scalar(let scalar) = node, !isNull(node), options.contains(scalar.string) else {
      let word: String? = if case .scalar(let scalar) = node { scalar.string } else { nil }
      let hint = word.flatMap { Suggestion.didYouMean($0, in: options) } ?? "Write one of them."
      report(at: node, "\(name) must be \(spelled), got \(describe(node))", hint: hint)
      return nil
    }
    return scalar.string
  }

  /// A duration with a unit, more than zero and at most `WorkflowLimits.duration`.
  mutating func duration(_ node: Node, _ name: String) -> Duration? {
    let example = "Write a number and a unit, e.g. 250us, 15ms, 2s or 1m."
    if isNumeric(node), case .scalar(let scalar) = node {
      let written = scalar.string.replacingUnderscores()
      if let number = Double(written), number.isFinite {
        report(
          at: node, "\(name) \(scalar.string) has no unit",
          hint: "Write a unit, e.g. \(scalar.string)ms or \(scalar.string)s.")
      } else {
        report(at: node, "\(name) must be a duration, got \(scalar.string)", hint: example)
      }
      return nil
    }
    guard case .scalar(let scalar) = node, !isNull(node) else {
      report(at: node, "\(name) must be a duration, got \(describe(node))", hint: example)
      return nil
    }
    switch DurationSyntax.read(scalar.string) {
    case .success(let value):
      return value
    case .failure(let problem):
      report(at: node, "\(name) \(problem.message)", hint: problem.hint)
      return nil
    }
  }
}

extension String {
  /// YAML 1.1 allows `1_000`; Swift's parsers do not.
  func replacingUnderscores() -> String { filter { $0 != "_" } }

  /// Canonical decomposition (`é` → `e` + U+0301), for suggestions.
  var decomposedLatin: String.UnicodeScalarView { decomposedStringWithCanonicalMapping.unicodeScalars }
}
