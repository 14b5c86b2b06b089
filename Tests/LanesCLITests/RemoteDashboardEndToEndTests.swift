import ExecutionCore
import Foundation
import LanesTestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `lanes dashboard --connect` through tmux, attached to a `lanes serve` in another process: the
/// panels fill from the server, a key pauses the workflow on the server, and when the server is
/// killed and started again on the same port the dashboard says STALE, then reconnects by itself.
@Suite(
  .serialized,
  .enabled(if: TmuxSession.isAvailable, "tmux is not installed: end-to-end terminal tests skipped"))
struct RemoteDashboardEndToEndTests {
  /// A `lanes serve` child process on a fixed port (so it can come back on the same one).
  final class Server {
    let port: Int
    let directory: URL
    private(set) var process: ChildProcess?

    init(directory: URL, port: Int) {
      self.directory = directory
      self.port = port
    }

    deinit { kill() }

    /// Starts `lanes serve e2e.yaml` and waits until it answers /healthz.
    func start(extra: [String] = []) throws {
      process = try LanesBinary.start(
        ["serve", "e2e.yaml", "--listen", "127.0.0.1:\(port)"] + extra, directory: directory)
      let deadline = Date().addingTimeInterval(30)
      while Date() < deadline {
        if get("/healthz")?.status == 200 { return }
        if let process, !isRunning(process.pid) {
          let result = process.wait(timeout: 1)
          throw TmuxError(message: "lanes serve ended (\(result.status)): \(result.stderr)")
        }
        usleep(50_000)
      }
      throw TmuxError(message: "lanes serve did not answer /healthz on port \(port)")
    }

    /// SIGKILL, as a crash would; waits until it is gone.
    func kill() {
      guard let process else { return }
      process.signal(SIGKILL)
      _ = process.wait(timeout: 10)
      self.process = nil
    }

    /// The server's snapshot now (nil if it cannot be had).
    func snapshot() -> RuntimeSnapshot? {
      guard let reply = get("/v1/snapshot"), reply.status == 200 else { return nil }
      return try? JSONDecoder().decode(RuntimeSnapshot.self, from: reply.body)
    }

    /// One GET, waited for (at most 5 s).
    func get(_ path: String) -> (status: Int, body: Data)? {
      let done = DispatchSemaphore(value: 0)
      let box = ReplyBox()
      var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
      request.timeoutInterval = 5
      URLSession.shared.dataTask(with: request) { data, response, _ in
        if let http = response as? HTTPURLResponse { box.set((http.statusCode, data ?? Data())) }
        done.signal()
      }.resume()
      done.wait()
      return box.value
    }
  }

