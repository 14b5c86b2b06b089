import ExecutionCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Serving a runtime over HTTP: `LanesServer.start` for a whole server on its own port (what
/// `lanes serve` runs), `LanesAPI.addRoutes(to:)` to mount the routes into a service's own
/// Hummingbird router.
///
/// ```swift
/// let metrics = LanesMetrics(topology: topology)
/// let runtime = try Runtime(topology: topology, options: RuntimeOptions(keptRuns: 1000, observer: metrics))
/// runtime.start()
/// let server = try await LanesServer.start(runtime, metrics: metrics, port: 7700)
/// // ... later, on SIGTERM:
/// let summary = await server.stop(drain: .seconds(30))
/// ```
public enum LanesServer {
  /// Connections served at once; more wait in the listen backlog.
  public static let defaultMaxConnections = 512

  /// Starts serving `runtime` on `host:port` (port 0: any free port; `RunningServer.port` says
  /// which) and returns once the socket is bound. Throws if it cannot bind.
  public static func start(
    _ runtime: Runtime, metrics: LanesMetrics? = nil, host: String = "127.0.0.1", port: Int,
    options: ServerOptions = ServerOptions(), maxConnections: Int = LanesServer.defaultMaxConnections
  ) async throws -> RunningServer {
    let api = LanesAPI(runtime: runtime, metrics: metrics, options: options)
    let router = Router(context: BasicRequestContext.self)
    api.addRoutes(to: router)
    let bound = BoundSignal()
    // Header limits well under Hummingbird's 80 KiB defaults: the API's requests carry a token
    // and a few standard fields; the body limits are per route (see `LanesAPI`).
    let http = HTTP1Channel.Configuration(
      idleTimeout: .nanoseconds(Int64(options.idleTimeout.apiSeconds * 1e9)),
      httpDecoderConfiguration: .init(
        maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100))
    var quiet = options.logger
    // Hummingbird logs a cancelled connection wait as an error at every stop: not news.
    quiet.logLevel = .critical
    let app = Application(
      router: router, server: .http1(configuration: http),
      configuration: ApplicationConfiguration(
        address: .hostname(host, port: port), serverName: "lanes",
        availableConnectionsDelegate: MaximumAvailableConnections(maxConnections)),
      onServerRunning: { channel in bound.set(channel.localAddress?.port ?? port) },
      logger: quiet)
    let task = Task {
      do {
        try await app.run()
        bound.end(nil)
      } catch {
        bound.end(error)
        throw error
      }
    }
    let boundPort: Int
    do {
      boundPort = try await bound.wait()
    } catch {
      task.cancel()
      throw error
    }
    let server = RunningServer(api: api, task: task, host: host, port: boundPort)
    options.logger.notice(
      "listening",
      metadata: [
        "address": .string("http://\(host.contains(":") ? "[\(host)]" : host):\(boundPort)"),
        "token": .stringConvertible(options.token != nil), "readOnly": .stringConvertible(options.readOnly),
        "workflows": .string(api.workflows.joined(separator: ",")),
      ])
    return server
  }

  /// Serves `runtime` on `host:port` until the calling task is cancelled, then stops as
  /// `RunningServer.stop(drain:)` does. The few-lines way for a service that embeds Lanes.
  public static func serve(
    _ runtime: Runtime, metrics: LanesMetrics? = nil, host: String = "127.0.0.1", port: Int,
    options: ServerOptions = ServerOptions(), drain: Duration = .seconds(30)
  ) async throws {
    let server = try await start(runtime, metrics: metrics, host: host, port: port, options: options)
    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    _ = await server.stop(drain: drain)
  }
}

/// A server `LanesServer.start` started.
public final class RunningServer: Sendable {
  /// The API it serves.
  public let api: LanesAPI
  /// The address it listens on.
  public let host: String
  /// The port it listens on (the real one when 0 was asked for).
  public let port: Int
  let task: Task<Void, any Error>
  let logTail: Task<Void, Never>

  init(api: LanesAPI, task: Task<Void, any Error>, host: String, port: Int) {
    self.api = api
    self.task = task
    self.host = host
    self.port = port
    self.logTail = Task { await RunningServer.tailEvents(api.runtime, logger: api.options.logger) }
  }

  /// Logs every runtime event (run failures, dead letters, pauses, mode changes, ...) as it is
  /// added, one line each, at a level by its severity.
  static func tailEvents(_ runtime: Runtime, logger: Logger) async {
    var last = runtime.lastEventSequence
    while !Task.isCancelled {
      try? await Task.sleep(for: .milliseconds(200))
      for event in runtime.events(after: last) {
        last = event.sequence
        let level: Logger.Level =
          switch event.severity {
          case .error: .error
          case .warning: .warning
          case .info: .notice
          }
        logger.log(
          level: level, "\(event.message)",
          metadata: ["event": .string(event.kind.rawValue), "sequence": .stringConvertible(event.sequence)])
      }
    }
  }

  /// Stops: new runs get 503 at once; runs in flight answer (waiting up to `drain`); background
  /// work drains for what is left of `drain`; then the listener closes. Returns what was left.
  public func stop(drain: Duration) async -> ShutdownSummary {
    let began = ContinuousClock.now
    api.beginShutdown()
    let unanswered = await api.waitForAnswers(timeout: drain)
    let left = max(.zero, drain - (ContinuousClock.now - began))
    let queuedBefore = api.runtime.snapshot(fresh: true).queues.reduce(0) { $0 + $1.depth }
    let report = await api.runtime.shutdown(deadline: left)
    task.cancel()
    _ = try? await task.value
    logTail.cancel()
    await logTail.value
    var summary = ShutdownSummary(
      runsUnanswered: unanswered, runsCancelled: report.runsCancelled, stepsLost: report.stepsCancelled,
      stepsHeldAtStop: queuedBefore, settledInTime: report.settledInTime)
    summary.stepsKept = report.stepsKept
    summary.storeName = api.runtime.storeName
    let logger = api.options.logger
    let metadata: Logger.Metadata = [
      "stepsLost": .stringConvertible(summary.stepsLost),
      "runsCancelled": .stringConvertible(summary.runsCancelled),
      "runsUnanswered": .stringConvertible(summary.runsUnanswered),
    ]
    if summary.stepsLost > 0 || summary.runsCancelled > 0 {
      logger.error("shutdown: \(summary.sentence)", metadata: metadata)
    } else {
      logger.notice("shutdown: \(summary.sentence)", metadata: metadata)
    }
    return summary
  }
}

/// What a server's stop had to leave behind.
public struct ShutdownSummary: Sendable, Hashable {
  /// Runs started over HTTP that had not answered when the drain time ran out.
  public var runsUnanswered: Int
  /// Runs the runtime's shutdown had to cancel.
  public var runsCancelled: Int
  /// Background steps cancelled (queued, waiting to retry or running): with the in-memory
  /// store they are lost.
  public var stepsLost: Int
  /// Background steps the queues held when the drain began.
  public var stepsHeldAtStop: Int
  /// With a durable store: background steps not finished, kept in it for the next process.
  public var stepsKept = 0
  /// The durable store's name (nil: in memory).
  public var storeName: String?
  /// True if every run settled within the drain time.
  public var settledInTime: Bool

  /// A sentence for the log and the terminal.
  public var sentence: String {
    if let storeName {
      // With a durable store nothing acknowledged is lost: say what stayed in the store and what
      // the callers did not get, never "in memory".
      if stepsKept == 0 && runsCancelled == 0 && runsUnanswered == 0 {
        return "clean: every run answered and every background step in \(storeName) finished"
      }
      return
        "kept \(stepsKept) background step\(stepsKept == 1 ? "" : "s") in \(storeName) (they run when it opens again), cancelled \(runsCancelled) run\(runsCancelled == 1 ? "" : "s"), \(runsUnanswered) HTTP run\(runsUnanswered == 1 ? "" : "s") unanswered"
    }
    if stepsLost == 0 && runsCancelled == 0 && runsUnanswered == 0 {
      return
        "clean: every run answered and every background step finished (\(stepsHeldAtStop) were held at the stop)"
    }
    return
      "LOST \(stepsLost) background step\(stepsLost == 1 ? "" : "s") (the store is in memory: they will not run), cancelled \(runsCancelled) run\(runsCancelled == 1 ? "" : "s"), \(runsUnanswered) HTTP run\(runsUnanswered == 1 ? "" : "s") unanswered; raise --drain to give them longer"
  }
}

/// The port the listener bound, handed from Hummingbird's `onServerRunning` to `start`, or how
/// the server ended before it listened.
final class BoundSignal: Sendable {
  private enum State {
    case waiting
    case bound(Int)
    case ended(String)
  }
  private let state = Mutex(State.waiting)

  func set(_ value: Int) { state.withLock { $0 = .bound(value) } }

  func end(_ error: (any Error)?) {
    state.withLock { state in
      if case .waiting = state { state = .ended(error.map { "\($0)" } ?? "it stopped before it listened") }
    }
  }

  /// Waits until the port is set; throws if the server ended first.
  func wait() async throws -> Int {
    while true {
      switch state.withLock({ $0 }) {
      case .bound(let port): return port
      case .ended(let why): throw ServerError("the server could not listen: \(why)")
      case .waiting: try await Task.sleep(for: .milliseconds(5))
      }
    }
  }
}

/// A server failure with a message for people.
public struct ServerError: Error, CustomStringConvertible {
  /// The message.
  public var description: String
  /// Creates an error.
  public init(_ description: String) { self.description = description }
}
