import Foundation
import LanesTestSupport

/// The built `lanes` executable, run as a child process the way a user would run it.
enum LanesBinary {
  /// What a finished process left behind.
  typealias Result = ChildProcess.Result

  /// The `lanes` binary next to the test bundle (SwiftPM builds it because the test target
  /// depends on it).
  static var url: URL { ChildProcess.builtProduct("lanes") }

  /// The package's root folder (for examples/ and fixtures).
  static var packageRoot: URL { LanesTestSupport.packageRoot }

  /// Runs `lanes` with `arguments`, no standard input, in `directory` (the package's root by
  /// default), and waits at most `timeout` seconds (then kills it and reports status -9).
  static func run(
    _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
    streams: ChildProcess.Streams = .separate, timeout: TimeInterval = 120
  ) throws -> Result {
    try ChildProcess.run(
      url, arguments, environment: environment, directory: directory, streams: streams, timeout: timeout)
  }

  /// Starts `lanes` with `arguments` and returns at once (for tests that signal it).
  static func start(_ arguments: [String], directory: URL? = nil) throws -> ChildProcess {
    try ChildProcess(url, arguments, directory: directory)
  }
}
