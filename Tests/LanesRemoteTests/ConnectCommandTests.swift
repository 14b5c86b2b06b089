import Foundation
import LanesTestSupport
import Testing

/// `lanes dashboard --connect` as a user runs it: what it says and how it exits when it cannot
/// attach, and its status lines when standard output is not a terminal.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConnectCommandTests {
  static var lanes: URL { ChildProcess.builtProduct("lanes") }

  func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> ChildProcess.Result {
    try ChildProcess.run(
      Self.lanes, ["dashboard"] + arguments, environment: ["TERM": "xterm"], timeout: timeout)
  }

  @Test func nothingListeningExits2WithAMessage() async throws {
    let server = try await Fixtures.server()
    let url = server.url
    server.stop()
    let result = try run(["--connect", url])
    #expect(result.status == 2)
    #expect(result.stderr.contains("lanes: cannot reach the lanes server at 127.0.0.1:"), "\(result.stderr)")
    #expect(result.stderr.contains("connection refused"))
  }

  @Test func aWrongTokenExits2WithAMessage() async throws {
    let server = try await Fixtures.server(token: "right")
    let file = server.directory.appendingPathComponent("token")
    try "wrong\n".write(to: file, atomically: true, encoding: .utf8)
    let result = try run(["--connect", server.url, "--token-file", file.path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("refused the token (401)"), "\(result.stderr)")
    #expect(server.requests.first?.authorization == "Bearer wrong", "the trailing newline is not sent")
  }

  @Test func anIncompatibleServerExits2WithAMessage() async throws {
    let server = try await Fixtures.server(extra: ["GET /v1/info": .json(Fixtures.info(api: 7))])
    let result = try run(["--connect", server.url])
    #expect(result.status == 2)
    #expect(
      result.stderr.contains("speaks API version 7 (lanes test); this lanes speaks version 1"),
      "\(result.stderr)")
  }

  @Test func anUnusableTokenFileExits64() async throws {
    let server = try await Fixtures.server(token: "right")
    let empty = server.directory.appendingPathComponent("empty")
    try "\n".write(to: empty, atomically: true, encoding: .utf8)
    var result = try run(["--connect", server.url, "--token-file", empty.path])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--token-file \(empty.path): the file is empty"), "\(result.stderr)")
    result = try run(["--connect", server.url, "--token-file", "/nonexistent/token"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--token-file /nonexistent/token: cannot read it"), "\(result.stderr)")
    #expect(server.requests.isEmpty, "nothing is sent without a usable token")
  }

  @Test func withoutATerminalItPrintsStatusLinesNamingTheServer() async throws {
    let server = try await Fixtures.server(token: "right")
    let file = server.directory.appendingPathComponent("token")
    try "right\n".write(to: file, atomically: true, encoding: .utf8)
    let result = try run(["--connect", server.url, "--token-file", file.path, "--duration", "1s"])
    #expect(result.status == 0, "\(result.stderr)")
    let final = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(
      final.hasPrefix("final (duration reached): [server 127.0.0.1:\(server.port), updated "), "\(final)")
    #expect(final.contains("chat 2 runs"))
    #expect(final.contains("queue history"))

    let json = try run([
      "--connect", server.url, "--token-file", file.path, "--duration", "1s", "--status-format", "json",
    ])
    let last = json.stdout.split(separator: "\n").last.map { Data($0.utf8) } ?? Data()
    let object = try JSONSerialization.jsonObject(with: last) as? [String: Any]
    let link = object?["server"] as? [String: Any]
    #expect(link?["address"] as? String == "127.0.0.1:\(server.port)", "\(json.stdout)")
    #expect(link?["stale"] as? Bool == false)
  }

  @Test func flagsForALocalRuntimeAreRefusedWithConnect() throws {
    // Port 9 (discard) has nothing listening: a flag let through would end in "cannot reach" and 2.
    var result = try run(["--connect", "127.0.0.1:9", "--mode", "all-sync"])
    #expect(result.status == 64)
    #expect(
      result.stderr.contains(
        "--mode cannot go with --connect: it sets up a runtime this dashboard would run itself"),
      "\(result.stderr)")
    #expect(result.stderr.contains("press m in the dashboard"))
    result = try run(["--connect", "127.0.0.1:9", "--seed", "7", "--background-share", "0.1"])
    #expect(result.status == 64)
    #expect(
      result.stderr.contains("--seed, --background-share cannot go with --connect: they set up a runtime"),
      "\(result.stderr)")
    #expect(result.stderr.contains("give --seed and --background-share to `lanes serve`"))
    // Without --connect they still set up the local runtime.
    let local = try ChildProcess.run(
      Self.lanes, ["dashboard", "--seed", "7", "--mode", "all-sync", "--duration", "1s"],
      environment: ["TERM": "xterm"], timeout: 60)
    #expect(local.status == 0, "\(local.stderr)")
    #expect(local.stdout.contains("ALL-SYNC") || local.stdout.contains("all-sync"), "\(local.stdout)")
  }
}
