import ExecutionCore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// A few connections to one database, each operation bounded by a deadline.
///
/// Not PostgresNIO's `PostgresClient`: the store must fail fast when the database is gone (a caller
/// waiting for a pooled connection that will never come would hang the runtime), so every use here
/// is bounded: connecting by `connectTimeout`, an operation by `operationTimeout`, after which the
/// connection is closed (which fails the query in flight; a task group cannot abandon it) and the
/// caller gets `StoreError.unavailable`. A connection the server closed (restart, termination) is
/// noticed as closed and replaced on next use.
final class ConnectionPool: Sendable {
  struct State {
    var idle: [PostgresConnection] = []
    var open = 0
    var waiters: [CheckedContinuation<PostgresConnection?, Never>] = []
    var closed = false
    var nextID = 1
  }

  let url: PostgresURL
  let size: Int
  let connectTimeout: Duration
  let operationTimeout: Duration
  let logger: Logger
  /// Session settings every connection of the pool starts with (`synchronous_commit`).
  let settings: [(String, String)]
  let state = Mutex(State())

  init(
    url: PostgresURL, size: Int, connectTimeout: Duration, operationTimeout: Duration,
    settings: [(String, String)] = []
  ) {
    self.url = url
    self.settings = settings
    self.size = max(1, size)
    self.connectTimeout = connectTimeout
    self.operationTimeout = operationTimeout
    var logger = Logger(label: "lanes.postgres")
    logger.logLevel = .critical
    self.logger = logger
  }

  var configuration: PostgresConnection.Configuration {
    var configuration = PostgresConnection.Configuration(
      host: url.host, port: url.port, username: url.user, password: url.password,
      database: url.database, tls: .disable)
    configuration.options.connectTimeout = .nanoseconds(connectTimeout.nanoseconds)
    configuration.options.additionalStartupParameters = [("application_name", "lanes")] + settings
    return configuration
  }

  /// A new connection of its own (the listener's), bounded by `connectTimeout`.
  func connect() async throws -> PostgresConnection {
    let id = state.withLock { s -> Int in
      defer { s.nextID += 1 }
      return s.nextID
    }
    let configuration = self.configuration
    let logger = self.logger
    do {
      return try await withDeadline(
        connectTimeout, onTimeout: {}, late: { connection in try? await connection.close() }
      ) { () async throws -> PostgresConnection in
        try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
      }
    } catch {
      throw PostgresErrors.storeError(error, url: url, doing: "connect")
    }
  }

  /// Runs `body` on a pooled connection within `operationTimeout`; errors become `StoreError`.
  @discardableResult
  func withConnection<T: Sendable>(
    _ doing: String, timeout: Duration? = nil,
    _ body: @escaping @Sendable (PostgresConnection) async throws -> T
  ) async throws(StoreError) -> T {
    let connection: PostgresConnection
    do {
      connection = try await acquire()
    } catch let error as StoreError {
      throw error
    } catch {
      throw PostgresErrors.storeError(error, url: url, doing: doing)
    }
    do {
      let result = try await withDeadline(
        timeout ?? operationTimeout,
        onTimeout: { try? await connection.close() }
      ) {
        // A deadlock or serialization failure rolls the whole transaction back, so running the
        // body again is safe (each body is one statement, one explicit transaction, or idempotent
        // statements); PostgreSQL's advice for both is to retry. The connection stays usable.
        var tries = 0
        while true {
          do {
            return try await body(connection)
          } catch {
            tries += 1
            guard tries < 4, let code = PostgresErrors.sqlState(error), code == "40P01" || code == "40001"
            else { throw error }
            try await Task.sleep(for: .milliseconds(5 * tries))
          }
        }
      }
      release(connection)
      return result
    } catch {
      // A failed statement leaves a healthy connection (each runs in its own implicit or explicit
      // transaction, rolled back by `transaction`); anything else closes it so it is not reused.
      if !PostgresErrors.isStatementError(error) { try? await connection.close() }
      release(connection)
      throw PostgresErrors.storeError(error, url: url, doing: doing)
    }
  }

  func acquire() async throws -> PostgresConnection {
    enum Next {
      case use(PostgresConnection)
      case create
      case wait
      case closed
    }
    while true {
      let next = state.withLock { s -> Next in
        if s.closed { return .closed }
        while let connection = s.idle.popLast() {
          if !connection.isClosed { return .use(connection) }
          s.open -= 1
        }
        if s.open < size {
          s.open += 1
          return .create
        }
        return .wait
      }
      switch next {
      case .use(let connection): return connection
      case .closed:
        throw StoreError(.unavailable, "\(url): the store is closed")
      case .create:
        do {
          return try await connect()
        } catch {
          state.withLock { s in
            s.open -= 1
            // Someone waiting may try to connect in turn (and fail fast the same way).
            if !s.waiters.isEmpty { s.waiters.removeFirst().resume(returning: nil) }
          }
          throw error
        }
      case .wait:
        let handed = await withCheckedContinuation {
          (continuation: CheckedContinuation<PostgresConnection?, Never>) in
          state.withLock { s in
            if s.closed || s.open < size || !s.idle.isEmpty {
              continuation.resume(returning: nil)
            } else {
              s.waiters.append(continuation)
            }
          }
        }
        if let handed { return handed }
      }
    }
  }

  func release(_ connection: PostgresConnection) {
    let toClose = state.withLock { s -> PostgresConnection? in
      if s.closed || connection.isClosed {
        s.open -= 1
        if !s.waiters.isEmpty { s.waiters.removeFirst().resume(returning: nil) }
        return s.closed ? connection : nil
      }
      if !s.waiters.isEmpty {
        s.waiters.removeFirst().resume(returning: connection)
        return nil
      }
      s.idle.append(connection)
      return nil
    }
    // The callback holds the connection until it is closed (PostgresNIO asserts that).
    if let toClose { toClose.close().whenComplete { _ in _ = toClose } }
  }

