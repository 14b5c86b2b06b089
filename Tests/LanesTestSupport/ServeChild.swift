import Foundation

/// `lanes serve` as a child process listening on a port the kernel chose (`127.0.0.1:0`), found
/// in its startup line: what the kill -9 tests (SQLite) and the cluster tests (PostgreSQL) drive.
public final class ServeChild {
  /// The running `lanes serve`.
  public let child: ChildProcess
  /// The port it listens on.
  public let port: Int
  private var ended: ChildProcess.Result?

  /// Starts `lanes serve` with `arguments` (the workflow file, `--store …`, and so on; the listen
  /// address and a 2 s drain are added) and waits for it to listen; throws `ServeFailure` with its
  /// standard error when it ends (or is killed after 30 s) before it listens.
  public init(_ arguments: [String], directory: URL) async throws {
    child = try ChildProcess(
      ChildProcess.builtProduct("lanes"),
      ["serve"] + arguments + ["--listen", "127.0.0.1:0", "--drain", "2s"], directory: directory)
    var found: Int?
    let child = child
    _ = await eventually(within: .seconds(30)) {
      guard
        let range = child.errorSoFar.range(
          of: #"address=http://127\.0\.0\.1:(\d+)"#, options: .regularExpression)
      else { return !isRunning(child.pid) }
      found = Int(child.errorSoFar[range].split(separator: ":").last!)
      return true
    }
    guard let found else {
      child.signal(SIGKILL)
      let result = child.wait(timeout: 10)
      ended = result
      throw ServeFailure(
        description: "lanes serve did not listen (status \(result.status)): \(result.stderr)")
    }
    port = found
  }

  /// Starts the server; nil (after reaping it) when it ended before it listened.
  public static func startOrEnd(_ arguments: [String], directory: URL) async throws -> ServeChild? {
    do {
      return try await ServeChild(arguments, directory: directory)
    } catch is ServeFailure {
      return nil
    }
  }

  /// POSTs a run of `workflow` to the server on `port`: the status (nil when nothing answered
  /// within `timeout` seconds) and the run id when it was 200.
  ///
  /// Over a plain socket on a thread of its own, not URLSession: cancelling the task of an
  /// in-flight `URLSession.data(for:)` can deadlock FoundationNetworking on Linux (seen: both
  /// cooperative threads stuck, one in `URLSessionTask.cancel`, one resuming the request), and the
  /// load here is cancelled with requests in flight at every kill.
  public static func post(_ workflow: String, port: Int, timeout: Int = 5) async -> (
    status: Int?, run: String?
  ) {
    guard
      let reply = try? await RawHTTP(port: port).send(
        "POST", "/v1/workflows/\(workflow)/runs", body: "{}", timeout: timeout)
    else { return (nil, nil) }
    return (reply.status, reply.status == 200 ? reply.json["run"] as? String : nil)
  }

  /// Sends `number` unless the process was reaped (its pid may be another process's by then).
  public func signal(_ number: Int32) {
    if ended == nil { child.signal(number) }
  }

  /// SIGKILL, once (after SIGCONT, in case it is stopped), and reaps it.
  public func kill9() {
    guard ended == nil else { return }
    child.signal(SIGCONT)
    child.signal(SIGKILL)
    ended = child.wait(timeout: 10)
  }

  /// SIGTERM (after SIGCONT, in case it is stopped) and its result, waiting up to 20 s.
  public func stop() -> ChildProcess.Result {
    if let ended { return ended }
    child.signal(SIGCONT)
    child.signal(SIGTERM)
    let result = child.wait(timeout: 20)
    ended = result
    return result
  }

  deinit { kill9() }
}

/// A `lanes serve` that did not start listening, with what it said.
public struct ServeFailure: Error, CustomStringConvertible {
  /// The status and standard error.
  public var description: String

  /// A failure saying `description`.
  public init(description: String) { self.description = description }
}
