import Foundation

/// A program the tests run as a child process, the way a user would run it.
///
/// Spawned with posix_spawn, its output written to files and its exit taken with waitpid, every
/// descriptor above 2 closed in the child: other tests in the same process start long-lived
/// children (servers, tmux) that could inherit the write end of a pipe and keep it open, so
/// reading a pipe to its end (what `Process` with a `Pipe` does) could wait forever.
public final class ChildProcess {
  /// What a finished process left behind.
  public struct Result: Sendable {
    /// The exit status, or 128 + the signal's number as a shell reports it; -9 when the test's
    /// timeout killed it.
    public var status: Int32
    /// Everything it wrote to standard output (and standard error too, when they were merged).
    public var stdout: String
    /// Everything it wrote to standard error ("" when merged into stdout).
    public var stderr: String
  }

  /// How the child's standard streams are connected.
  public enum Streams: Sendable {
    /// stdout and stderr to separate files (the default).
    case separate
    /// stdout and stderr to the same file, in the order they were written.
    case merged
    /// stdout to a full device (/dev/full), stderr to a file.
    case stdoutFull
    /// stdout to a file, stderr closed.
    case stderrClosed
    /// stdout closed, stderr to a file.
    case stdoutClosed
  }

  /// The child's pid.
  public let pid: pid_t
  private let folder: URL
  private let merged: Bool
  private var finished: Result?

  /// Starts `executable` with `arguments` in `directory`, no standard input, and the environment
  /// of the tests plus `environment` (Swift's backtracer is told not to wait for a key).
  public init(
    _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
    directory: URL? = nil, streams: Streams = .separate
  ) throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-child-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    merged = streams == .merged
    let outPath = folder.appendingPathComponent("stdout").path
    let errPath = folder.appendingPathComponent("stderr").path

    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "interactive=no"
    for (key, value) in environment { env[key] = value }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    let create = O_WRONLY | O_CREAT | O_TRUNC
    switch streams {
    case .separate:
      posix_spawn_file_actions_addopen(&actions, 1, outPath, create, 0o600)
      posix_spawn_file_actions_addopen(&actions, 2, errPath, create, 0o600)
    case .merged:
      posix_spawn_file_actions_addopen(&actions, 1, outPath, create, 0o600)
      posix_spawn_file_actions_adddup2(&actions, 1, 2)
    case .stdoutFull:
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/full", O_WRONLY, 0)
      posix_spawn_file_actions_addopen(&actions, 2, errPath, create, 0o600)
    case .stderrClosed:
      posix_spawn_file_actions_addopen(&actions, 1, outPath, create, 0o600)
      posix_spawn_file_actions_addclose(&actions, 2)
    case .stdoutClosed:
      posix_spawn_file_actions_addclose(&actions, 1)
      posix_spawn_file_actions_addopen(&actions, 2, errPath, create, 0o600)
    }
    // Nothing else is inherited, so no child of the program can hold another test's pipes open.
    closeFrom(3, in: &actions)
    // The child changes to the folder itself (posix_spawn has no portable chdir action here).
    let cwd = (directory ?? LanesTestSupport.packageRoot).path
    let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd, executable.path] + arguments
    var cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var cEnvironment = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { cEnvironment.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, &cEnvironment)
    guard spawned == 0 else {
      try? FileManager.default.removeItem(at: folder)
      throw SpawnError(program: executable.path, errno: spawned)
    }
    self.pid = pid
  }

  deinit {
    if finished == nil {
      kill(pid, SIGKILL)
      var status: Int32 = 0
      while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    }
    try? FileManager.default.removeItem(at: folder)
  }

  /// What the child has written to standard output so far.
  public var outputSoFar: String {
    (try? String(contentsOfFile: folder.appendingPathComponent("stdout").path, encoding: .utf8)) ?? ""
  }

  /// What the child has written to standard error so far ("" when merged into stdout).
  public var errorSoFar: String {
    (try? String(contentsOfFile: folder.appendingPathComponent("stderr").path, encoding: .utf8)) ?? ""
  }

  /// Sends `signal` to the child.
  public func signal(_ number: Int32) { kill(pid, number) }

  /// Waits for the child to exit, at most `timeout` seconds (then kills it: status -9).
  public func wait(timeout: TimeInterval = 120) -> Result {
    if let finished { return finished }
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
    let stdout = outputSoFar
    let stderr =
      merged
      ? ""
      : (try? String(contentsOfFile: folder.appendingPathComponent("stderr").path, encoding: .utf8)) ?? ""
    // Decoded by hand: WIFEXITED and friends are macros Swift cannot import.
    let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let result = Result(status: exited ? code : -9, stdout: stdout, stderr: stderr)
    finished = result
    return result
  }

  /// Runs `executable` to its end (at most `timeout` seconds) and returns what it left behind.
  public static func run(
    _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
    directory: URL? = nil, streams: Streams = .separate, timeout: TimeInterval = 120
  ) throws -> Result {
    try ChildProcess(executable, arguments, environment: environment, directory: directory, streams: streams)
      .wait(timeout: timeout)
  }

  /// An executable SwiftPM built next to the test bundle (it builds the products the test target
  /// depends on), e.g. `lanes` or `EmbeddingExample`.
  public static func builtProduct(_ name: String) -> URL {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = exe.deletingLastPathComponent()
    // The test bundle may be a folder (`*.xctest/...`); walk up until a sibling `name` exists.
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory.deleteLastPathComponent()
    }
    return exe.deletingLastPathComponent().appendingPathComponent(name)
  }

  /// The package's root folder (for examples/ and fixtures).
  public static var packageRoot: URL { LanesTestSupport.packageRoot }
}

/// The package's root folder.
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// posix_spawn failed.
public struct SpawnError: Error, CustomStringConvertible {
  /// The program that could not be started.
  public let program: String
  /// posix_spawn's error number.
  public let errno: Int32
  /// For people.
  public var description: String { "cannot start \(program): errno \(errno)" }
}

private typealias AddCloseFrom =
  @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

/// Closes every descriptor from `lowest` up in the child (glibc 2.34+), so a long-lived child
/// such as a tmux server never holds another test's pipe open. Looked up at run time because
/// the Glibc module does not import it.
public func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
  guard
    let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
  else { return }
  let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
  _ = addCloseFrom(&actions, lowest)
}
