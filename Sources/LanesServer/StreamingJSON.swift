import Foundation

/// A JSON encoder that writes straight into a byte array as an `Encodable` value encodes itself,
/// for the snapshot the remote dashboard polls 4 times a second.
///
/// Why not `JSONEncoder`: it builds a tree of boxed values and dictionaries first and writes it
/// after; for a snapshot (about 2,000 values) that was 60% of what an attached dashboard cost the
/// server (perf, issue 14). Writing as the value encodes itself is several times cheaper.
///
/// What it writes decodes with a plain `JSONDecoder()` to the value `JSONEncoder()` would have
/// given (same keys, same structure, numbers in Swift's shortest round-trip form, slashes not
/// escaped). Writing as it goes needs each container to be finished before its parent goes on,
/// which is how synthesized `Codable` works (and `Duration`, arrays, dictionaries, optionals).
/// Anything else throws `StreamingJSON.Unsupported` instead of writing wrong JSON: a container
/// written after a sibling began, two kinds of container for one value, `superEncoder`, and the
/// types `JSONEncoder` writes its own way (`Date`, `Data`, `URL`, `Decimal`). The caller then falls
/// back to `JSONEncoder`. Coding paths are not tracked (errors come from the fallback).
enum StreamingJSON {
  /// Why a value could not be written as it encoded itself.
  struct Unsupported: Error, CustomStringConvertible {
    /// What the value did.
    var description: String
  }

  /// `value` as JSON text.
  static func encode<T: Encodable>(_ value: T, reservingCapacity capacity: Int = 4096) throws -> [UInt8] {
    let stream = JSONStream(capacity: capacity)
    try stream.value(value, height: 0)
    if let failure = stream.failure { throw failure }
    stream.closeAll()
    return stream.bytes
  }
}

/// The text being written and the containers open in it, innermost last.
///
/// Its state sits behind a pointer, not in stored properties: every access to a class's stored
/// `var` is checked for exclusivity at run time, and those checks were a fifth of the encoding's
/// time (perf). One encoding runs on one thread, and nothing else holds the pointer.
final class JSONStream {
  struct Frame {
    var id: Int
    var closer: UInt8
    var count = 0
  }

  struct State {
    var bytes: [UInt8] = []
    var frames: [Frame] = []
    var nextID = 0
    /// The first failure; every later write throws it.
    var failure: Error?
    /// The slot (a place for exactly one value) made last and not yet filled.
    var openSlot: Int?
    /// The slot filled last with a container, and that container's frame: a value may ask its
    /// encoder for the same container again.
    var lastContainer: (slot: Int, frame: Int, keyed: Bool)?
  }

  let state: UnsafeMutablePointer<State>

  init(capacity: Int) {
    state = .allocate(capacity: 1)
    state.initialize(to: State())
    state.pointee.bytes.reserveCapacity(capacity)
  }

  deinit {
    state.deinitialize(count: 1)
    state.deallocate()
  }

  var bytes: [UInt8] { state.pointee.bytes }
  var failure: Error? { state.pointee.failure }
  var openSlot: Int? { state.pointee.openSlot }

  func fail(_ reason: String) -> Error {
    let error = state.pointee.failure ?? StreamingJSON.Unsupported(description: reason)
    state.pointee.failure = error
    return error
  }

  /// Closes every container but the outermost `height`.
  @inline(__always) func close(above height: Int) {
    while state.pointee.frames.count > height {
      state.pointee.bytes.append(state.pointee.frames.removeLast().closer)
    }
  }

  func closeAll() { close(above: 0) }

  /// Makes the place for the next value at `height`.
  @inline(__always) func newSlot() -> Int {
    state.pointee.nextID += 1
    state.pointee.openSlot = state.pointee.nextID
    return state.pointee.nextID
  }

  /// Claims `slot` for a value being written now.
  @inline(__always) func fill(_ slot: Int, height: Int) throws {
    if let failure = state.pointee.failure { throw failure }
    guard state.pointee.openSlot == slot, state.pointee.frames.count == height else {
      throw fail("a value was written twice")
    }
    state.pointee.openSlot = nil
  }

