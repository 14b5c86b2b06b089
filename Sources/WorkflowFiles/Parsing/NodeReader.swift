import ExecutionCore
import Yams

/// Reads typed values out of YAML nodes, recording a diagnostic (and returning nil) for each bad one.
struct NodeReader {
  /// The file name for diagnostics.
  let file: String
  /// Every problem found so far.
  var diagnostics: [Diagnostic] = []

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

  /// A name made of letters, digits, `-` and `_`.
  mutating func identifier(_ node: Node, _ name: String) -> String? {
    guard let value = text(node, name) else { return nil }
    guard Self.isIdentifier(value) else {
      let fixed = String(value.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
      report(
        at: node, "\(name) \"\(value)\" may only use letters, digits, - and _",
        hint: "Write e.g. \"\(fixed.isEmpty ? "name" : fixed)\".")
      return nil
    }
    return value
  }

  /// Whether `text` is a non-empty run of ASCII letters, digits, `-` and `_`.
  static func isIdentifier(_ text: String) -> Bool {
    !text.isEmpty
      && text.unicodeScalars.allSatisfy {
        ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_"
      }
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

  /// A whole number.
  mutating func integer(_ node: Node, _ name: String) -> Int? {
    let hint = "Write a whole number, e.g. \"\(name): 2\"."
    guard isNumeric(node), case .scalar(let scalar) = node else {
      report(at: node, "\(name) must be a whole number, got \(describe(node))", hint: hint)
      return nil
    }
    guard let value = Int(scalar.string.replacingUnderscores()) else {
      report(at: node, "\(name) must be a whole number, got \(scalar.string)", hint: hint)
      return nil
    }
    return value
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

  /// A duration with a unit, more than zero.
  mutating func duration(_ node: Node, _ name: String) -> Duration? {
    if isNumeric(node), case .scalar(let scalar) = node {
      report(
        at: node, "\(name) \(scalar.string) has no unit",
        hint: "Write a unit, e.g. \(scalar.string)ms or \(scalar.string)s.")
      return nil
    }
    guard case .scalar(let scalar) = node, !isNull(node) else {
      report(
        at: node, "\(name) must be a duration, got \(describe(node))",
        hint: "Write a number and a unit, e.g. 250us, 15ms, 2s or 1m.")
      return nil
    }
    let value: Duration
    do {
      value = try DurationText.parse(scalar.string)
    } catch .negative {
      report(
        at: node, "\(name) must be more than zero, got \(scalar.string)",
        hint: "Durations are never negative.")
      return nil
    } catch {
      report(
        at: node, "\(name) must be a duration, got \(describe(node))",
        hint: "Write a number and a unit, e.g. 250us, 15ms, 2s or 1m.")
      return nil
    }
    guard value > .zero else {
      report(
        at: node, "\(name) must be more than zero, got \(scalar.string)",
        hint: "Write a positive duration, e.g. 1ms.")
      return nil
    }
    return value
  }
}

extension String {
  /// YAML 1.1 allows `1_000`; Swift's parsers do not.
  fileprivate func replacingUnderscores() -> String { filter { $0 != "_" } }

}
