import ExecutionCore

/// A place in the data a step may see: the run's input or a dependency's output, optionally a field
/// inside it. Written `${input}`, `${input.order.id}`, `${steps.fetch.output}`,
/// `${steps.auth.output.token}`, `${input.items.0.sku}` (a number selects an array element).
public struct DataReference: Sendable, Hashable, CustomStringConvertible {
  /// What the reference reads.
  public enum Source: Sendable, Hashable {
    /// The run's input.
    case input
    /// The output of the step with this id (which must be a dependency of the reader).
    case step(String)
  }

  /// What the reference reads.
  public var source: Source
  /// Member names (or array indices, written as numbers) to follow from there.
  public var path: [String]

  /// Creates a reference.
  public init(source: Source, path: [String] = []) {
    self.source = source
    self.path = path
  }

  /// The step whose output it reads, if any.
  public var step: String? {
    if case .step(let id) = source { return id }
    return nil
  }

  /// As written: `${steps.fetch.output.id}`.
  public var description: String {
    let head: String
    switch source {
    case .input: head = "input"
    case .step(let id): head = "steps.\(id).output"
    }
    return "${" + ([head] + path).joined(separator: ".") + "}"
  }

  /// The value it names in what `context` may see; throws `DataReferenceError` when the field is
  /// not there (or the step is not a dependency).
  public func resolve(in context: StepContext) throws -> Payload {
    var value: Payload
    switch source {
    case .input: value = context.input
    case .step(let id): value = try context.output(of: id)
    }
    for (depth, member) in path.enumerated() {
      guard let found = JSONPath.select(member, in: value.bytes) else {
        let parent = DataReference(source: source, path: Array(path[..<depth]))
        throw DataReferenceError.missing(reference: self, parent: parent, member: member, parentValue: value)
      }
      value = try Payload(validating: found)
    }
    return value
  }
}

/// A reference that names nothing in this run's data.
public enum DataReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
  /// `parent` holds no member (or element) `member`.
  case missing(reference: DataReference, parent: DataReference, member: String, parentValue: Payload)
  /// The value cannot go where it is placed (an object in a URL, a line break in a header).
  case unusable(reference: DataReference, place: String, reason: String)

  /// A sentence for people.
  public var description: String {
    switch self {
    case .missing(let reference, let parent, let member, let value):
      let kind: String
      switch value.bytes.first {
      case UInt8(ascii: "{"): kind = "an object without a member \"\(member)\""
      case UInt8(ascii: "["): kind = "an array without an element \(member)"
      default:
        let text = value.count > 60 ? String(value.text.prefix(57)) + "..." : value.text
        kind = "not an object or an array (it is \(text))"
      }
      return "\(reference) names nothing in this run: \(parent) is \(kind)"
    case .unusable(let reference, let place, let reason):
      return "\(reference) cannot go in the \(place): \(reason)"
    }
  }
}

/// Text with references in it: a URL, a header value, a request body.
///
/// `${...}` is a reference (see `DataReference`); `$${` writes a literal `${`; any other `$` is
/// itself.
public struct DataTemplate: Sendable, Hashable {
  /// A piece of the text.
  public enum Part: Sendable, Hashable {
    /// Literal text.
    case text(String)
    /// A reference, replaced when the step runs.
    case reference(DataReference)
  }

  /// The pieces, in order.
  public var parts: [Part]

  /// Reads `text`; throws naming the character offset of the first malformed reference.
  public init(parsing text: String) throws(DataTemplateError) {
    var parts: [Part] = []
    var literal = ""
    let characters = Array(text)
    var at = 0
    while at < characters.count {
      let c = characters[at]
      if c == "$", at + 2 < characters.count, characters[at + 1] == "$", characters[at + 2] == "{" {
        literal += "${"
        at += 3
        continue
      }
      guard c == "$", at + 1 < characters.count, characters[at + 1] == "{" else {
        literal.append(c)
        at += 1
        continue
      }
      guard let close = characters[(at + 2)...].firstIndex(of: "}") else {
        throw DataTemplateError(
          offset: at, message: "the reference starting with \"${\" has no closing \"}\"",
          hint: "Write e.g. ${input.id}; to write a literal \"${\", write \"$${\".")
      }
      let inner = String(characters[(at + 2)..<close])
      let reference = try Self.reference(inner, offset: at)
      if !literal.isEmpty { parts.append(.text(literal)) }
      literal = ""
      parts.append(.reference(reference))
      at = close + 1
    }
    if !literal.isEmpty { parts.append(.text(literal)) }
    self.parts = parts
  }

  /// The references, in order.
  public var references: [DataReference] {
    parts.compactMap { if case .reference(let reference) = $0 { reference } else { nil } }
  }

  /// Whether the text has no references (it is sent as written).
  public var isLiteral: Bool { references.isEmpty }

  /// The text with each reference replaced by `render(reference)`.
  public func render(_ render: (DataReference) throws -> String) rethrows -> String {
    var out = ""
    for part in parts {
      switch part {
      case .text(let text): out += text
      case .reference(let reference): out += try render(reference)
      }
    }
    return out
  }

