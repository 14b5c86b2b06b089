import ExecutionCore
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A response as the client needs it.
struct HTTPReply: Sendable {
  /// The status code.
  var status: Int
  /// The body (empty when there was none).
  var body: Data

  /// The `error` field of a JSON error body, or the start of the body, or "HTTP <status>".
  var errorMessage: String {
    if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
      let message = object["error"] as? String
    {
      return message
    }
    let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(
      in: .whitespacesAndNewlines)
    return text.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(text)"
  }
}

/// Why a request got no response.
enum TransportFailure: Error, Sendable, Hashable {
  /// Nothing listens at the address.
  case refused
  /// The host name does not resolve.
  case unknownHost(String)
  /// No answer within the timeout.
  case timedOut(Duration)
  /// The connection broke or something else went wrong.
  case other(String)

  /// A few words for people.
  var reason: String {
    switch self {
    case .refused: return "connection refused"
    case .unknownHost(let host): return "cannot resolve \(host)"
    case .timedOut(let after): return "no answer within \(DurationText.format(after))"
    case .other(let message): return message
    }
  }
}

/// Sends requests to one server with URLSession's completion-handler API (not `data(for:)`: see
/// `HTTPStep.perform` for the deadlock its cancellation can cause on Linux). No cache, no cookies.
final class HTTPTransport: Sendable {
  let endpoint: RemoteEndpoint
  private let session: URLSession
  /// True once invalidated: no task is created after that (URLSession forbids it).
  private let invalidated = Mutex(false)

  init(endpoint: RemoteEndpoint) {
    self.endpoint = endpoint
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.httpCookieStorage = nil
    configuration.httpShouldSetCookies = false
    session = URLSession(configuration: configuration)
  }

  /// Stops the session: requests in flight fail at once (cancelled), later ones are not sent.
  func invalidate() {
    let first = invalidated.withLock { invalidated in
      defer { invalidated = true }
      return !invalidated
    }
    if first { session.invalidateAndCancel() }
  }

  /// The request for `method path` with `body` (JSON), the token and a timeout.
  func request(_ method: String, _ path: String, body: Data? = nil, timeout: Duration) -> URLRequest {
    var request = URLRequest(url: endpoint.url(path))
    request.httpMethod = method
    request.timeoutInterval = max(0.001, timeout.seconds)
    request.setValue("application/json", forHTTPHeaderField: "Accept")
    if let token = endpoint.token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let body {
      request.httpBody = body
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    return request
  }

  /// Sends `request` and calls `completion` once with the response or the failure.
  func send(
    _ request: URLRequest, completion: @escaping @Sendable (Result<HTTPReply, TransportFailure>) -> Void
  ) {
    let timeout = Duration.seconds(request.timeoutInterval)
    let host = request.url?.host ?? endpoint.address
    // Created and started under the lock, so `invalidate` never races a new task.
    let sent = invalidated.withLock { invalidated in
      guard !invalidated else { return false }
      let task = session.dataTask(with: request) { data, response, error in
        if let error {
          completion(.failure(Self.failure(error, host: host, timeout: timeout)))
        } else if let http = response as? HTTPURLResponse {
          completion(.success(HTTPReply(status: http.statusCode, body: data ?? Data())))
        } else {
          completion(.failure(.other("not an HTTP response")))
        }
      }
      task.resume()
      return true
    }
    if !sent { completion(.failure(.other("closed"))) }
  }

  /// Sends `request` and waits for the answer: for the background threads only.
  func sendAndWait(_ request: URLRequest) -> Result<HTTPReply, TransportFailure> {
    let done = DispatchSemaphore(value: 0)
    let box = Mutex<Result<HTTPReply, TransportFailure>?>(nil)
    send(request) { result in
      box.withLock { $0 = result }
      done.signal()
    }
    done.wait()
    return box.withLock { $0 } ?? .failure(.other("no answer"))
  }

  /// Sends `request` from async code.
  func send(_ request: URLRequest) async -> Result<HTTPReply, TransportFailure> {
    await withCheckedContinuation { continuation in
      send(request) { continuation.resume(returning: $0) }
    }
  }

  private static func failure(_ error: any Error, host: String, timeout: Duration) -> TransportFailure {
    guard let error = error as? URLError else { return .other(error.localizedDescription) }
    switch error.code {
    case .cannotConnectToHost: return .refused
    case .cannotFindHost, .dnsLookupFailed: return .unknownHost(host)
    case .timedOut: return .timedOut(timeout)
    case .networkConnectionLost: return .other("the connection was lost")
    case .cancelled: return .other("cancelled")
    default: return .other(error.localizedDescription)
    }
  }
}
