import Foundation

/// A throwaway PostgreSQL server for one test: `initdb` into a temporary folder, started on a free
/// loopback port (as the `postgres` user through `runuser` when the tests run as root, as the
/// current user otherwise), stopped and deleted by `stop()`, which `with` calls whether the test
/// passed or failed. A watcher process stops the server too if the test process dies first, so a
/// test run leaves nothing running.
public final class TestPostgres: @unchecked Sendable {
  // @unchecked: every stored property is a constant set in init except `running`, which only
  // `stop()`/`restart()` change, and tests call those from the one task that owns the server.

  /// Where PostgreSQL's programs are (Debian's postgresql-15).
  public static let binaries =
    ProcessInfo.processInfo.environment["LANES_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

  /// PostgreSQL can be started here.
  public static var isInstalled: Bool {
    FileManager.default.isExecutableFile(atPath: binaries + "/initdb")
      && FileManager.default.isExecutableFile(atPath: binaries + "/pg_ctl")
  }

  /// Run the PostgreSQL tests: when PostgreSQL is installed, and always in CI (where a missing
  /// PostgreSQL must fail the run, not skip it: `.ci/run` installs it).
  public static var shouldRun: Bool {
    isInstalled || ProcessInfo.processInfo.environment["CI"] == "true"
  }

  /// The temporary folder (data, socket, log).
  public let folder: URL
  /// The TCP port on 127.0.0.1.
  public let port: Int
  /// The superuser the tests connect as (trust authentication on loopback).
  public let user = "lanes"
  private var running = false
  private let asPostgresUser: Bool

  /// `postgres://lanes@127.0.0.1:PORT/DATABASE`.
  public func url(database: String = "postgres") -> String {
    "postgres://\(user)@127.0.0.1:\(port)/\(database)"
  }

  /// Creates the cluster and starts it.
  public init() throws {
    guard TestPostgres.isInstalled else {
      throw TestPostgresError(
        "PostgreSQL is not installed (no \(TestPostgres.binaries)/initdb): install it with `apt-get install -y postgresql` (.ci/run does)"
      )
    }
    asPostgresUser = geteuid() == 0
    var template = Array((FileManager.default.temporaryDirectory.path + "/lanes-pg-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else { throw TestPostgresError("mkdtemp failed: errno \(errno)") }
    folder = URL(fileURLWithPath: String(cString: made))
    port = try TestPostgres.freePort()
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("sock"), withIntermediateDirectories: true)
    if asPostgresUser {
      let chown = try ChildProcess.run(
        URL(fileURLWithPath: "/bin/chown"), ["-R", "postgres:postgres", folder.path])
      guard chown.status == 0 else { throw TestPostgresError("chown failed: \(chown.stderr)") }
    }
    do {
      try runTool(
        "initdb",
        ["-D", dataPath, "-U", user, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"])
      try start()
      try watchForTestProcessDeath()
    } catch {
      stop()
      throw error
    }
  }

  deinit { stop() }

  private var dataPath: String { folder.appendingPathComponent("data").path }

  /// Starts the server (again, after `stop(keepData: true)`), waiting until it accepts connections.
  public func start() throws {
    let options =
      "-p \(port) -k \(folder.appendingPathComponent("sock").path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
    try runTool(
      "pg_ctl",
      [
        "-D", dataPath, "-l", folder.appendingPathComponent("log").path, "-w", "-t", "60", "-o", options,
        "start",
      ])
    running = true
  }

  /// Stops the server at once (`immediate`: like a crash, what a lost database looks like).
  public func kill() throws {
    try runTool("pg_ctl", ["-D", dataPath, "-m", "immediate", "-w", "-t", "60", "stop"])
    running = false
  }

  /// Stops the server if it runs and deletes its folder. Never throws: called on every path.
  public func stop() {
    if running {
      _ = try? runTool("pg_ctl", ["-D", dataPath, "-m", "immediate", "-w", "-t", "60", "stop"])
      running = false
    }
    try? FileManager.default.removeItem(at: folder)
  }

  /// Runs SQL through psql and returns its output (unaligned, tuples only).
  @discardableResult
  public func psql(_ sql: String, database: String = "postgres") throws -> String {
    let result = try ChildProcess.run(
      URL(fileURLWithPath: TestPostgres.binaries + "/psql"),
      [
        "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d",
        database,
        "-c", sql,
      ],
      directory: folder, timeout: 60)
    guard result.status == 0 else {
      throw TestPostgresError("psql failed (\(result.status)) on \(sql): \(result.stderr)")
    }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Creates a database and returns its URL.
  public func createDatabase(_ name: String) throws -> String {
    try psql("CREATE DATABASE \(name)")
    return url(database: name)
  }

  /// Runs a PostgreSQL program (as `postgres` when root); throws with its output when it fails.
  private func runTool(_ name: String, _ arguments: [String]) throws {
    let program = TestPostgres.binaries + "/" + name
    let result: ChildProcess.Result
    if asPostgresUser {
      result = try ChildProcess.run(
        URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", "postgres", "--", program] + arguments,
        directory: folder, streams: .merged, timeout: 120)
    } else {
      result = try ChildProcess.run(
        URL(fileURLWithPath: program), arguments, directory: folder, streams: .merged, timeout: 120)
    }
    guard result.status == 0 else {
      let log = (try? String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)) ?? ""
      throw TestPostgresError("\(name) failed (\(result.status)): \(result.stdout)\n\(log)")
    }
  }

  /// A watcher that stops the server if this test process dies before `stop()` (a crash, a
  /// timeout's SIGKILL); it exits by itself once the server's pid file is gone.
  private func watchForTestProcessDeath() throws {
    let script = """
      while kill -0 \(getpid()) 2>/dev/null && [ -e '\(dataPath)/postmaster.pid' ]; do sleep 0.2; done
      if [ -e '\(dataPath)/postmaster.pid' ]; then
        \(asPostgresUser ? "/usr/sbin/runuser -u postgres -- " : "")\(TestPostgres.binaries)/pg_ctl -D '\(dataPath)' -m immediate stop >/dev/null 2>&1
        rm -rf '\(folder.path)'
      fi
      """
    // Detached with setsid so it outlives this process; its output goes nowhere.
    let result = try ChildProcess.run(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", "setsid /bin/sh -c \"$0\" </dev/null >/dev/null 2>&1 &", script],
      directory: folder, timeout: 30)
    guard result.status == 0 else { throw TestPostgresError("cannot start the watcher: \(result.stderr)") }
  }

  /// A port nothing listens on now (bound to 0 and released).
  public static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestPostgresError("socket failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { throw TestPostgresError("bind failed: errno \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw TestPostgresError("getsockname failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// Runs `body` with a fresh server, stopping it whether `body` returns or throws.
  public static func with<T>(_ body: (TestPostgres) async throws -> T) async throws -> T {
    let server = try TestPostgres()
    do {
      let value = try await body(server)
      server.stop()
      return value
    } catch {
      server.stop()
      throw error
    }
  }
}

/// The throwaway server could not be set up.
public struct TestPostgresError: Error, CustomStringConvertible {
  /// What went wrong.
  public var description: String

  /// Creates an error.
  public init(_ description: String) { self.description = description }
}
