#if canImport(Glibc)
  import Glibc
#endif

/// This process's resident set size in bytes (/proc/self/statm, second field × page size); 0
/// where /proc cannot be read.
public func residentBytes() -> Int {
  guard let file = fopen("/proc/self/statm", "r") else { return 0 }
  defer { fclose(file) }
  var line = [CChar](repeating: 0, count: 256)
  guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
  let fields = String(cString: line).split(separator: " ")
  guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
  return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Whether `pid` is a live process: false once it is gone or a zombie (exited, its status not yet
/// collected: in a container whose first process does not reap orphans, that can last forever).
public func isRunning(_ pid: pid_t) -> Bool {
  guard kill(pid, 0) == 0 || errno == EPERM else { return false }
  guard let file = fopen("/proc/\(pid)/stat", "r") else { return false }
  defer { fclose(file) }
  var line = [CChar](repeating: 0, count: 512)
  guard fgets(&line, Int32(line.count), file) != nil else { return false }
  let text = String(cString: line)
  // After "pid (comm) " comes the state letter.
  guard let close = text.lastIndex(of: ")") else { return true }
  return !text[text.index(after: close)...].hasPrefix(" Z")
}
