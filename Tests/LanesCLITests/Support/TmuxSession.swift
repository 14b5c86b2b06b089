import Foundation
import LanesTestSupport

/// A tmux command that could not run.
struct TmuxError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}

/// A private tmux server running one program, for end-to-end tests of the dashboard.
///
/// A private socket (never the user's tmux server), no config file, a UTF-8 locale, no interactive
/// backtraces, and polling with a deadline instead of fixed sleeps.
final class TmuxSession {
  let socket: String
  let directory: URL
  private(set) var started = false

  /// True when tmux is installed; end-to-end tests are skipped (with a message) otherwise.
  static var isAvailable: Bool {
    ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  init() throws {
    socket = "lanes-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  deinit { stop() }

  /// Ends the tmux server and the program in its pane for sure, removes the server's socket and
  /// the session's folder. Tests call it in a `defer`; deinit calls it again as a safety net.
  ///
  /// `kill-server` alone was not enough: with remain-on-exit, servers survived it and SIGTERM, and
  /// a green `swift test` left them running. So the pane's process group and the server are sent
  /// SIGKILL if they are still there after a short wait.
  func stop() {
    guard !stopped else { return }
    stopped = true
    if started {
      _ = try? tmux(["kill-server"])
      for pid in [panePID, serverPID].compactMap({ $0 }) where !exited(pid) {
        kill(-pid, SIGKILL)  // the pane's program leads its own group; a no-op for the server
        kill(pid, SIGKILL)
      }
    }
    if let socketPath { unlink(socketPath) }
    try? FileManager.default.removeItem(at: directory)
  }

  private var stopped = false
  /// The tmux server's and the pane's first process's pids, read once the session has started.
  private(set) var serverPID: pid_t?
  private(set) var panePID: pid_t?
  /// Where the server's socket is, read once the session has started.
  private(set) var socketPath: String?

  /// Whether `pid` is gone (waits up to a second for it to go).
  private func exited(_ pid: pid_t) -> Bool {
    for _ in 0..<50 {
      if kill(pid, 0) == -1, errno == ESRCH { return true }
      if let state = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = state.lastIndex(of: ")"), state[state.index(after: close)...].hasPrefix(" Z")
      {
        return true  // a zombie waiting for its parent: it runs nothing any more
      }
      usleep(20_000)
    }
    return false
  }

  /// Starts `command` (a shell command line) in a `width`×`height` window; its exit status goes
  /// to a file so `exitStatus` can read it.
  func start(_ command: String, width: Int = 120, height: Int = 40, environment: [String: String] = [:])
    throws
  {
    let rc = directory.appendingPathComponent("rc").path
    var exports = "export LANG=C.UTF-8 LC_ALL=C.UTF-8 SWIFT_BACKTRACE=interactive=no; "
    for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
      exports += value.isEmpty ? "unset \(key); " : "export \(key)='\(value)'; "
    }
    let line = "\(exports)cd '\(directory.path)'; \(command); echo $? > '\(rc)'"
    // remain-on-exit is set (for this private server) before the session exists: set afterwards, a
    // program that exits at once (TERM unset) could take its pane, and the screen, with it.
    try tmux([
      "start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";",
      "new-session", "-d", "-s", "T", "-x", "\(width)", "-y", "\(height)",
      "bash --norc --noprofile -c \(shellQuote(line))",
    ])
    started = true
    let facts = ((try? tmux(["display", "-p", "-t", "T", "#{pid} #{pane_pid} #{socket_path}"])) ?? "")
      .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 2)
    if facts.count == 3 {
      serverPID = pid_t(facts[0])
      panePID = pid_t(facts[1])
      socketPath = String(facts[2])
    }
  }

  /// The screen's text now.
  func capture(escapes: Bool = false) -> String {
    (try? tmux(["capture-pane", "-p"] + (escapes ? ["-e"] : []) + ["-t", "T"])) ?? ""
  }

  /// Waits until `predicate` holds for the screen, up to `timeout` seconds; returns the last screen.
  @discardableResult
  func waitFor(timeout: TimeInterval = 30, _ predicate: (String) -> Bool) -> (Bool, String) {
    let deadline = Date().addingTimeInterval(timeout)
    var screen = capture()
    while Date() < deadline {
      if predicate(screen) { return (true, screen) }
      usleep(100_000)
      screen = capture()
    }
    return (predicate(screen), screen)
  }

  /// Waits until the screen contains `text`.
  @discardableResult
  func waitFor(text: String, timeout: TimeInterval = 30) -> (Bool, String) {
    waitFor(timeout: timeout) { $0.contains(text) }
  }

  /// Presses keys (tmux key names: `t`, `C-c`, `Up`, `Enter`...).
  func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "T"] + keys) }

  /// Resizes the window.
  func resize(width: Int, height: Int) throws {
    try tmux(["resize-window", "-t", "T", "-x", "\(width)", "-y", "\(height)"])
  }

  /// The program's exit status once it has exited (waits up to `timeout` seconds), else nil.
  func exitStatus(timeout: TimeInterval = 15) -> Int32? {
    let rc = directory.appendingPathComponent("rc").path
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if let text = try? String(contentsOfFile: rc, encoding: .utf8),
        let status = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        return status
      }
      usleep(100_000)
    }
    return nil
  }

  /// True if the pane is in the alternate screen.
  var alternateScreenOn: Bool {
    ((try? tmux(["display", "-p", "-t", "T", "#{alternate_on}"])) ?? "").hasPrefix("1")
  }

  /// Sends a signal to the program running in the pane (its process group leader is bash).
  func signalProgram(_ signal: Int32, named name: String = "lanes") {
    let pids = (try? runTool("/usr/bin/pgrep", ["-f", "-s", paneSessionID(), name])) ?? ""
    for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, signal) }
  }

  private func paneSessionID() -> String {
    ((try? tmux(["display", "-p", "-t", "T", "#{pane_pid}"])) ?? "").trimmingCharacters(
      in: .whitespacesAndNewlines)
  }

  @discardableResult
  func tmux(_ arguments: [String]) throws -> String {
    try runTool("/usr/bin/tmux", ["-L", socket, "-f", "/dev/null"] + arguments)
  }

  /// Runs a tool and returns its stdout.
  ///
  /// Spawned with posix_spawn and reaped with waitpid, output through a file: the tmux server that
  /// `new-session` starts is a daemon that inherits the client's descriptors, which keeps a pipe
  /// (and Foundation's `Process` exit detection) open forever.
  private func runTool(_ path: String, _ arguments: [String]) throws -> String {
    let output = directory.appendingPathComponent("tool-\(UInt32.random(in: 0...UInt32.max)).out").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    let argv = ["/usr/bin/env", "-u", "TMUX", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", path] + arguments
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // Nothing else is inherited: a daemon (the tmux server) must not hold other tests' pipes.
    closeFrom(3, in: &actions)
    // The terminating signals at their defaults: one ignored in the test process (SIG_IGN survives
    // exec) must not make a tmux server immune to it. Only these: resetting every signal (glibc's
    // internal ones included) broke the servers' output.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var terminating = sigset_t()
    sigemptyset(&terminating)
    for number in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&terminating, number) }
    posix_spawnattr_setsigdefault(&attributes, &terminating)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
    var cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, environ)
    guard status == 0 else { throw TmuxError(message: "cannot run \(path): errno \(status)") }
    var exitStatus: Int32 = 0
    while waitpid(pid, &exitStatus, 0) == -1, errno == EINTR {}
    return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
  }

  private func shellQuote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
