/// A JSON value carried between steps: validated, compact JSON text (UTF-8 bytes).
///
/// Data is validated once, where it enters (a run's input, a closure's output, later a process's
/// stdout), and then only passed on: copies share one buffer, and nothing on the hot path parses it
/// again. A step that needs a tree decodes it (`decode(_:)`); exec steps and stores need the bytes.
public struct Payload: Sendable, Hashable, CustomStringConvertible {
  /// The compact JSON text; empty for `null`, so the value every run without data holds shares
  /// Swift's immortal empty array: copying it touches no reference count (several threads copying
  /// one shared buffer would contend on its count).
  private let storage: [UInt8]

  private static let nullText: [UInt8] = Array("null".utf8)

  /// Bytes known to be compact, valid JSON (made by the runtime itself or by `JSONEncoder`).
  init(trusted bytes: [UInt8]) { self.storage = bytes == Payload.nullText ? [] : bytes }

  /// JSON `null`: the input of a run started without one, the output of a step that returns nothing.
  public static var null: Payload { Payload(storage: []) }

  private init(storage: [UInt8]) { self.storage = storage }

  /// The compact JSON text, UTF-8.
  public var bytes: [UInt8] { storage.isEmpty ? Payload.nullText : storage }

  /// Validates `bytes` as one JSON value (RFC 8259) and keeps it without insignificant whitespace.
  /// Throws naming the byte offset and what is wrong there.
  public init(validating bytes: some Collection<UInt8>) throws(PayloadError) {
    self.init(trusted: try JSONCompactor.compact(Array(bytes)))
  }

  /// Validates `text` as one JSON value; see `init(validating:)`.
  public init(json text: String) throws(PayloadError) {
    try self.init(validating: Array(text.utf8))
  }

  /// A JSON string holding `text` (escaped as JSON requires).
  public static func string(_ text: String) -> Payload {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count + 2)
    JSONCompactor.appendString(text, to: &out)
    return Payload(trusted: out)
  }

  /// A JSON object whose members are `members`, in that order (keys escaped as JSON requires).
  public static func object(_ members: [(key: String, value: Payload)]) -> Payload {
    var out: [UInt8] = [UInt8(ascii: "{")]
    out.reserveCapacity(members.reduce(2) { $0 + $1.key.utf8.count + $1.value.count + 4 })
    for (n, member) in members.enumerated() {
      if n > 0 { out.append(UInt8(ascii: ",")) }
      JSONCompactor.appendString(member.key, to: &out)
      out.append(UInt8(ascii: ":"))
      out.append(contentsOf: member.value.bytes)
    }
    out.append(UInt8(ascii: "}"))
    return Payload(trusted: out)
  }

  /// A JSON string of exactly `size` bytes (at least 2) of deterministic filler text: simulated
  /// steps carry realistic payloads with it.
  public static func filler(size: Int) -> Payload {
    let length = max(0, size - 2)
    var out: [UInt8] = [UInt8(ascii: "\"")]
    out.reserveCapacity(length + 2)
    for k in 0..<length { out.append(UInt8(ascii: "a") + UInt8(k % 26)) }
    out.append(UInt8(ascii: "\""))
    return Payload(trusted: out)
  }

  /// Size of the JSON text in bytes (what the limits count).
  public var count: Int { storage.isEmpty ? 4 : storage.count }

  /// True for JSON `null`.
  public var isNull: Bool { storage.isEmpty }

  /// The JSON text.
  public var text: String { String(decoding: bytes, as: UTF8.self) }

  /// The JSON text.
  public var description: String { text }
}

/// Why bytes are not one JSON value.
public struct PayloadError: Error, Hashable, CustomStringConvertible {
  /// Byte offset of the problem in the text that was validated.
  public var offset: Int
  /// What is wrong there.
  public var reason: String

  /// Creates an error.
  public init(offset: Int, reason: String) {
    self.offset = offset
    self.reason = reason
  }

  /// A sentence for people.
  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// One pass over JSON text: validates it and copies it without insignificant whitespace.
enum JSONCompactor {
  /// Nesting deeper than this is refused rather than risking the stack.
  static let maxDepth = 512

  static func compact(_ input: [UInt8]) throws(PayloadError) -> [UInt8] {
    var parser = Parser(input: input)
    parser.out.reserveCapacity(input.count)
    parser.skipSpace()
    try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.at == input.count else {
      throw PayloadError(offset: parser.at, reason: "unexpected text after the JSON value")
    }
    return parser.out
  }