  /// Closes every idle connection and refuses new uses; connections in use close on release.
  func close() async {
    let (idle, waiters) = state.withLock { s in
      s.closed = true
      defer {
        s.open -= s.idle.count
        s.idle = []
        s.waiters = []
      }
      return (s.idle, s.waiters)
    }
    for waiter in waiters { waiter.resume(returning: nil) }
    for connection in idle { try? await connection.close() }
  }
}

/// The deadline on an operation ran out.
struct DeadlineExceeded: Error {
  var limit: Duration
}

/// Runs `body`, or after `limit` runs `onTimeout` (which should make `body` return, e.g. by
/// closing its connection) and throws `DeadlineExceeded` at once: the caller never waits for a
/// `body` that ignores both (a task group would). A value `body` returns too late goes to
/// `late` (a connection made after its deadline is closed there).
func withDeadline<T: Sendable>(
  _ limit: Duration, onTimeout: @escaping @Sendable () async -> Void,
  late: @escaping @Sendable (T) async -> Void = { _ in },
  _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
  let race = DeadlineRace<T>()
  let outcome = try await withTaskCancellationHandler {
    try await withCheckedThrowingContinuation {
      (continuation: CheckedContinuation<DeadlineOutcome<T>, any Error>) in
      race.settled.withLock { $0 = continuation }
      let runner = Task {
        do {
          let value = try await body()
          if !race.settle(.success(.done(value))) { await late(value) }
        } catch {
          _ = race.settle(.failure(error))
        }
      }
      let timer = Task {
        do { try await Task.sleep(for: limit) } catch { return }
        if race.settle(.success(.timedOut)) { await onTimeout() }
      }
      race.tasks.withLock { $0 = [runner, timer] }
    }
  } onCancel: {
    _ = race.settle(.failure(CancellationError()))
    for task in race.tasks.withLock({ $0 }) { task.cancel() }
  }
  for task in race.tasks.withLock({ $0 }).dropFirst() { task.cancel() }
  switch outcome {
  case .done(let value): return value
  case .timedOut: throw DeadlineExceeded(limit: limit)
  }
}

/// An operation racing its deadline: whichever settles first resumes the caller.
final class DeadlineRace<T: Sendable>: Sendable {
  let settled = Mutex<CheckedContinuation<DeadlineOutcome<T>, any Error>?>(nil)
  let tasks = Mutex<[Task<Void, Never>]>([])

  /// Resumes the caller with `result` unless something else did; returns whether this did.
  func settle(_ result: Result<DeadlineOutcome<T>, any Error>) -> Bool {
    let continuation = settled.withLock { slot in
      defer { slot = nil }
      return slot
    }
    continuation?.resume(with: result)
    return continuation != nil
  }
}

/// Which of an operation and its deadline ended first.
enum DeadlineOutcome<T: Sendable>: Sendable {
  case done(T)
  case timedOut
}

/// Turning PostgresNIO's errors into the store's.
enum PostgresErrors {
  /// The server's SQLSTATE, when the server answered with an error.
  static func sqlState(_ error: any Error) -> String? {
    (error as? PSQLError)?.serverInfo?[.sqlState]
  }

  /// A statement the server refused (the connection is still usable).
  static func isStatementError(_ error: any Error) -> Bool {
    guard let state = sqlState(error) else { return false }
    // Class 08 (connection exception), 57 (operator intervention: shutdown, termination) and
    // 53 (insufficient resources) say the session itself is in trouble.
    return !(state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53"))
  }

  static func storeError(_ error: any Error, url: PostgresURL, doing: String) -> StoreError {
    if let error = error as? StoreError { return error }
    if let deadline = error as? DeadlineExceeded {
      return StoreError(
        .unavailable,
        "\(url): no answer from the database within \(deadline.limit) (\(doing)): check that it is up and reachable"
      )
    }
    if error is CancellationError {
      return StoreError(.unavailable, "\(url): cancelled while waiting for the database (\(doing))")
    }
    guard let psql = error as? PSQLError else {
      return StoreError(.unavailable, "\(url): \(doing) failed: \(String(reflecting: error))")
    }
    if let info = psql.serverInfo {
      let state = info[.sqlState] ?? "?????"
      let message = info[.message] ?? "error"
      let detail = info[.detail].map { " (\($0))" } ?? ""
      let text = "\(url): \(doing) failed: \(message)\(detail) [SQLSTATE \(state)]"
      switch state {
      case "3D000":
        return StoreError(.other, text + ": create the database first (createdb \(url.database))")
      case "28P01", "28000":
        return StoreError(.other, text + ": check the user and password in the URL")
      case "25006":
        return StoreError(.readOnly, text + ": the server is read-only (a standby?): point at the primary")
      case "53100": return StoreError(.full, text + ": the database server's disk is full")
      case _ where state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53"):
        return StoreError(.unavailable, text + ": the database is going away or overloaded")
      default: return StoreError(.other, text)
      }
    }
    let underlying = psql.underlying.map { ": \($0)" } ?? ""
    switch psql.code {
    case .connectionError:
      return StoreError(
        .unavailable,
        "\(url): cannot reach the database (\(doing))\(underlying): is PostgreSQL running there, and does the URL name the right host and port?"
      )
    case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
      return StoreError(
        .unavailable, "\(url): the connection to the database was lost (\(doing))\(underlying)")
    default:
      return StoreError(.unavailable, "\(url): \(doing) failed: \(String(reflecting: psql))")
    }
  }
}