  /// Readies the container `frame` at `height` for its next entry: containers opened inside it
  /// since are finished (closed); one already closed cannot be written any more.
  @inline(__always) func enter(_ frame: Int, height: Int) throws {
    if let failure = state.pointee.failure { throw failure }
    guard height < state.pointee.frames.count, state.pointee.frames[height].id == frame else {
      throw fail("a container was written after another began")
    }
    close(above: height + 1)
    if state.pointee.frames[height].count > 0 { state.pointee.bytes.append(UInt8(ascii: ",")) }
    state.pointee.frames[height].count += 1
  }

  /// Opens a container in `slot` (or gives back the one already opened there).
  func container(in slot: Int, height: Int, keyed: Bool) -> Int? {
    if state.pointee.failure == nil, state.pointee.openSlot == slot, state.pointee.frames.count == height {
      state.pointee.openSlot = nil
      state.pointee.nextID += 1
      state.pointee.frames.append(Frame(id: state.pointee.nextID, closer: UInt8(ascii: keyed ? "}" : "]")))
      state.pointee.bytes.append(UInt8(ascii: keyed ? "{" : "["))
      state.pointee.lastContainer = (slot, state.pointee.nextID, keyed)
      return state.pointee.nextID
    }
    if let last = state.pointee.lastContainer, last.slot == slot, last.keyed == keyed,
      height < state.pointee.frames.count,
      state.pointee.frames[height].id == last.frame
    {
      return last.frame
    }
    _ = fail("one value asked for two containers, or for one after another value began")
    return nil
  }

  /// Writes `value` into a new slot at `height`: a primitive directly, anything else by letting it
  /// encode itself (an `Encodable` that writes nothing is `{}`, as `JSONEncoder` has it).
  func value<T: Encodable>(_ value: T, height: Int) throws {
    if let failure = state.pointee.failure { throw failure }
    if try primitive(value) { return }
    let slot = newSlot()
    try value.encode(to: JSONStreamEncoder(stream: self, height: height, slot: slot))
    if let failure = state.pointee.failure { throw failure }
    if state.pointee.openSlot == slot {
      state.pointee.openSlot = nil
      state.pointee.bytes.append(contentsOf: "{}".utf8)
    }
  }

