import Foundation

/// A tmux command that could not run.
struct TmuxError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}

/// A private tmux server running one program, for end-to-end tests of the dashboard.
///
/// Follows shared/guides/terminal.md: a private socket, no config, UTF-8 locale, no interactive
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

  /// Ends the tmux server (and with it the program) and removes the session's folder. Tests call
  /// it in a `defer`; deinit calls it again as a safety net.
  func stop() {
    guard !stopped else { return }
    stopped = true
    _ = try? tmux(["kill-server"])
    try? FileManager.default.removeItem(at: directory)
  }

  private var stopped = false

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
      "new-session", "-d", "-s", "T", "-x", "\(width)", "-y", "\(height)", "bash --norc --noprofile -c \(shellQuote(line))",
    ])
    started = true
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
    ((try? tmux(["display", "-p", "-t", "T", "#{pane_pid}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
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
    SpawnSupport.closeFrom(3, in: &actions)
    var cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
    guard status == 0 else { throw TmuxError(message: "cannot run \(path): errno \(status)") }
    var exitStatus: Int32 = 0
    while waitpid(pid, &exitStatus, 0) == -1, errno == EINTR {}
    return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
  }

  private func shellQuote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
