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
  static func run(
    _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
    timeout: TimeInterval = 120
  ) throws -> Result {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "interactive=no"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.currentDirectoryURL = directory ?? packageRoot
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    let outData = ReadAll(out.fileHandleForReading)
    let errData = ReadAll(err.fileHandleForReading)
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return Result(status: -9, stdout: outData.wait(), stderr: errData.wait())
    }
    process.waitUntilExit()
    return Result(status: process.terminationStatus, stdout: outData.wait(), stderr: errData.wait())
  }
}

/// Reads a file handle to its end on a background thread.
final class ReadAll: @unchecked Sendable {
  // Safe: `data` is written once by the reader thread before `done` is signalled, and read only
  // after `wait()` has observed that signal.
  private var data = Data()
  private let done = DispatchSemaphore(value: 0)

  init(_ handle: FileHandle) {
    Thread.detachNewThread { [self] in
      data = handle.readDataToEndOfFile()
      done.signal()
    }
  }

  func wait() -> String {
    done.wait()
    done.signal()
    return String(decoding: data, as: UTF8.self)
  }
}
