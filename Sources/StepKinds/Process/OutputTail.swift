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

  /// The last `count` non-empty lines, joined with newlines, trailing spaces and `\r` trimmed.
  func lastLines(_ count: Int) -> String {
    guard count > 0 else { return "" }
    let text = String(decoding: bytes, as: UTF8.self)
    var lines: [Substring] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: true).reversed() {
      var trimmed = line
      while let last = trimmed.last, last == "\r" || last == " " || last == "\t" { trimmed.removeLast() }
      if trimmed.isEmpty { continue }
      lines.append(trimmed)
      if lines.count == count { break }
    }
    return lines.reversed().joined(separator: "\n")
  }
}
