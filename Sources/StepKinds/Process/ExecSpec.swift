/// A process step: what to run, in which environment, and how to stop it.
public struct ExecSpec: Sendable, Hashable {
  /// What to run: a program with arguments, or a line for `/bin/sh -c`.
  public enum Command: Sendable, Hashable {
    /// `arguments[0]` is the program (looked up in `PATH` if it has no `/`); no shell is involved.
    case arguments([String])
    /// Run with `/bin/sh -c`, so pipes, `&&`, `trap` and globbing work.
    case shell(String)
  }

  /// What to run.
  public var command: Command
  /// Variables added to (or replacing those of) the current environment.
  public var env: [String: String]
  /// The working directory; the current one if nil.
  public var cwd: String?
  /// How long a cancelled process group has between SIGTERM and SIGKILL.
  public var killGrace: Duration
  /// How many of the last lines of output a failure message carries.
  public var tailLines: Int

  /// Creates a process step from a command.
  public init(
    command: Command, env: [String: String] = [:], cwd: String? = nil,
    killGrace: Duration = .seconds(2), tailLines: Int = 20
  ) {
    self.command = command
    self.env = env
    self.cwd = cwd
    self.killGrace = killGrace
    self.tailLines = tailLines
  }

  /// Runs `arguments[0]` with the rest as its arguments, without a shell.
  public init(
    arguments: [String], env: [String: String] = [:], cwd: String? = nil,
    killGrace: Duration = .seconds(2), tailLines: Int = 20
  ) {
    self.init(command: .arguments(arguments), env: env, cwd: cwd, killGrace: killGrace, tailLines: tailLines)
  }

  /// Runs `shell` with `/bin/sh -c`.
  public init(
    shell: String, env: [String: String] = [:], cwd: String? = nil,
    killGrace: Duration = .seconds(2), tailLines: Int = 20
  ) {
    self.init(command: .shell(shell), env: env, cwd: cwd, killGrace: killGrace, tailLines: tailLines)
  }

  /// The argument vector handed to `posix_spawnp`.
  var argv: [String] {
    switch command {
    case .arguments(let arguments): return arguments
    case .shell(let line): return ["/bin/sh", "-c", line]
    }
  }
}
