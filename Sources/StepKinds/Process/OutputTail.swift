/// The last `capacity` bytes of a stream: memory stays bounded however much a process prints.
struct OutputTail {
  /// The most bytes kept.
  let capacity: Int
  /// Ring storage; `start` is the oldest byte once the ring is full.
  private var storage: [UInt8] = []
  private var start = 0
  /// Bytes seen in total, kept or not.
  private(set) var totalBytes = 0

  /// Creates an empty tail keeping at most `capacity` bytes.
  init(capacity: Int = 64 * 1024) {
    self.capacity = max(1, capacity)
  }

  /// Appends bytes, forgetting the oldest beyond `capacity`.
  mutating func append(_ bytes: UnsafeRawBufferPointer) {
    totalBytes += bytes.count
    var chunk = bytes
    if chunk.count >= capacity {
      // Only the chunk's own end survives; start over with it.
      chunk = UnsafeRawBufferPointer(rebasing: chunk[(chunk.count - capacity)...])
      storage = Array(chunk)
      start = 0
      return
    }
    let room = capacity - storage.count
    if room > 0 {
      let head = min(room, chunk.count)
      storage.append(contentsOf: chunk[..<head])
      chunk = UnsafeRawBufferPointer(rebasing: chunk[head...])
    }
    // The ring is full: overwrite the oldest bytes, in at most two contiguous pieces.
    var offset = 0
    while offset < chunk.count {
      let piece = min(capacity - start, chunk.count - offset)
      storage.replaceSubrange(start..<(start + piece), with: chunk[offset..<(offset + piece)])
      start = (start + piece) % capacity
      offset += piece
    }
  }

  /// The kept bytes, oldest first.
  var bytes: [UInt8] {
    Array(storage[start...] + storage[..<start])
  }

  /// The last `count` non-blank lines, joined with newlines, trailing spaces and `\r` trimmed.
  func lastLines(_ count: Int) -> String {
    guard count > 0 else { return "" }
    // Split bytes, not Characters: Swift treats "\r\n" as one Character, which "\n" does not match.
    var lines: [String] = []
    for line in bytes.split(separator: UInt8(ascii: "\n")).reversed() {
      var end = line.endIndex
      while end > line.startIndex, [0x0D, 0x20, 0x09].contains(line[end - 1]) { end -= 1 }
      if end == line.startIndex { continue }
      lines.append(String(decoding: line[..<end], as: UTF8.self))
      if lines.count == count { break }
    }
    return lines.reversed().joined(separator: "\n")
  }
}