  static func appendString(_ text: String, to out: inout [UInt8]) {
    let hex: [UInt8] = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
      case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 0..<0x20:
        out.append(contentsOf: Array("\\u00".utf8))
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0xF)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  struct Parser {
    let input: [UInt8]
    var at = 0
    var out: [UInt8] = []

    init(input: [UInt8]) { self.input = input }

    var current: UInt8? { at < input.count ? input[at] : nil }

    mutating func skipSpace() {
      while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { at += 1 }
    }

    func fail(_ reason: String) -> PayloadError { PayloadError(offset: at, reason: reason) }

    mutating func value(depth: Int) throws(PayloadError) {
      guard let c = current else { throw fail("expected a value, found the end of the text") }
      switch c {
      case UInt8(ascii: "{"):
        guard depth < JSONCompactor.maxDepth else {
          throw fail("nested deeper than \(JSONCompactor.maxDepth)")
        }
        try object(depth: depth + 1)
      case UInt8(ascii: "["):
        guard depth < JSONCompactor.maxDepth else {
          throw fail("nested deeper than \(JSONCompactor.maxDepth)")
        }
        try array(depth: depth + 1)
      case UInt8(ascii: "\""): try string()
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
      case UInt8(ascii: "t"): try literal("true")
      case UInt8(ascii: "f"): try literal("false")
      case UInt8(ascii: "n"): try literal("null")
      default: throw fail("unexpected character '\(Unicode.Scalar(c))'")
      }
    }

    mutating func literal(_ word: StaticString) throws(PayloadError) {
      let count = word.utf8CodeUnitCount
      let bytes = UnsafeBufferPointer(start: word.utf8Start, count: count)
      guard at + count <= input.count, input[at..<at + count].elementsEqual(bytes) else {
        throw fail("expected '\(word)'")
      }
      out.append(contentsOf: bytes)
      at += count
    }

    mutating func object(depth: Int) throws(PayloadError) {
      out.append(UInt8(ascii: "{"))
      at += 1
      skipSpace()
      if current == UInt8(ascii: "}") {
        out.append(UInt8(ascii: "}"))
        at += 1
        return
      }
      while true {
        skipSpace()
        guard current == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
        try string()
        skipSpace()
        guard current == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
        out.append(UInt8(ascii: ":"))
        at += 1
        skipSpace()
        try value(depth: depth)
        skipSpace()
        switch current {
        case UInt8(ascii: ","):
          out.append(UInt8(ascii: ","))
          at += 1
        case UInt8(ascii: "}"):
          out.append(UInt8(ascii: "}"))
          at += 1
          return
        default: throw fail("expected ',' or '}' in an object")
        }
      }
    }

    mutating func array(depth: Int) throws(PayloadError) {
      out.append(UInt8(ascii: "["))
      at += 1
      skipSpace()
      if current == UInt8(ascii: "]") {
        out.append(UInt8(ascii: "]"))
        at += 1
        return
      }
      while true {
        skipSpace()
        try value(depth: depth)
        skipSpace()
        switch current {
        case UInt8(ascii: ","):
          out.append(UInt8(ascii: ","))
          at += 1
        case UInt8(ascii: "]"):
          out.append(UInt8(ascii: "]"))
          at += 1
          return
        default: throw fail("expected ',' or ']' in an array")
        }
      }
    }

    mutating func string() throws(PayloadError) {
      let start = at
      at += 1
      while true {
        guard let c = current else {
          at = start
          throw fail("unterminated string")
        }
        switch c {
        case UInt8(ascii: "\""):
          at += 1
          out.append(contentsOf: input[start..<at])
          return
        case UInt8(ascii: "\\"):
          at += 1
          guard let e = current else { throw fail("unterminated escape") }
          switch e {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            at += 1
          case UInt8(ascii: "u"):
            at += 1
            for _ in 0..<4 {
              guard let h = current, isHex(h) else { throw fail("expected 4 hex digits after \\u") }
              at += 1
            }
          default: throw fail("invalid escape '\\\(Unicode.Scalar(e))'")
          }
        case 0..<0x20: throw fail("control character in a string (escape it)")
        case 0x80...:
          try utf8Sequence()
        default:
          at += 1
        }
      }
    }

    /// One multi-byte UTF-8 sequence (well-formed, shortest form, no surrogates).
    mutating func utf8Sequence() throws(PayloadError) {
      let lead = input[at]
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        high = 0x9F
      case 0xF0:
        length = 4
        low = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        high = 0x8F
      default: throw fail("invalid UTF-8")
      }
      guard at + length <= input.count else { throw fail("invalid UTF-8") }
      let second = input[at + 1]
      guard second >= low && second <= high else { throw fail("invalid UTF-8") }
      for k in 2..<max(2, length) where !(0x80...0xBF).contains(input[at + k]) {
        throw fail("invalid UTF-8")
      }
      at += length
    }

    func isHex(_ c: UInt8) -> Bool {
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
        || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(c)
    }

    mutating func digits() -> Int {
      let start = at
      while let c = current, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { at += 1 }
      return at - start
    }

    mutating func number() throws(PayloadError) {
      let start = at
      if current == UInt8(ascii: "-") { at += 1 }
      if current == UInt8(ascii: "0") {
        at += 1
      } else {
        guard digits() > 0 else { throw fail("expected a digit") }
      }
      if current == UInt8(ascii: ".") {
        at += 1
        guard digits() > 0 else { throw fail("expected a digit after '.'") }
      }
      if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
        at += 1
        if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { at += 1 }
        guard digits() > 0 else { throw fail("expected a digit in the exponent") }
      }
      out.append(contentsOf: input[start..<at])
    }
  }
}
