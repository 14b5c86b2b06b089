import ArgumentParser
import DashboardHost
import ExecutionCore
import Foundation
import LanesServer
import Logging

/// `lanes serve`: run workflows and serve them over HTTP (runs with data, snapshot, events,
/// metrics, control) until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run workflows as a service: an HTTP API, Prometheus metrics and server-sent events.",
    discussion: """
      Runs come from POST /v1/workflows/NAME/runs (and from the files' load: sections with --load). \
      Binds 127.0.0.1:7700 by default; any other address needs --token-file. SIGTERM or SIGINT \
      stops taking runs (503), lets runs in flight answer, drains background work for up to \
      --drain and says how many queued steps it had to leave. The API: GET /v1/openapi.yaml.
      """
  )

  @Argument(help: "Workflow files or built-in names (see `lanes workflows`). Default: all built-in.")
  var workflows: [String] = []

  @Option(
    help: "Address and port to listen on, e.g. 127.0.0.1:7700, [::1]:7700 or 0.0.0.0:7700 (port 0: any).")
  var listen: String = "127.0.0.1:7700"

  @Option(help: "A file holding the bearer token every request must carry (needed off loopback).")
  var tokenFile: String?

  @Flag(help: "Refuse every control route (pause, mode, rate, trigger, redrive, ...) with 403.")
  var readOnly = false

  @Flag(
    help:
      "Start each workflow's synthetic load (its file's load: section); otherwise runs come from HTTP only.")
  var load = false

  @Option(
    help: "How long shutdown waits for runs in flight and background work (default: 30s).",
    transform: OptionParsing.positiveDuration)
  var drain: Duration = .seconds(30)

  @Option(help: "text (default) or json (one object per line, for log collectors).")
  var logFormat: LogFormat = .text

  @Option(
    parsing: .unconditional,
    help: "Runs in flight beyond which new runs get 429 (default: 10000).",
    transform: OptionParsing.runCount)
  var maxInFlight: Int = 10_000

  @OptionGroup var runtimeFlags: RuntimeFlags

  @OptionGroup var storeFlags: StoreFlags

  enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
  }

  func run() async throws {
    let (host, port) = try Self.parseListen(listen)
    let token = try tokenFile.map(Self.readToken)
    if token == nil && !Self.isLoopback(host) {
      Loading.printError(
        "lanes serve: --listen \(listen) is not a loopback address, and anyone who can reach it could run and control workflows. Pass --token-file FILE (a file holding a secret token), or listen on 127.0.0.1."
      )
      throw ExitCode(64)
    }
    let format = logFormat
    LoggingSystem.bootstrap { label in
      switch format {
      case .json: return JSONLogHandler(label: label)
      case .text: return StreamLogHandler.standardError(label: label)
      }
    }
    let logger = Logger(label: "lanes.server")
    let topology = try Loading.topology(workflows)
    // A service keeps its background work across restarts by default.
    // A cluster's nodes show each other this address; a kernel-chosen port (0) is not known yet.
    let store = try storeFlags.make(
      command: "serve", defaultStore: "sqlite:lanes.db", apiAddress: port == 0 ? nil : listen)
    let metrics = LanesMetrics(topology: topology, clusterWide: store is any ClusterStore)
    let options = RuntimeOptions(
      seed: runtimeFlags.seed, maxRunsInFlight: maxInFlight, startLoad: load,
      backgroundShare: runtimeFlags.backgroundShare, keptRuns: 1000, observer: metrics, store: store)
    let runtime = try Loading.runtime(topology, options: options)
    try await StoreFlags.open(runtime, command: "serve", announce: true)
    // Watched before anything runs, so a signal during startup still stops cleanly.
    let signals = SignalWatch(keepIgnored: true)
    defer { signals.cancel() }
    let stop = AsyncStream<Int32>.makeStream()
    signals.onSignal { stop.continuation.yield($0) }
    runtime.start()
    let server: RunningServer
    do {
      server = try await LanesServer.start(
        runtime, metrics: metrics, host: host, port: port,
        options: ServerOptions(token: token, readOnly: readOnly, logger: logger))
    } catch {
      Loading.printError("lanes serve: cannot listen on \(listen): \(error)")
      _ = await runtime.shutdown(deadline: .zero)
      throw ExitCode(1)
    }
    var number: Int32 = SIGTERM
    for await received in stop.stream {
      number = received
      break
    }
    logger.notice(
      "stopping",
      metadata: [
        "signal": .string(SignalWatch.name(of: number)), "drain": .string(DurationText.format(drain)),
      ])
    let summary = await server.stop(drain: drain)
    if summary.stepsLost > 0 || summary.runsCancelled > 0 || summary.runsUnanswered > 0
      || summary.stepsKept > 0
    {
      Loading.printError("lanes serve: \(summary.sentence)")
    }
  }

  /// `HOST:PORT`, `[V6]:PORT`, or `:PORT` (loopback) into a host and a port.
  static func parseListen(_ text: String) throws -> (String, Int) {
    func fail() -> ValidationError {
      ValidationError(
        "--listen '\(text)': expected HOST:PORT, e.g. 127.0.0.1:7700, [::1]:7700 or 0.0.0.0:7700 (port 0 to 65535)"
      )
    }
    var host: Substring
    let portText: Substring
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
        throw fail()
      }
      host = text[text.index(after: text.startIndex)..<close]
      portText = text[text.index(close, offsetBy: 2)...]
    } else {
      guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { throw fail() }
      host = text[..<colon]
      portText = text[text.index(after: colon)...]
    }
    if host.isEmpty { host = "127.0.0.1" }
    guard let port = Int(portText), (0...65535).contains(port) else { throw fail() }
    return (String(host), port)
  }

  /// True for addresses only this machine reaches.
  static func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host.hasPrefix("127.")
  }

  /// The token in `path` (surrounding whitespace removed); exits 64 if unreadable or empty.
  static func readToken(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      Loading.printError(
        "lanes serve: --token-file \(path): cannot read it; give a readable file holding the token")
      throw ExitCode(64)
    }
    let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard !token.isEmpty else {
      Loading.printError("lanes serve: --token-file \(path): the file is empty; put a secret token in it")
      throw ExitCode(64)
    }
    return token
  }
}
