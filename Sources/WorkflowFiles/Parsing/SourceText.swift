/// Turns a file's bytes into text, refusing what YAML parsing should never see: huge files and bad UTF-8.
enum SourceText {
  /// Workflow files are hand-written; anything larger is a mistake (or a wrong path).
  static let maximumBytes = 1 << 20

  /// The text of `bytes`, or the one diagnostic that stops reading it.
  static func decode(_ bytes: [UInt8], file: String) -> Result<String, Diagnostic> {
    if bytes.count > maximumBytes { return .failure(tooLarge(bytes.count, file: file)) }
    if let bad = firstInvalidUTF8Offset(bytes) {
      let location = location(ofOffset: bad, in: bytes)
      let hex = String(bytes[bad], radix: 16, uppercase: true)
      return .failure(
        Diagnostic(
          file: file, location: location,
          message:
            "the file is not valid UTF-8: byte 0x\(hex.count == 1 ? "0" + hex : hex) cannot start or continue a character",
          hint: "Save the file as UTF-8."))
    }
    // A UTF-8 byte-order mark (some Windows editors write one) says nothing YAML needs: drop it.
    let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
    return .success(String(decoding: body, as: UTF8.self))
  }

  /// The diagnostic for a file of `size` bytes, over the limit.
  static func tooLarge(_ size: Int, file: String) -> Diagnostic {
    Diagnostic(
      file: file, location: nil,
      message: "the file is \(size) bytes, over the limit of \(maximumBytes) bytes (1 MiB)",
      hint: "Workflow files are small: check the path, or split it into several workflow files.")
  }

  /// The offset of the first byte that does not start a well-formed UTF-8 sequence.
  static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
    var index = 0
    while index < bytes.count {
      let lead = bytes[index]
      let length: Int
      var lowest: UInt8 = 0x80
      var highest: UInt8 = 0xBF
      switch lead {
      case 0x00...0x7F:
        index += 1
        continue
      case 0xC2...0xDF: length = 2
      case 0xE0: (length, lowest) = (3, 0xA0)
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED: (length, highest) = (3, 0x9F)
      case 0xF0: (length, lowest) = (4, 0x90)
      case 0xF1...0xF3: length = 4
      case 0xF4: (length, highest) = (4, 0x8F)
      default: return index
      }
      for offset in 1..<length {
        let position = index + offset
        guard position < bytes.count else { return index }
        let byte = bytes[position]
        let (low, high) = offset == 1 ? (lowest, highest) : (UInt8(0x80), UInt8(0xBF))
        guard byte >= low, byte <= high else { return index }
      }
      index += length
    }
    return nil
  }

  /// The 1-based line and column (in Unicode scalars, like libYAML) of byte `offset`.
  static func location(ofOffset offset: Int, in bytes: [UInt8]) -> Diagnostic.Location {
    var line = 1
    var lineStart = 0
    for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
      line += 1
      lineStart = index + 1
    }
    // Bytes before `offset` are valid UTF-8, so counting non-continuation bytes counts scalars.
    let column = bytes[lineStart..<offset].filter { $0 & 0xC0 != 0x80 }.count + 1
    return Diagnostic.Location(line: line, column: column)
  }
}