  /// Writes `value` if it is a primitive (or refuses a type `JSONEncoder` writes its own way);
  /// false for anything else. Exact type comparisons: generic code reaches here with every array
  /// element and dictionary value, and dynamic casts cost more than the writing.
  @inline(__always) func primitive<T: Encodable>(_ value: T) throws -> Bool {
    func cast<U>(_: U.Type) -> U {
      withUnsafePointer(to: value) { $0.withMemoryRebound(to: U.self, capacity: 1) { $0.pointee } }
    }
    if T.self == String.self {
      string(cast(String.self))
    } else if T.self == Int.self {
      integer(Int64(cast(Int.self)))
    } else if T.self == Int64.self {
      integer(cast(Int64.self))
    } else if T.self == Double.self {
      try double(cast(Double.self))
    } else if T.self == Bool.self {
      bool(cast(Bool.self))
    } else if T.self == UInt64.self {
      unsigned(cast(UInt64.self))
    } else if T.self == UInt.self {
      unsigned(UInt64(cast(UInt.self)))
    } else if T.self == Int32.self {
      integer(Int64(cast(Int32.self)))
    } else if T.self == UInt32.self {
      unsigned(UInt64(cast(UInt32.self)))
    } else if T.self == Int16.self {
      integer(Int64(cast(Int16.self)))
    } else if T.self == UInt16.self {
      unsigned(UInt64(cast(UInt16.self)))
    } else if T.self == Int8.self {
      integer(Int64(cast(Int8.self)))
    } else if T.self == UInt8.self {
      unsigned(UInt64(cast(UInt8.self)))
    } else if T.self == Float.self {
      try double(Double(cast(Float.self)), float: cast(Float.self))
    } else if T.self == Duration.self {
      // As Duration's own Codable writes it (an array of the two halves of its attoseconds), without
      // a container: durations are a third of a snapshot's values.
      let attoseconds = cast(Duration.self).attoseconds
      state.pointee.bytes.append(UInt8(ascii: "["))
      integer(Int64(truncatingIfNeeded: attoseconds >> 64))
      state.pointee.bytes.append(UInt8(ascii: ","))
      unsigned(UInt64(truncatingIfNeeded: attoseconds))
      state.pointee.bytes.append(UInt8(ascii: "]"))
    } else if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
      throw fail("\(T.self) is written by JSONEncoder in its own way")
    } else {
      return false
    }
    return true
  }

  // MARK: Primitives

  @inline(__always) func null() { state.pointee.bytes.append(contentsOf: "null".utf8) }

  @inline(__always) func bool(_ value: Bool) {
    state.pointee.bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
  }

  func integer(_ value: Int64) {
    if value < 0 {
      state.pointee.bytes.append(UInt8(ascii: "-"))
      unsigned(value.magnitude)
    } else {
      unsigned(UInt64(value))
    }
  }

  func unsigned(_ value: UInt64) {
    if value < 10 {
      state.pointee.bytes.append(UInt8(ascii: "0") + UInt8(value))
      return
    }
    var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 20 digits at most, written backwards
    var n = value
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      while n > 0 {
        buffer[count] = UInt8(ascii: "0") + UInt8(n % 10)
        n /= 10
        count += 1
      }
      for i in stride(from: count - 1, through: 0, by: -1) { state.pointee.bytes.append(buffer[i]) }
    }
  }

  /// A finite number in Swift's shortest form that reads back to the same value (`1e-05` and
  /// `1e+18` are JSON numbers too); a non-finite one is refused, as `JSONEncoder` refuses it.
  func double(_ value: Double, float: Float? = nil) throws {
    guard value.isFinite else {
      throw fail("\(value) is not a JSON number")
    }
    if value == value.rounded(.towardZero), value.magnitude < 1e15 {
      integer(Int64(value))
    } else if let float {
      state.pointee.bytes.append(contentsOf: float.description.utf8)
    } else {
      state.pointee.bytes.append(contentsOf: value.description.utf8)
    }
  }

  /// A string literal: quotes, backslashes and control characters escaped, the rest as UTF-8.
  func string(_ value: String) {
    state.pointee.bytes.append(UInt8(ascii: "\""))
    var value = value
    value.withUTF8 { utf8 in
      var start = 0
      for (i, byte) in utf8.enumerated()
      where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
        state.pointee.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
        start = i + 1
        switch byte {
        case UInt8(ascii: "\""): state.pointee.bytes.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): state.pointee.bytes.append(contentsOf: #"\\"#.utf8)
        case 0x0A: state.pointee.bytes.append(contentsOf: #"\n"#.utf8)
        case 0x0D: state.pointee.bytes.append(contentsOf: #"\r"#.utf8)
        case 0x09: state.pointee.bytes.append(contentsOf: #"\t"#.utf8)
        case 0x08: state.pointee.bytes.append(contentsOf: #"\b"#.utf8)
        case 0x0C: state.pointee.bytes.append(contentsOf: #"\f"#.utf8)
        default:
          let hex = Array("0123456789abcdef".utf8)
          state.pointee.bytes.append(contentsOf: #"\u00"#.utf8)
          state.pointee.bytes.append(hex[Int(byte >> 4)])
          state.pointee.bytes.append(hex[Int(byte & 0xF)])
        }
      }
      state.pointee.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
    }
    state.pointee.bytes.append(UInt8(ascii: "\""))
  }

  /// A key and its colon, in the keyed container `frame` at `height`.
  @inline(__always) func key(_ key: some CodingKey, frame: Int, height: Int) throws {
    try enter(frame, height: height)
    string(key.stringValue)
    state.pointee.bytes.append(UInt8(ascii: ":"))
  }
}

/// The `Encoder` handed to a value: where its one value goes.
struct JSONStreamEncoder: Encoder {
  let stream: JSONStream
  /// Containers enclosing the value.
  let height: Int
  let slot: Int

  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    let frame = stream.container(in: slot, height: height, keyed: true) ?? -1
    return KeyedEncodingContainer(JSONStreamKeyed<Key>(stream: stream, frame: frame, height: height))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    let frame = stream.container(in: slot, height: height, keyed: false) ?? -1
    return JSONStreamUnkeyed(stream: stream, frame: frame, height: height)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    JSONStreamSingle(stream: stream, height: height, slot: slot)
  }
}

/// An object being written.
struct JSONStreamKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let stream: JSONStream
  let frame: Int
  let height: Int

  var codingPath: [any CodingKey] { [] }

  mutating func encodeNil(forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.null()
  }
  mutating func encode(_ value: Bool, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.bool(value)
  }
  mutating func encode(_ value: String, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.string(value)
  }
  mutating func encode(_ value: Double, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    try stream.double(value)
  }
  mutating func encode(_ value: Float, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    try stream.double(Double(value), float: value)
  }
  mutating func encode(_ value: Int, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: Int64, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.integer(value)
  }
  mutating func encode(_ value: UInt64, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.unsigned(value)
  }
  mutating func encode(_ value: Int8, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: Int16, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: Int32, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: UInt, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.unsigned(UInt64(value))
  }
  mutating func encode(_ value: UInt8, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.unsigned(UInt64(value))
  }
  mutating func encode(_ value: UInt16, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.unsigned(UInt64(value))
  }
  mutating func encode(_ value: UInt32, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    stream.unsigned(UInt64(value))
  }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try stream.key(key, frame: frame, height: height)
    try stream.value(value, height: height + 1)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    let nested = slot(for: key).flatMap { stream.container(in: $0, height: height + 1, keyed: true) }
    return KeyedEncodingContainer(
      JSONStreamKeyed<NestedKey>(stream: stream, frame: nested ?? -1, height: height + 1))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let nested = slot(for: key).flatMap { stream.container(in: $0, height: height + 1, keyed: false) }
    return JSONStreamUnkeyed(stream: stream, frame: nested ?? -1, height: height + 1)
  }

  mutating func superEncoder() -> any Encoder { refused() }
  mutating func superEncoder(forKey key: Key) -> any Encoder { refused() }

  private func slot(for key: Key) -> Int? {
    do {
      try stream.key(key, frame: frame, height: height)
      return stream.newSlot()
    } catch {
      return nil
    }
  }

  private func refused() -> any Encoder {
    _ = stream.fail("superEncoder is not supported")
    return JSONStreamEncoder(stream: stream, height: height + 1, slot: -1)
  }
}

/// An array being written.
struct JSONStreamUnkeyed: UnkeyedEncodingContainer {
  let stream: JSONStream
  let frame: Int
  let height: Int
  var count = 0

  init(stream: JSONStream, frame: Int, height: Int) {
    self.stream = stream
    self.frame = frame
    self.height = height
  }

  var codingPath: [any CodingKey] { [] }

  mutating func encodeNil() throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.null()
  }
  mutating func encode(_ value: Bool) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.bool(value)
  }
  mutating func encode(_ value: String) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.string(value)
  }
  mutating func encode(_ value: Double) throws {
    try stream.enter(frame, height: height)
    count += 1
    try stream.double(value)
  }
  mutating func encode(_ value: Int) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: Int64) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.integer(value)
  }
  mutating func encode(_ value: UInt64) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.unsigned(value)
  }
  mutating func encode(_ value: Float) throws {
    try stream.enter(frame, height: height)
    count += 1
    try stream.double(Double(value), float: value)
  }
  mutating func encode(_ value: Int8) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: Int16) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: Int32) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: UInt) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.unsigned(UInt64(value))
  }
  mutating func encode(_ value: UInt8) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.unsigned(UInt64(value))
  }
  mutating func encode(_ value: UInt16) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.unsigned(UInt64(value))
  }
  mutating func encode(_ value: UInt32) throws {
    try stream.enter(frame, height: height)
    count += 1
    stream.unsigned(UInt64(value))
  }
  mutating func encode<T: Encodable>(_ value: T) throws {
    try stream.enter(frame, height: height)
    count += 1
    try stream.value(value, height: height + 1)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    let nested = slot().flatMap { stream.container(in: $0, height: height + 1, keyed: true) }
    return KeyedEncodingContainer(
      JSONStreamKeyed<NestedKey>(stream: stream, frame: nested ?? -1, height: height + 1))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let nested = slot().flatMap { stream.container(in: $0, height: height + 1, keyed: false) }
    return JSONStreamUnkeyed(stream: stream, frame: nested ?? -1, height: height + 1)
  }

  mutating func superEncoder() -> any Encoder {
    _ = stream.fail("superEncoder is not supported")
    return JSONStreamEncoder(stream: stream, height: height + 1, slot: -1)
  }

  private mutating func slot() -> Int? {
    do {
      try stream.enter(frame, height: height)
      count += 1
      return stream.newSlot()
    } catch {
      return nil
    }
  }
}

