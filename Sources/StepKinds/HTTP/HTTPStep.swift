import ExecutionCore
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Calls an HTTP endpoint as a step: a status in `expect` succeeds, anything else throws an
/// `HTTPStepError`. The response body is the step's output: JSON when it parses as one value,
/// otherwise a JSON string of it; `null` when empty. The URL, header values and body may hold
/// references to the data the step may see (`DataTemplate`): in the URL a field's text is
/// percent-encoded, in a header it is put as is, in the body it goes as JSON text.
public enum HTTPStep {
  /// How much of an unexpected response's body goes into the failure message.
  static let bodyPrefixBytes = 200

  /// One session for every HTTP step: no cache, no cookies (steps must not depend on each other's
  /// responses), and enough connections per host that a busy queue does not wait on the client
  /// (URLSession's default of 6 per host would quietly queue requests and spend their timeouts).
  static let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.httpCookieStorage = nil
    configuration.httpShouldSetCookies = false
    configuration.httpMaximumConnectionsPerHost = 256
    return URLSession(configuration: configuration)
  }()

  /// Sends the request and returns the response body as the step's output. Task cancellation (a
  /// timeout or shutdown) cancels the request. A body over `outputLimit` bytes fails the attempt.
  @discardableResult
  public static func run(
    _ spec: HTTPSpec, context: StepContext, outputLimit: Int = StepDefinition.defaultOutputLimit
  ) async throws -> Payload {
    let rendered = try render(spec, context: context)
    let request = try makeRequest(rendered)
    let (data, response) = try await send(request, spec: rendered)
    guard let http = response as? HTTPURLResponse else {
      throw HTTPStepError.transport(url: spec.url, message: "not an HTTP response")
    }
    guard spec.accepts(http.statusCode) else {
      let prefix = String(decoding: data.prefix(bodyPrefixBytes), as: UTF8.self)
      throw HTTPStepError.unexpectedStatus(
        status: http.statusCode, expected: spec.expectDescription,
        body: prefix.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    guard data.count <= outputLimit else {
      throw HTTPStepError.outputOverLimit(step: context.stepID, bytes: data.count, limit: outputLimit)
    }
    if data.isEmpty { return .null }
    let bytes = Array(data)
    if let json = try? Payload(validating: bytes) { return json }
    return .string(String(decoding: bytes, as: UTF8.self))
  }

  /// `spec` with every reference in its URL, header values and body replaced by the data it names.
  /// A body with references gets `Content-Type: application/json` unless the spec sets one.
  static func render(_ spec: HTTPSpec, context: StepContext) throws -> HTTPSpec {
    var rendered = spec
    rendered.url = try template(spec.url, "url").render { reference in
      try percentEncoded(text(of: reference, in: context, place: "url"))
    }
    for (name, value) in spec.headers {
      rendered.headers[name] = try template(value, "header \(name)").render { reference in
        let value = try text(of: reference, in: context, place: "header \(name)")
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
          throw DataReferenceError.unusable(
            reference: reference, place: "header \(name)",
            reason: "its text has a line break or another control character")
        }
        return value
      }
    }
    if let body = spec.body {
      let parsed = try template(body, "body")
      rendered.body = try parsed.render { try $0.resolve(in: context).text }
      let named = spec.headers.keys.contains { $0.lowercased() == "content-type" }
      if !parsed.isLiteral && !named { rendered.headers["Content-Type"] = "application/json" }
    }
    return rendered
  }

  private static func template(_ text: String, _ place: String) throws -> DataTemplate {
    do { return try DataTemplate(parsing: text) } catch {
      throw HTTPStepError.badReference(place: place, message: error.description)
    }
  }

  /// The text a reference puts in a URL or header: a string's own text, a number or boolean as
  /// written; `null`, objects and arrays have none.
  private static func text(of reference: DataReference, in context: StepContext, place: String) throws
    -> String
  {
    let value = try reference.resolve(in: context)
    switch value.bytes.first {
    case UInt8(ascii: "\""): return JSONPath.decodeString(value.bytes[...]) ?? ""
    case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "n"):
      let kind =
        value.isNull
        ? "it is null" : "it is \(value.bytes.first == UInt8(ascii: "{") ? "an object" : "an array")"
      throw DataReferenceError.unusable(
        reference: reference, place: place,
        reason: "\(kind); only strings, numbers and booleans can (name a field inside it)")
    default: return value.text
    }
  }

  /// RFC 3986: everything but unreserved characters percent-encoded, so a field cannot change the
  /// URL's structure (a `/`, `?` or `#` in it stays data).
  static func percentEncoded(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
      }
    }
    return out
  }

  /// Builds and validates the request.
  static func makeRequest(_ spec: HTTPSpec) throws(HTTPStepError) -> URLRequest {
    guard let url = URL(string: spec.url), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
    else { throw .invalidURL(spec.url) }
    var request = URLRequest(url: url)
    request.httpMethod = spec.method.uppercased()
    for (name, value) in spec.headers { request.setValue(value, forHTTPHeaderField: name) }
    if let body = spec.body { request.httpBody = Data(body.utf8) }
    if let timeout = spec.timeout { request.timeoutInterval = max(0.001, timeout.seconds) }
    return request
  }

  /// Sends `request`, racing it against the spec's total timeout (URLSession's own timeout is an idle
  /// timeout: a server trickling bytes would never trip it).
  private static func send(_ request: URLRequest, spec: HTTPSpec) async throws -> (Data, URLResponse) {
    do {
      return try await withThrowingTaskGroup(of: (Data, URLResponse)?.self) { group in
        group.addTask { try await perform(request) }
        if let timeout = spec.timeout {
          group.addTask {
            try await Task.sleep(for: timeout)
            return nil
          }
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
          throw HTTPStepError.timedOut(after: spec.timeout ?? .zero, url: spec.url)
        }
        return result
      }
    } catch let error as HTTPStepError {
      throw error
    } catch let error as URLError {
      throw map(error, spec: spec, request: request)
    } catch {
      // CancellationError from the timer: the step's task itself was cancelled.
      throw Task.isCancelled ? HTTPStepError.cancelled(url: spec.url) : error
    }
  }

  /// One request through the completion-handler API. `URLSession.data(for:)` is not used: on Linux its
  /// cancellation handler calls `URLSessionTask.cancel()` while holding the awaiting task's status
  /// lock, and `cancel()` waits synchronously for the session's queue, which may at that moment be
  /// resuming the same task and waiting for that lock: a deadlock seen under load (two threads, each
  /// waiting on the other, the step never ending). Here the cancel is sent from another queue.
  private static func perform(_ request: URLRequest) async throws -> (Data, URLResponse) {
    let handle = RequestHandle()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        let task = session.dataTask(with: request) { data, response, error in
          if let error {
            continuation.resume(throwing: error)
          } else if let response {
            continuation.resume(returning: (data ?? Data(), response))
          } else {
            continuation.resume(throwing: URLError(.badServerResponse))
          }
        }
        handle.start(task)
      }
    } onCancel: {
      handle.cancel()
    }
  }

  /// Turns URLSession's error codes into the failures people need to tell apart.
  private static func map(_ error: URLError, spec: HTTPSpec, request: URLRequest) -> HTTPStepError {
    switch error.code {
    case .cancelled:
      return .cancelled(url: spec.url)
    case .cannotConnectToHost:
      return .connectionRefused(url: spec.url)
    case .cannotFindHost, .dnsLookupFailed:
      return .cannotResolveHost(request.url?.host ?? spec.url)
    case .timedOut:
      return .timedOut(after: spec.timeout ?? .seconds(request.timeoutInterval), url: spec.url)
    default:
      return .transport(url: spec.url, message: error.localizedDescription)
    }
  }
}

/// The data task of one request and whether it was cancelled, so a cancellation that arrives before
/// the task exists still cancels it. `cancel()` is always called from another queue (see `perform`).
private final class RequestHandle: Sendable {
  private struct State {
    var task: URLSessionDataTask?
    var cancelled = false
  }
  private let state = Mutex(State())

  /// Resumes `task`, or cancels it at once if the step was cancelled already.
  func start(_ task: sending URLSessionDataTask) {
    let cancelled = state.withLock { state in
      state.task = task
      return state.cancelled
    }
    if cancelled { cancel() } else { state.withLock { $0.task?.resume() } }
  }

  /// Cancels the task if it exists (from another queue); otherwise `start` will.
  func cancel() {
    state.withLock { $0.cancelled = true }
    DispatchQueue.global().async { [self] in
      state.withLock { $0.task?.cancel() }
    }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
