import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A minimal HTTP/1.1 client over a plain socket, for tests that must send what a library client
/// would refuse (oversized headers, broken bodies) and read a stream (SSE) as it arrives.
/// Loopback only; every read is bounded by a timeout.
public struct RawHTTP: Sendable {
  /// One answer.
  public struct Reply: Sendable {
    /// Its status code.
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    /// The body (de-chunked).
    public var body: String

    /// The body parsed as a JSON object (empty when it is not one).
    public var json: [String: Any] {
      (try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]))
        as? [String: Any] ?? [:]
    }
  }

  /// A request that failed (connect, write, read, or a malformed answer).
  public struct Failure: Error, CustomStringConvertible {
    /// What failed.
    public var description: String

    /// A failure saying `description`.
    public init(description: String) { self.description = description }
  }

  /// The loopback port.
  public let port: Int
  /// A bearer token sent with every request.
  public var token: String?

  /// A client of 127.0.0.1:`port`.
  public init(port: Int, token: String? = nil) {
    self.port = port
    self.token = token
  }

  /// Sends one request (`Connection: close`) and reads the whole answer, on a thread of its own:
  /// a blocking read on the tests' few cooperative threads could starve the server's own tasks
  /// (in-process) or every other test (the pool has as many threads as cores).
  public func send(
    _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:],
    timeout: Int = 60
  ) async throws -> Reply {
    try await Self.offPool { try sendNow(method, path, body: body, headers: headers, timeout: timeout) }
  }

  /// `stream` on a thread of its own (see `send`).
  public func stream(
    _ path: String, headers: [String: String] = [:], timeout: Int = 30,
    until done: @escaping @Sendable (String) -> Bool
  ) async throws -> String {
    try await Self.offPool { try streamNow(path, headers: headers, timeout: timeout, until: done) }
  }

  /// Runs blocking `work` on a new thread and waits for it without holding a cooperative thread.
  public static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      Thread { continuation.resume(with: Result { try work() }) }.start()
    }
  }

  /// Sends one request (`Connection: close`) and reads the whole answer, blocking this thread.
  public func sendNow(
    _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:],
    timeout: Int = 60
  ) throws -> Reply {
    let fd = try connect(timeout: timeout)
    defer { close(fd) }
    try write(fd, request(method, path, body: body, headers: headers))
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = read(fd, &buffer, buffer.count)
      if n > 0 {
        data += buffer[0..<n]
      } else if n == 0 {
        break
      } else if errno == EINTR {
        continue
      } else {
        throw Failure(description: "\(method) \(path): read failed or timed out (errno \(errno))")
      }
    }
    return try Self.parse(data, what: "\(method) \(path)")
  }

  /// Opens a stream (`GET path`) and reads until `done` says the text so far is enough, the
  /// server closes, or `timeout` seconds pass; returns the raw text (headers and body).
  /// Sends a request without its final blank line (a stalled client) and reads until the server
  /// closes the connection (true) or `timeout` seconds pass (false).
  public func stallUntilClosed(_ path: String, timeout: Int) throws -> Bool {
    let fd = try connect(timeout: 1)
    defer { close(fd) }
    try write(fd, Array(request("GET", path, body: nil, headers: [:]).dropLast(4)))
    var buffer = [UInt8](repeating: 0, count: 4096)
    let deadline = Date().addingTimeInterval(TimeInterval(timeout))
    while Date() < deadline {
      let n = read(fd, &buffer, buffer.count)
      if n == 0 || (n < 0 && errno == ECONNRESET) { return true }
    }
    return false
  }

  public func streamNow(
    _ path: String, headers: [String: String] = [:], timeout: Int = 30, until done: (String) -> Bool
  ) throws -> String {
    let fd = try connect(timeout: 1)
    defer { close(fd) }
    try write(fd, request("GET", path, body: nil, headers: headers))
    var text = ""
    var buffer = [UInt8](repeating: 0, count: 65536)
    let deadline = Date().addingTimeInterval(TimeInterval(timeout))
    while Date() < deadline, !done(text) {
      let n = read(fd, &buffer, buffer.count)
      if n > 0 {
        text += String(decoding: buffer[0..<n], as: UTF8.self)
      } else if n == 0 {
        break
      } else if errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK {
        break
      }
    }
    return text
  }

  private func request(_ method: String, _ path: String, body: String?, headers: [String: String]) -> [UInt8]
  {
    var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    if let token { text += "Authorization: Bearer \(token)\r\n" }
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if let body {
      text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    } else {
      text += "Content-Length: 0\r\n\r\n"
    }
    return Array(text.utf8)
  }

  private func connect(timeout: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket failed: errno \(errno)") }
    var time = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      close(fd)
      throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
    }
    return fd
  }

  private func write(_ fd: Int32, _ bytes: [UInt8]) throws {
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n > 0 {
        sent += n
      } else if errno == EPIPE || errno == ECONNRESET {
        return  // the server closed early (e.g. a refused oversized request): read its answer
      } else if errno != EINTR {
        throw Failure(description: "write failed: errno \(errno)")
      }
    }
  }

  /// Splits an HTTP/1.1 answer into status, headers and (de-chunked) body.
  public static func parse(_ data: [UInt8], what: String) throws -> Reply {
    let text = String(decoding: data, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else {
      throw Failure(description: "\(what): no complete answer: \(text.prefix(200))")
    }
    let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
    let parts = head[0].split(separator: " ")
    guard parts.count >= 2, let status = Int(parts[1]) else {
      throw Failure(description: "\(what): bad status line '\(head[0])'")
    }
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
        in: .whitespaces)
    }
    var body = String(text[split.upperBound...])
    if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
    return Reply(status: status, headers: headers, body: body)
  }

  public static func dechunk(_ text: String) -> String {
    var out = ""
    var rest = Substring(text)
    while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16),
      size > 0
    {
      let start = lineEnd.upperBound
      let utf8 = rest[start...].utf8
      let end = utf8.index(utf8.startIndex, offsetBy: min(size, utf8.count))
      out += String(rest[start..<end])
      rest = rest[end...].dropFirst(2)
    }
    return out
  }
}
