import ExecutionCore
import Foundation
import LanesTestSupport

/// The python stand-in for `lanes serve` (Fixtures/fake-lanes-server.py) in its own process,
/// answering what `routes` says; `stop()` kills it for sure (SIGKILL), `restart()` brings it back
/// on the same port, as a crashed and restarted server would be.
final class FakeLanesServer {
  let directory: URL
  private(set) var port = 0
  private var process: ChildProcess?

  static let script = LanesTestSupport.packageRoot
    .appendingPathComponent("Tests/LanesRemoteTests/Fixtures/fake-lanes-server.py")

  /// Starts a server answering `routes` (see the script), with `token` when given.
  init(token: String? = nil, routes: [String: Route]) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-fake-server-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try configure(token: token, routes: routes)
    try start(port: 0)
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: directory)
  }

  /// What one route answers.
  struct Route {
    var status = 200
    var body: Body
    var delayMilliseconds = 0

    enum Body {
      case json(Any)
      case file(String)
      case text(String)
    }

    static func json(_ value: Any, status: Int = 200) -> Route { Route(status: status, body: .json(value)) }
    static func file(_ name: String) -> Route { Route(body: .file(name)) }
  }

  /// The address to connect to.
  var url: String { "http://127.0.0.1:\(port)" }

  /// Replaces what the server answers (read again on every request).
  func configure(token: String? = nil, routes: [String: Route]) throws {
    var table: [String: Any] = [:]
    for (key, route) in routes {
      var entry: [String: Any] = ["status": route.status, "delay_ms": route.delayMilliseconds]
      switch route.body {
      case .json(let value): entry["json"] = value
      case .file(let name): entry["file"] = name
      case .text(let text): entry["text"] = text
      }
      table[key] = entry
    }
    let config: [String: Any] = ["token": token ?? NSNull(), "routes": table]
    let data = try JSONSerialization.data(withJSONObject: config)
    // Written whole then renamed, so a request never reads half a file.
    let temporary = directory.appendingPathComponent("routes.json.tmp")
    try data.write(to: temporary)
    try Self.rename(temporary, to: directory.appendingPathComponent("routes.json"))
  }

  /// Writes `snapshot` as the server's JSON (a plain encoder, as `lanes serve` does) to `name`.
  func write(_ snapshot: RuntimeSnapshot, to name: String = "snapshot.json") throws {
    let temporary = directory.appendingPathComponent(name + ".tmp")
    try JSONEncoder().encode(snapshot).write(to: temporary)
    try Self.rename(temporary, to: directory.appendingPathComponent(name))
  }

  /// rename(2): replaces `target` in one step, whether or not it exists.
  private static func rename(_ source: URL, to target: URL) throws {
    guard Glibc.rename(source.path, target.path) == 0 else {
      throw FakeServerError(message: "cannot rename \(source.path) to \(target.path): errno \(errno)")
    }
  }

  /// The requests received so far: method, path, Authorization header, body.
  var requests: [(method: String, path: String, authorization: String?, body: String)] {
    let text =
      (try? String(contentsOf: directory.appendingPathComponent("requests.log"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
        return nil
      }
      return (
        object["method"] as? String ?? "", object["path"] as? String ?? "",
        object["authorization"] as? String, object["body"] as? String ?? ""
      )
    }
  }

  /// Kills the server at once (SIGKILL), as a crash would.
  func stop() {
    guard let process else { return }
    process.signal(SIGKILL)
    _ = process.wait(timeout: 10)
    self.process = nil
  }

  /// Starts the server again on the same port.
  func restart() throws {
    stop()
    try start(port: port)
  }

  private func start(port: Int) throws {
    let child = try ChildProcess(
      URL(fileURLWithPath: "/usr/bin/python3"), [Self.script.path, directory.path, "\(port)"])
    process = child
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      let output = child.outputSoFar
      if let range = output.range(of: "listening on http://127.0.0.1:"),
        let end = output[range.upperBound...].firstIndex(of: "\n"),
        let number = Int(output[range.upperBound..<end])
      {
        self.port = number
        return
      }
      usleep(20_000)
    }
    let result = child.wait(timeout: 1)
    throw FakeServerError(message: "the fake server did not start: \(result.stdout) \(result.stderr)")
  }
}

struct FakeServerError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