  /// A reply handed from URLSession's queue to the waiting test thread; the semaphore orders the
  /// write before the read, and the lock makes that visible to the checker too.
  final class ReplyBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (status: Int, body: Data)?
    func set(_ value: (Int, Data)) { lock.withLock { stored = value } }
    var value: (status: Int, body: Data)? { lock.withLock { stored } }
  }

  /// A port nothing listens on now: bound to 0, read, released.
  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TmuxError(message: "socket: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
        bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
      }
    }
    guard bound else { throw TmuxError(message: "bind: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  @Test func attachedToLanesServeItPausesTheServerAndSurvivesItsRestart() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try DashboardEndToEndTests.quietWorkflow.write(
      to: session.directory.appendingPathComponent("e2e.yaml"), atomically: true, encoding: .utf8)
    let server = Server(directory: session.directory, port: try Self.freePort())
    defer { server.kill() }
    try server.start()

    try session.start(
      "'\(LanesBinary.url.path)' dashboard --connect http://127.0.0.1:\(server.port) --duration 300s")
    var (ok, screen) = session.waitFor { screen in
      ["Workflows", "Queues", "e2e", "jobs", "HYBRID", "server 127.0.0.1:\(server.port), updated"]
        .allSatisfy(screen.contains)
    }
    #expect(ok, "the panels should fill from the server:\n\(screen)")

    // p pauses the workflow on the server, not in the dashboard's process.
    try session.send("p")
    (ok, screen) = session.waitFor { $0.contains("e2e paused: its runs in flight have finished") }
    #expect(ok, "the dashboard should see the pause done:\n\(screen)")
    #expect(server.snapshot()?.workflows.first { $0.name == "e2e" }?.state == .paused)

    // Killed: the data goes stale and the dashboard keeps trying.
    server.kill()
    (ok, screen) = session.waitFor { $0.contains("STALE") && $0.contains("RECONNECTING") }
    #expect(ok, "a dead server should show as STALE and reconnecting:\n\(screen)")
    #expect(screen.contains("connection refused"), "\(screen)")

    // Back on the same port (a new runtime: running again): live again without a key.
    try server.start()
    (ok, screen) = session.waitFor {
      !$0.contains("STALE") && !$0.contains("RECONNECTING")
        && $0.contains("server 127.0.0.1:\(server.port), updated")
        && !$0.contains("paused:")
    }
    #expect(ok, "the dashboard should reconnect by itself:\n\(screen)")

    try session.send("q")
    #expect(session.exitStatus() == 0)
    #expect(!session.alternateScreenOn)
  }

  @Test func aReadOnlyServerRefusesTheKeysAndStaysUnchanged() throws {
    let session = try TmuxSession()
    defer { session.stop() }
    try DashboardEndToEndTests.quietWorkflow.write(
      to: session.directory.appendingPathComponent("e2e.yaml"), atomically: true, encoding: .utf8)
    let server = Server(directory: session.directory, port: try Self.freePort())
    defer { server.kill() }
    try server.start(extra: ["--read-only"])

    try session.start(
      "'\(LanesBinary.url.path)' dashboard --connect 127.0.0.1:\(server.port) --duration 300s")
    var (ok, screen) = session.waitFor { $0.contains("READ-ONLY") && $0.contains("e2e") }
    #expect(ok, "\(screen)")
    try session.send("p")
    (ok, screen) = session.waitFor { $0.contains("read-only server: p (pause) refused") }
    #expect(ok, "\(screen)")
    #expect(server.snapshot()?.workflows.first { $0.name == "e2e" }?.state == .running)
    try session.send("q")
    #expect(session.exitStatus() == 0)
  }

  @Test func theTokenFileIsUsedAndAWrongTokenExits2() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-remote-token-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try DashboardEndToEndTests.quietWorkflow.write(
      to: directory.appendingPathComponent("e2e.yaml"), atomically: true, encoding: .utf8)
    try "right-token\n".write(
      to: directory.appendingPathComponent("server.token"), atomically: true, encoding: .utf8)
    try "wrong-token\n".write(
      to: directory.appendingPathComponent("wrong.token"), atomically: true, encoding: .utf8)
    let server = Server(directory: directory, port: try Self.freePort())
    defer { server.kill() }
    try server.start(extra: ["--token-file", "server.token"])
    let url = "http://127.0.0.1:\(server.port)"

    let wrong = try LanesBinary.run(
      ["dashboard", "--connect", url, "--token-file", "wrong.token"], environment: ["TERM": "xterm"],
      directory: directory, timeout: 60)
    #expect(wrong.status == 2)
    #expect(wrong.stderr.contains("refused the token (401)"), "\(wrong.stderr)")

    let none = try LanesBinary.run(
      ["dashboard", "--connect", url], environment: ["TERM": "xterm"], directory: directory, timeout: 60)
    #expect(none.status == 2)
    #expect(none.stderr.contains("wants a token (401)"), "\(none.stderr)")

    // With the right token (stdout is a file: status lines), it watches until --duration.
    let right = try LanesBinary.run(
      ["dashboard", "--connect", url, "--token-file", "server.token", "--duration", "1s"],
      environment: ["TERM": "xterm"], directory: directory, timeout: 60)
    #expect(right.status == 0, "\(right.stderr)")
    #expect(
      right.stdout.contains("final (duration reached): [server 127.0.0.1:\(server.port), updated "),
      "\(right.stdout)")
    #expect(right.stdout.contains("e2e 0 runs"))
  }
}