  /// `input.a.b` or `steps.ID.output.a.b`, as written between `${` and `}`.
  private static func reference(_ inner: String, offset: Int) throws(DataTemplateError) -> DataReference {
    let forms =
      "Write ${input}, ${input.field}, ${steps.<step id>.output} or ${steps.<step id>.output.field}."
    if inner.isEmpty {
      throw DataTemplateError(offset: offset, message: "the reference \"${}\" is empty", hint: forms)
    }
    let segments = inner.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    if let bad = segments.first(where: { $0.isEmpty || !$0.unicodeScalars.allSatisfy(isNameScalar) }) {
      let what = bad.isEmpty ? "an empty name (two dots, or a dot at an end)" : "\"\(bad)\""
      throw DataTemplateError(
        offset: offset,
        message:
          "the reference \"${\(inner)}\" has \(what): names in a reference use letters, digits, - and _, joined by dots",
        hint: forms)
    }
    switch segments[0] {
    case "input":
      return DataReference(source: .input, path: Array(segments.dropFirst()))
    case "steps":
      guard segments.count >= 3, segments[2] == "output" else {
        let id = segments.count >= 2 ? segments[1] : "<step id>"
        throw DataTemplateError(
          offset: offset,
          message: "the reference \"${\(inner)}\" must name the step's output: ${steps.\(id).output}",
          hint: "Write ${steps.\(id).output}, or ${steps.\(id).output.<field>} for a field of it.")
      }
      return DataReference(source: .step(segments[1]), path: Array(segments.dropFirst(3)))
    default:
      throw DataTemplateError(
        offset: offset,
        message:
          "the reference \"${\(inner)}\" starts with \"\(segments[0])\": it must start with input or steps",
        hint: forms)
    }
  }

  private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) || scalar == "-"
      || scalar == "_"
  }
}

/// A malformed reference in a template.
public struct DataTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Character offset of the reference's `$` in the text.
  public var offset: Int
  /// What is wrong.
  public var message: String
  /// How to fix it.
  public var hint: String

  /// Creates an error.
  public init(offset: Int, message: String, hint: String) {
    self.offset = offset
    self.message = message
    self.hint = hint
  }

  /// A sentence for people.
  public var description: String { "\(message). \(hint)" }
}

/// Steps into compact, valid JSON text (what a `Payload` holds) without building a tree.
enum JSONPath {
  /// The bytes of member `name` of an object, or of element `name` (a decimal index) of an array;
  /// nil when there is none or `json` is neither.
  static func select(_ name: String, in json: [UInt8]) -> ArraySlice<UInt8>? {
    guard let first = json.first else { return nil }
    if first == UInt8(ascii: "[") {
      guard let wanted = Int(name), wanted >= 0 else { return nil }
      var at = 1
      var index = 0
      while at < json.count, json[at] != UInt8(ascii: "]") {
        let end = skipValue(json, from: at)
        if index == wanted { return json[at..<end] }
        index += 1
        at = end
        if at < json.count, json[at] == UInt8(ascii: ",") { at += 1 }
      }
      return nil
    }
    guard first == UInt8(ascii: "{") else { return nil }
    var at = 1
    while at < json.count, json[at] != UInt8(ascii: "}") {
      let keyEnd = skipValue(json, from: at)
      let key = decodeString(json[at..<keyEnd])
      let valueStart = keyEnd + 1  // past ':' (compact text has no spaces)
      let valueEnd = skipValue(json, from: valueStart)
      if key == name { return json[valueStart..<valueEnd] }
      at = valueEnd
      if at < json.count, json[at] == UInt8(ascii: ",") { at += 1 }
    }
    return nil
  }

  /// The index just past the value starting at `start`.
  static func skipValue(_ json: [UInt8], from start: Int) -> Int {
    var at = start
    var depth = 0
    var inString = false
    while at < json.count {
      let c = json[at]
      if inString {
        if c == UInt8(ascii: "\\") {
          at += 2
          continue
        }
        if c == UInt8(ascii: "\"") {
          inString = false
          if depth == 0 { return at + 1 }
        }
        at += 1
        continue
      }
      switch c {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        if depth == 0 { return at }
        depth -= 1
        if depth == 0 { return at + 1 }
      case UInt8(ascii: ","), UInt8(ascii: ":"):
        if depth == 0 { return at }
      default: break
      }
      at += 1
    }
    return at
  }

  /// The text of a JSON string (its escapes resolved); nil for anything else.
  static func decodeString(_ json: ArraySlice<UInt8>) -> String? {
    guard json.count >= 2, json.first == UInt8(ascii: "\""), json.last == UInt8(ascii: "\"") else {
      return nil
    }
    let inner = json.dropFirst().dropLast()
    guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
    var out: [UInt8] = []
    var units: [UInt16] = []
    var at = inner.startIndex
    func flushUnits() {
      if !units.isEmpty {
        out.append(contentsOf: Array(String(decoding: units, as: UTF16.self).utf8))
        units.removeAll()
      }
    }
    while at < inner.endIndex {
      let c = inner[at]
      guard c == UInt8(ascii: "\\"), at + 1 < inner.endIndex else {
        flushUnits()
        out.append(c)
        at += 1
        continue
      }
      let e = inner[at + 1]
      if e == UInt8(ascii: "u"), at + 6 <= inner.endIndex,
        let unit = UInt16(String(decoding: inner[(at + 2)..<(at + 6)], as: UTF8.self), radix: 16)
      {
        // UTF-16 code units, so that surrogate pairs join.
        units.append(unit)
        at += 6
        continue
      }
      flushUnits()
      switch e {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      default: out.append(e)
      }
      at += 2
    }
    flushUnits()
    return String(decoding: out, as: UTF8.self)
  }
}
