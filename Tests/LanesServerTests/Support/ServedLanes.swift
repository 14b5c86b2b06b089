import Foundation
import LanesTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// `lanes serve` in its own process on a free loopback port (port 0: the server picks one and
/// logs it), with the test fixtures' workflows. Killed at deinit if the test did not stop it.
final class ServedLanes {
  let child: ChildProcess
  let port: Int
  let folder: URL

  /// The fixture workflow files, by name.
  static func fixture(_ name: String) -> String {
    ChildProcess.packageRoot.appendingPathComponent("Tests/LanesServerTests/Fixtures/\(name).yaml").path
  }

  /// Starts the server with `workflows` (fixture names) and `arguments`; `token` is written to a
  /// file passed as --token-file.
  init(_ workflows: [String] = ["fast", "failing", "slow"], _ arguments: [String] = [], token: String? = nil)
    async throws
  {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-serve-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var args = ["serve", "--listen", "127.0.0.1:0"] + workflows.map(Self.fixture) + arguments
    // These tests were written for the in-memory queues (synchronous redrive and delete counts);
    // the durable default store (sqlite:lanes.db) is tested in LanesSQLiteTests.
    if !arguments.contains("--store") { args += ["--store", "memory"] }
    if let token {
      let file = folder.appendingPathComponent("token")
      try Data((token + "\n").utf8).write(to: file)
      args += ["--token-file", file.path]
    }
    // In its own folder: the default store (sqlite:lanes.db) is one process per file.
    child = try ChildProcess(ChildProcess.builtProduct("lanes"), args, directory: folder)
    var found: Int?
    let child = self.child
    _ = await eventually(within: .seconds(60)) {
      found = Self.port(in: child.errorSoFar)
      return found != nil
    }
    guard let found else {
      let result = child.wait(timeout: 1)
      throw RawHTTP.Failure(
        description: "lanes serve did not listen: status \(result.status), stderr: \(result.stderr)")
    }
    port = found
  }

  deinit {
    try? FileManager.default.removeItem(at: folder)
  }

  static func port(in log: String) -> Int? {
    // Text logs write `address=http://...`, JSON logs `"address":"http://...`.
    guard
      let range = log.range(of: "address=http://127.0.0.1:")
        ?? log.range(of: #""address":"http://127.0.0.1:"#)
    else { return nil }
    let digits = log[range.upperBound...].prefix { $0.isNumber }
    return Int(digits)
  }

  /// A client for this server.
  func client(token: String? = nil) -> RawHTTP { RawHTTP(port: port, token: token) }

  /// SIGTERM, then waits for the exit (on a thread of its own: see `RawHTTP.send`).
  func stop(timeout: TimeInterval = 60) async throws -> ChildProcess.Result {
    child.signal(SIGTERM)
    return try await wait(timeout: timeout)
  }

  /// Waits for the exit on a thread of its own.
  func wait(timeout: TimeInterval = 60) async throws -> ChildProcess.Result {
    let box = UncheckedChild(child: child)
    return try await RawHTTP.offPool { box.child.wait(timeout: timeout) }
  }
}

/// ChildProcess is a class without Sendable; handed to one thread at a time.
struct UncheckedChild: @unchecked Sendable {
  // Safe: the test awaits the thread's result and touches the child only after it.
  let child: ChildProcess
}

/// Polls `condition` until it holds or `limit` passes; unlike `eventually`, the condition may
/// await (an HTTP request off the cooperative pool).
func poll(
  within limit: Duration = .seconds(30), every interval: Duration = .milliseconds(20),
  _ condition: () async -> Bool
) async -> Bool {
  let deadline = ContinuousClock.now + limit
  while ContinuousClock.now < deadline {
    if await condition() { return true }
    try? await Task.sleep(for: interval)
  }
  return await condition()
}