/// One value written in its slot (raw-value enums, `Optional`, wrappers).
struct JSONStreamSingle: SingleValueEncodingContainer {
  let stream: JSONStream
  let height: Int
  let slot: Int

  var codingPath: [any CodingKey] { [] }

  mutating func encodeNil() throws {
    try stream.fill(slot, height: height)
    stream.null()
  }
  mutating func encode(_ value: Bool) throws {
    try stream.fill(slot, height: height)
    stream.bool(value)
  }
  mutating func encode(_ value: String) throws {
    try stream.fill(slot, height: height)
    stream.string(value)
  }
  mutating func encode(_ value: Double) throws {
    try stream.fill(slot, height: height)
    try stream.double(value)
  }
  mutating func encode(_ value: Float) throws {
    try stream.fill(slot, height: height)
    try stream.double(Double(value), float: value)
  }
  mutating func encode(_ value: Int) throws {
    try stream.fill(slot, height: height)
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: Int64) throws {
    try stream.fill(slot, height: height)
    stream.integer(value)
  }
  mutating func encode(_ value: UInt64) throws {
    try stream.fill(slot, height: height)
    stream.unsigned(value)
  }
  mutating func encode(_ value: Int8) throws {
    try stream.fill(slot, height: height)
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: Int16) throws {
    try stream.fill(slot, height: height)
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: Int32) throws {
    try stream.fill(slot, height: height)
    stream.integer(Int64(value))
  }
  mutating func encode(_ value: UInt) throws {
    try stream.fill(slot, height: height)
    stream.unsigned(UInt64(value))
  }
  mutating func encode(_ value: UInt8) throws {
    try stream.fill(slot, height: height)
    stream.unsigned(UInt64(value))
  }
  mutating func encode(_ value: UInt16) throws {
    try stream.fill(slot, height: height)
    stream.unsigned(UInt64(value))
  }
  mutating func encode(_ value: UInt32) throws {
    try stream.fill(slot, height: height)
    stream.unsigned(UInt64(value))
  }
  mutating func encode<T: Encodable>(_ value: T) throws {
    if stream.openSlot == slot, try stream.primitive(value, filling: slot, height: height) { return }
    // The value encodes itself into this same slot (a wrapper around another value).
    try value.encode(to: JSONStreamEncoder(stream: stream, height: height, slot: slot))
  }
}

extension JSONStream {
  /// `primitive(_:)` into an existing slot (a single-value container's).
  func primitive<T: Encodable>(_ value: T, filling slot: Int, height: Int) throws -> Bool {
    guard isPrimitive(T.self) else { return false }
    try fill(slot, height: height)
    return try primitive(value)
  }

  func isPrimitive<T>(_ type: T.Type) -> Bool {
    T.self == String.self || T.self == Int.self || T.self == Int64.self || T.self == Double.self
      || T.self == Bool.self || T.self == UInt64.self || T.self == UInt.self || T.self == Int32.self
      || T.self == UInt32.self || T.self == Int16.self || T.self == UInt16.self || T.self == Int8.self
      || T.self == UInt8.self || T.self == Float.self || T.self == Duration.self || T.self == Date.self
      || T.self == Data.self
      || T.self == URL.self || T.self == Decimal.self
  }
}
