import CProcessMemory

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// This process's memory, read from /proc (Linux). Values are 0 where /proc is missing.
public enum ProcessMemory {
  /// Resident set size now, in bytes (/proc/self/statm, second field × page size).
  public static func residentBytes() -> Int {
    guard let text = read("/proc/self/statm") else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  /// Heap bytes allocated and not yet freed, over all malloc arenas (glibc's mallinfo2). Unlike
  /// RSS it does not move when the allocator returns or keeps pages, so a difference of two
  /// readings is what was allocated in between and is still live.
  public static func heapBytesInUse() -> Int { Int(lanes_heap_bytes_in_use()) }

  /// Peak resident set size since the process started, in bytes (VmHWM in /proc/self/status).
  /// It cannot be reset, so a phase's own peak must be sampled (`MemorySampler`).
  public static func peakResidentBytes() -> Int { statusField("VmHWM:") }

  /// A `kB` field of /proc/self/status, in bytes (0 if absent).
  static func statusField(_ name: String) -> Int {
    guard let text = read("/proc/self/status") else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(name) {
      let number =
        line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap {
          Int($0)
        } ?? 0
      return number * 1024
    }
    return 0
  }

  /// Gives freed heap memory back to the system, so a following RSS reading starts from what is live.
  public static func trim() {
    #if canImport(Glibc)
      _ = glibcMallocTrim(0)
    #endif
  }

  /// A small /proc file's text (these files report size 0, so read until end of file).
  static func read(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, 4096, file) }
      if count <= 0 { break }
      bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

#if canImport(Glibc)
  /// glibc's `malloc_trim`, which the Glibc module does not export (it lives in <malloc.h>).
  @_silgen_name("malloc_trim")
  private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
