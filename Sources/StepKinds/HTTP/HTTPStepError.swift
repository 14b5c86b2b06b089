import ExecutionCore

/// Why an HTTP step failed; `description` is what the runtime records as the failure message.
public enum HTTPStepError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The URL is not an absolute http(s) URL with a host.
  case invalidURL(String)
  /// Nothing listens at the address (or it cannot be reached).
  case connectionRefused(url: String)
  /// The host name does not resolve.
  case cannotResolveHost(String)
  /// The request did not finish within the spec's timeout.
  case timedOut(after: Duration, url: String)
  /// The server answered with a status outside `expect`; `body` is the start of its body.
  case unexpectedStatus(status: Int, expected: String, body: String)
  /// The step's task was cancelled (timeout or shutdown); the request was cancelled with it.
  case cancelled(url: String)
  /// Any other transport failure, with the client's own words.
  case transport(url: String, message: String)
  /// The response body is over the step's output limit.
  case outputOverLimit(step: String, bytes: Int, limit: Int)
  /// A reference in the URL, a header or the body is malformed (`place` says which).
  case badReference(place: String, message: String)

  /// One readable line.
  public var description: String {
    switch self {
    case .invalidURL(let url):
      return "invalid URL \"\(url)\": write an absolute http:// or https:// URL"
    case .connectionRefused(let url):
      return "connection refused: \(url)"
    case .cannotResolveHost(let host):
      return "cannot resolve host \"\(host)\""
    case .timedOut(let after, let url):
      return "timed out after \(DurationText.format(after)): \(url)"
    case .unexpectedStatus(let status, let expected, let body):
      let head = "HTTP \(status) \(Self.reason(status)) (expected \(expected))"
      return body.isEmpty ? head : head + ": " + body
    case .cancelled(let url):
      return "cancelled: \(url)"
    case .transport(let url, let message):
      return "\(url): \(message)"
    case .outputOverLimit(let step, let bytes, let limit):
      return
        "output of step '\(step)' is \(bytes) bytes, over its limit of \(limit) bytes (raise the step's output-limit, or ask for less)"
    case .badReference(let place, let message):
      return "bad reference in the \(place): \(message)"
    }
  }

  /// The standard reason phrase (URLSession on Linux does not report the server's).
  static func reason(_ status: Int) -> String {
    switch status {
    case 200: return "OK"
    case 201: return "Created"
    case 202: return "Accepted"
    case 204: return "No Content"
    case 301: return "Moved Permanently"
    case 302: return "Found"
    case 304: return "Not Modified"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 408: return "Request Timeout"
    case 409: return "Conflict"
    case 413: return "Content Too Large"
    case 422: return "Unprocessable Content"
    case 429: return "Too Many Requests"
    case 500: return "Internal Server Error"
    case 501: return "Not Implemented"
    case 502: return "Bad Gateway"
    case 503: return "Service Unavailable"
    case 504: return "Gateway Timeout"
    default:
      switch status {
      case 100..<200: return "Informational"
      case 200..<300: return "Success"
      case 300..<400: return "Redirection"
      case 400..<500: return "Client Error"
      default: return "Server Error"
      }
    }
  }
}
