#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension ThemeFile {
  /// Parses a theme file's raw bytes; too large, binary or non-UTF-8 files give the default colours.
  public static func parse(bytes: [UInt8], name: String, path: String) -> (Theme, [ThemeWarning]) {
    if bytes.count > maximumBytes {
      return (Theme(name: name, colors: [:]), [Problem.tooLarge(bytes: bytes.count).warning(path: path)])
    }
    if let offset = bytes.firstIndex(of: 0) {
      return (Theme(name: name, colors: [:]), [Problem.binary(offset: offset).warning(path: path)])
    }
    if let offset = firstInvalidUTF8(in: bytes) {
      return (
        Theme(name: name, colors: [:]),
        [Problem.notUTF8(offset: offset, byte: bytes[offset]).warning(path: path)]
      )
    }
    return parse(text: String(decoding: bytes, as: UTF8.self), name: name, path: path)
  }

  /// Reads and parses the file at `path`; warnings name it `displayPath` (default: `path`).
  ///
  /// Never fails: an unreadable, missing, non-regular or oversized file gives the default colours
  /// and a warning. The theme's name is the file name without `.theme`.
  public static func load(path: String, displayPath: String? = nil) -> (Theme, [ThemeWarning]) {
    let shown = displayPath ?? path
    switch readBytes(path) {
    case .success(let bytes):
      return parse(bytes: bytes, name: name(ofPath: path), path: shown)
    case .failure(let failure):
      return (Theme(name: name(ofPath: path), colors: [:]), [failure.problem.warning(path: shown)])
    }
  }

  /// Why a file could not be read.
  struct ReadFailure: Error {
    var problem: Problem
  }

  /// At most `maximumBytes + 1` bytes of a regular file, so neither a huge file nor a device or
  /// pipe can stall start-up or fill memory.
  static func readBytes(_ path: String) -> Result<[UInt8], ReadFailure> {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      return .failure(ReadFailure(problem: .unreadable(reason: errorText(errno))))
    }
    defer { close(descriptor) }

    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      return .failure(ReadFailure(problem: .unreadable(reason: errorText(errno))))
    }
    let type = info.st_mode & S_IFMT
    guard type == S_IFREG else {
      return .failure(ReadFailure(problem: .notRegularFile(kind: kindName(type))))
    }
    if Int(info.st_size) > maximumBytes {
      return .failure(ReadFailure(problem: .tooLarge(bytes: Int(info.st_size))))
    }

    var buffer = [UInt8](repeating: 0, count: maximumBytes + 1)
    var total = 0
    while total < buffer.count {
      let count = buffer.withUnsafeMutableBytes { raw in
        read(descriptor, raw.baseAddress! + total, raw.count - total)
      }
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        return .failure(ReadFailure(problem: .unreadable(reason: errorText(errno))))
      }
      total += count
    }
    // The file may have grown since `fstat`; `parse(bytes:)` reports that as too large.
    return .success(Array(buffer[..<total]))
  }

  /// The offset of the first byte that does not start a valid UTF-8 sequence, or nil.
  static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
    var index = 0
    while index < bytes.count {
      let lead = bytes[index]
      let length: Int
      switch lead {
      case 0x00...0x7F: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return index
      }
      guard index + length <= bytes.count else { return index }
      for next in bytes[(index + 1)..<(index + length)] where next & 0xC0 != 0x80 { return index }
      if length > 1 {
        // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
        let second = bytes[index + 1]
        if (lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F)
          || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)
        {
          return index
        }
      }
      index += length
    }
    return nil
  }
}

/// The C library's words for an `errno` value, such as "Permission denied".
private func errorText(_ code: Int32) -> String {
  guard let text = strerror(code) else { return "error \(code)" }
  return String(cString: text)
}

/// What a non-regular file is, in words.
private func kindName(_ type: mode_t) -> String {
  switch type {
  case S_IFDIR: return "a directory"
  case S_IFIFO: return "a pipe"
  case S_IFCHR, S_IFBLK: return "a device"
  case S_IFSOCK: return "a socket"
  default: return "a special file"
  }
}
