import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A throwaway PostgreSQL server: `initdb` into a temporary folder, started on a free loopback
/// port (as the `postgres` user through `runuser` when running as root, which PostgreSQL refuses
/// to run as), stopped and deleted by `stop()`. A detached watcher stops it too if this process
/// dies first (a crash, a SIGKILL), so nothing is left running whatever happens. What the tests
/// and `lanes bench`'s PostgreSQL cases run against.
public final class ThrowawayPostgres: @unchecked Sendable {
  // @unchecked: every stored property is a constant set in init except `running`, which is
  // guarded by `lock`.

  /// Where PostgreSQL's programs are (Debian's postgresql-15; `LANES_PG_BIN` overrides).
  public static let binaries =
    ProcessInfo.processInfo.environment["LANES_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

  /// PostgreSQL can be started here.
  public static var isInstalled: Bool {
    FileManager.default.isExecutableFile(atPath: binaries + "/initdb")
      && FileManager.default.isExecutableFile(atPath: binaries + "/pg_ctl")
  }

  /// The temporary folder (data, socket, log).
  public let folder: URL
  /// The TCP port on 127.0.0.1.
  public let port: Int
  /// The superuser (trust authentication on loopback).
  public let user = "lanes"
  /// Extra `-c name=value` settings the server starts with.
  public let settings: [String]
  private let asPostgresUser: Bool
  private let lock = NSLock()
  private var running = false

  /// `postgres://lanes@127.0.0.1:PORT/DATABASE`.
  public func url(database: String = "postgres") -> String {
    "postgres://\(user)@127.0.0.1:\(port)/\(database)"
  }

  /// Creates the cluster and starts it. `durable: false` turns fsync off (tests: faster, and a
  /// crash of the machine loses a throwaway server anyway); benchmarks keep PostgreSQL's defaults.
  public init(durable: Bool = true, settings: [String] = []) throws {
    guard ThrowawayPostgres.isInstalled else {
      throw ThrowawayPostgresError(
        "PostgreSQL is not installed (no \(ThrowawayPostgres.binaries)/initdb): install it with `apt-get install -y postgresql` (.ci/run does), or set LANES_PG_BIN to its bin folder"
      )
    }
    asPostgresUser = geteuid() == 0
    self.settings = (durable ? [] : ["fsync=off"]) + ["max_connections=100"] + settings
    var template = Array((FileManager.default.temporaryDirectory.path + "/lanes-pg-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw ThrowawayPostgresError("mkdtemp failed: errno \(errno)")
    }
    folder = URL(fileURLWithPath: String(cString: made))
    port = try ThrowawayPostgres.freePort()
    do {
      try FileManager.default.createDirectory(
        at: folder.appendingPathComponent("sock"), withIntermediateDirectories: true)
      if asPostgresUser {
        let chown = try Self.run("/bin/chown", ["-R", "postgres:postgres", folder.path])
        guard chown.status == 0 else { throw ThrowawayPostgresError("chown failed: \(chown.output)") }
      }
      try runTool(
        "initdb",
        ["-D", dataPath, "-U", user, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"])
      try start()
    } catch {
      stop()
      throw error
    }
  }

  deinit { stop() }

  private var dataPath: String { folder.appendingPathComponent("data").path }

  /// Starts the server (again, after `kill()`), waiting until it accepts connections, with a
  /// watcher of its own (the previous one left when the server stopped).
  public func start() throws {
    let options =
      "-p \(port) -k \(folder.appendingPathComponent("sock").path) -c listen_addresses=127.0.0.1 "
      + settings.map { "-c \($0)" }.joined(separator: " ")
    try runTool(
      "pg_ctl",
      [
        "-D", dataPath, "-l", folder.appendingPathComponent("log").path, "-w", "-t", "60", "-o", options,
        "start",
      ])
    lock.withLock { running = true }
    try watchForProcessDeath()
  }

  /// Stops the server at once (`immediate`: like a crash, what a lost database looks like); the
  /// data stay for `start()`.
  public func kill() throws {
    try runTool("pg_ctl", ["-D", dataPath, "-m", "immediate", "-w", "-t", "60", "stop"])
    lock.withLock { running = false }
  }

  /// Stops the server if it runs and deletes its folder. Never throws: called on every path.
  public func stop() {
    let wasRunning = lock.withLock {
      defer { running = false }
      return running
    }
    if wasRunning {
      _ = try? runTool("pg_ctl", ["-D", dataPath, "-m", "immediate", "-w", "-t", "60", "stop"])
    }
    try? FileManager.default.removeItem(at: folder)
  }

  /// Runs SQL through psql and returns its output (unaligned, tuples only).
  @discardableResult
  public func psql(_ sql: String, database: String = "postgres") throws -> String {
    let result = try Self.run(
      ThrowawayPostgres.binaries + "/psql",
      [
        "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user,
        "-d", database, "-c", sql,
      ], separateErrors: true)
    guard result.status == 0 else {
      throw ThrowawayPostgresError("psql failed (\(result.status)) on \(sql): \(result.errors)")
    }
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Creates a database and returns its URL.
  public func createDatabase(_ name: String) throws -> String {
    try psql("CREATE DATABASE \(name)")
    return url(database: name)
  }

  /// Runs a PostgreSQL program (as `postgres` when root); throws with its output when it fails.
  private func runTool(_ name: String, _ arguments: [String]) throws {
    let program = ThrowawayPostgres.binaries + "/" + name
    let result =
      asPostgresUser
      ? try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
      : try Self.run(program, arguments)
    guard result.status == 0 else {
      let log = (try? String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)) ?? ""
      throw ThrowawayPostgresError("\(name) failed (\(result.status)): \(result.output)\n\(log)")
    }
  }

  /// A watcher that stops the server if this process dies before `stop()`; it exits by itself
  /// once the server's pid file is gone.
  private func watchForProcessDeath() throws {
    let script = """
      while kill -0 \(getpid()) 2>/dev/null && [ -e '\(dataPath)/postmaster.pid' ]; do sleep 0.2; done
      if [ -e '\(dataPath)/postmaster.pid' ]; then
        \(asPostgresUser ? "/usr/sbin/runuser -u postgres -- " : "")\(ThrowawayPostgres.binaries)/pg_ctl -D '\(dataPath)' -m immediate stop >/dev/null 2>&1
        rm -rf '\(folder.path)'
      fi
      """
    // Detached with setsid so it outlives this process; its output goes nowhere.
    let result = try Self.run(
      "/bin/sh", ["-c", "setsid /bin/sh -c \"$0\" </dev/null >/dev/null 2>&1 &", script])
    guard result.status == 0 else {
      throw ThrowawayPostgresError("cannot start the watcher: \(result.output)")
    }
  }

  /// Runs a program to its end: its status and output (stderr merged unless `separateErrors`).
  /// With posix_spawn and waitpid, not Foundation's `Process` (whose `waitUntilExit` can hang when
  /// called from a task); output goes to temporary files, never pipes, and no other descriptor is
  /// inherited: `pg_ctl start` leaves the server running with whatever it inherited.
  static func run(
    _ program: String, _ arguments: [String], separateErrors: Bool = false
  ) throws -> (status: Int32, output: String, errors: String) {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-pg-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    ).path
    let outputPath = base + ".out"
    let errorsPath = base + ".err"
    defer {
      unlink(outputPath)
      unlink(errorsPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    let create = O_WRONLY | O_CREAT | O_TRUNC
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, create, 0o600)
    if separateErrors {
      posix_spawn_file_actions_addopen(&actions, 2, errorsPath, create, 0o600)
    } else {
      posix_spawn_file_actions_adddup2(&actions, 1, 2)
    }
    closeFrom(3, in: &actions)
    let argv = [program] + arguments
    var cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var cEnvironment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { cEnvironment.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, program, &actions, nil, &cArguments, &cEnvironment)
    guard spawned == 0 else {
      throw ThrowawayPostgresError("cannot start \(program): errno \(spawned)")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    // WIFEXITED / WEXITSTATUS, which the Glibc module does not import as functions.
    let exited = status & 0x7f == 0
    let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    return (code, read(outputPath), separateErrors ? read(errorsPath) : "")
  }

  private typealias AddCloseFrom =
    @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

  /// Closes every descriptor from `lowest` up in the child (glibc 2.34+; looked up at run time
  /// because the Glibc module does not import it).
  private static func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
    guard
      let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { return }
    _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, lowest)
  }

  /// A port nothing listens on now (bound to 0 and released).
  public static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ThrowawayPostgresError("socket failed: errno \(errno)") }
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
    guard bound == 0 else { throw ThrowawayPostgresError("bind failed: errno \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw ThrowawayPostgresError("getsockname failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}

/// The throwaway server could not be set up.
public struct ThrowawayPostgresError: Error, CustomStringConvertible {
  /// What went wrong.
  public var description: String

  /// Creates an error.
  public init(_ description: String) { self.description = description }
}
