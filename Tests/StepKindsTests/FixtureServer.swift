import Foundation
import Glibc

/// The Python HTTP server in Fixtures/, started once for the whole test process on a free port.
/// It exits when its stdin closes, i.e. when the test process does.
final class FixtureServer: Sendable {
  /// `http://127.0.0.1:<port>`.
  let baseURL: String
  private let process: Process
  private let stdin: Pipe

  /// The shared server, or why it could not start.
  static let shared: Result<FixtureServer, FixtureError> = Result { try FixtureServer() }
    .mapError { $0 as? FixtureError ?? FixtureError(message: "\($0)") }

  /// Why the fixture server is unavailable.
  struct FixtureError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
  }

  private init() throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/http_fixture.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path]
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    // The first line is "PORT <n>"; read byte by byte so nothing after it is swallowed.
    var line = [UInt8]()
    while line.last != UInt8(ascii: "\n") {
      guard let byte = try stdout.fileHandleForReading.read(upToCount: 1), !byte.isEmpty else {
        throw FixtureError(message: "fixture server exited before printing its port")
      }
      line += byte
    }
    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
      throw FixtureError(message: "fixture server said \(text)")
    }
    self.baseURL = "http://127.0.0.1:\(port)"
    self.process = process
    self.stdin = stdin
  }

  /// The server, or a test failure explaining why not.
  static func get() throws -> FixtureServer { try shared.get() }
}

/// A loopback port with nothing listening: bound, then closed, so the kernel refuses connections.
func closedLoopbackPort() -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
      bind(fd, pointer, length)
      return getsockname(fd, pointer, &length)
    }
  }
  return Int(UInt16(bigEndian: address.sin_port))
}
