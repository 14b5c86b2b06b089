#if canImport(Glibc)
  import Glibc
#endif

/// A pseudo-terminal for tests: the backend gets the follower side as its terminal, the test
/// plays the user on the leader side (types bytes, reads what was drawn).
final class PseudoTerminal {
  let leader: Int32
  let follower: Int32
  private(set) var output: [UInt8] = []

  init?(columns: UInt16, rows: UInt16) {
    // posix_openpt/unlockpt/ptsname are not imported by Glibc, so this is what they do on Linux
    // (grantpt is a no-op with devpts); the ioctl numbers are Linux's TIOCSPTLCK and TIOCGPTN.
    let leader = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard leader >= 0, ioctl(leader, 0x4004_5431, &unlock) == 0, ioctl(leader, 0x8004_5430, &number) == 0
    else { return nil }
    let follower = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    guard follower >= 0 else { return nil }
    var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    guard ioctl(leader, UInt(TIOCSWINSZ), &size) == 0 else { return nil }
    _ = fcntl(leader, F_SETFL, fcntl(leader, F_GETFL) | O_NONBLOCK)
    self.leader = leader
    self.follower = follower
  }

  deinit {
    close(follower)
    close(leader)
  }

  /// Sends bytes as if typed.
  func type(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(leader, $0.baseAddress, $0.count) }
  }

  /// Reads everything drawn so far and returns it as text (appended to `output`).
  @discardableResult
  func drain() -> String {
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(leader, $0.baseAddress, $0.count) }
      if count <= 0 { break }
      output += buffer[0..<count]
    }
    return String(decoding: output, as: UTF8.self)
  }
}
