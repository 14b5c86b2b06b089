import Foundation

/// The built `lanes` executable, run as a child process the way a user would run it.
enum LanesBinary {
  /// What a finished process left behind.
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The `lanes` binary next to the test bundle (SwiftPM builds it because the test target
  /// depends on it).
  static var url: URL {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = exe.deletingLastPathComponent()
    // The test bundle may be a folder (`*.xctest/...`); walk up until a sibling `lanes` exists.
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("lanes")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory.deleteLastPathComponent()
    }
    return exe.deletingLastPathComponent().appendingPathComponent("lanes")
  }

  /// The package's root folder (for examples/ and fixtures).
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
  }

  /// Runs `lanes` with `arguments`, no standard input, and waits at most `timeout` seconds
  /// (then kills it and reports status -9).
  ///
  /// Spawned with posix_spawn, its output written to files and its exit taken with waitpid: other
  /// tests in this process start long-lived children (servers, tmux) that could inherit the write
  /// end of a pipe and keep it open, so reading a pipe to its end could wait forever.
  static func run(
    _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
    timeout: TimeInterval = 120
  ) throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outPath = folder.appendingPathComponent("stdout").path
    let errPath = folder.appendingPathComponent("stderr").path

    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "interactive=no"
    for (key, value) in environment { env[key] = value }
    let cwd = (directory ?? packageRoot).path

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    // Nothing else is inherited, so no child of lanes can hold another test's pipes open.
    SpawnSupport.closeFrom(3, in: &actions)
    // The child changes to `cwd` itself (posix_spawn has no portable chdir action here).
    let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd, url.path] + arguments
    var cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var cEnvironment = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { cEnvironment.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, &cEnvironment)
    guard spawned == 0 else { throw SpawnError(errno: spawned) }

    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(timeout)
    var exited = false
    while Date() < deadline {
      let result = waitpid(pid, &status, WNOHANG)
      if result == pid {
        exited = true
        break
      }
      if result == -1, errno != EINTR { break }
      usleep(20_000)
    }
    if !exited {
      kill(pid, SIGKILL)
      while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    }
    let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    guard exited else { return Result(status: -9, stdout: stdout, stderr: stderr) }
    // Exit status, or 128 + signal as a shell reports it.
    let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return Result(status: code, stdout: stdout, stderr: stderr)
  }
}

/// posix_spawn failed.
struct SpawnError: Error, CustomStringConvertible {
  let errno: Int32
  var description: String { "cannot start lanes: errno \(errno)" }
}
