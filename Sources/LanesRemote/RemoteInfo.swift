import ExecutionCore
import Foundation

/// What `GET /v1/info` says about a server.
public struct RemoteInfo: Sendable, Hashable, Codable {
  /// "lanes" for a Lanes server.
  public var server: String
  /// The server's Lanes version.
  public var version: String
  /// The API version it speaks.
  public var api: Int
  /// True when it refuses every change from outside (`lanes serve --read-only`).
  public var readOnly: Bool
  /// When it started, in seconds since the Unix epoch.
  public var startedAt: Double
  /// Its workflows' names.
  public var workflows: [String]
  /// Its queues' names.
  public var queues: [String]

  /// The API version this client speaks.
  public static let supportedAPI = 1

  /// Creates an info record.
  public init(
    server: String = "lanes", version: String, api: Int = RemoteInfo.supportedAPI, readOnly: Bool,
    startedAt: Double, workflows: [String], queues: [String]
  ) {
    self.server = server
    self.version = version
    self.api = api
    self.readOnly = readOnly
    self.startedAt = startedAt
    self.workflows = workflows
    self.queues = queues
  }

  /// Reads the answer of `GET /v1/info`, refusing anything but a Lanes server speaking API 1.
  static func read(_ reply: HTTPReply, at endpoint: RemoteEndpoint) throws(RemoteConnectError) -> RemoteInfo {
    let address = endpoint.address
    switch reply.status {
    case 200: break
    case 401:
      throw RemoteConnectError(
        .unauthorized,
        endpoint.token == nil
          ? "\(address) wants a token (401): pass the server's token with --token-file FILE"
          : "\(address) refused the token (401): check that --token-file holds the token the server was "
            + "started with")
    case 404:
      throw RemoteConnectError(
        .incompatible,
        "\(address) is not a lanes server: GET /v1/info answered 404 (is `lanes serve` listening there, "
          + "and is the URL's path right?)")
    default:
      throw RemoteConnectError(
        .incompatible, "\(address): GET /v1/info answered \(reply.status) (\(reply.errorMessage))")
    }
    // Looked at field by field first, so a server that is not Lanes, or a Lanes of another API,
    // gets a message saying which rather than a decoding error.
    guard let object = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any] else {
      throw RemoteConnectError(
        .incompatible, "\(address) is not a lanes server: GET /v1/info did not answer a JSON object")
    }
    guard object["server"] as? String == "lanes" else {
      let server = object["server"].map { "\"\($0)\"" } ?? "nothing"
      throw RemoteConnectError(
        .incompatible,
        "\(address) is not a lanes server: GET /v1/info names the server \(server), not \"lanes\"")
    }
    guard let api = object["api"] as? Int, api == supportedAPI else {
      let api = object["api"].map { "\($0)" } ?? "none"
      let version = object["version"].map { " (lanes \($0))" } ?? ""
      throw RemoteConnectError(
        .incompatible,
        "\(address) speaks API version \(api)\(version); this lanes speaks version \(supportedAPI): connect "
          + "with a lanes of the server's version")
    }
    do {
      return try JSONDecoder().decode(RemoteInfo.self, from: reply.body)
    } catch {
      throw RemoteConnectError(
        .incompatible, "\(address): GET /v1/info could not be read: \(RemoteSnapshot.describe(error))")
    }
  }
}

/// Why `RemoteRuntime.connect` could not attach to a server.
public struct RemoteConnectError: Error, Sendable, CustomStringConvertible {
  /// The kind of failure.
  public enum Kind: Sendable, Hashable {
    /// Nothing answered (refused, unknown host, timeout).
    case unreachable
    /// The server wants a token, or another one (401).
    case unauthorized
    /// Not a Lanes server, another API version, or answers that cannot be read.
    case incompatible
  }

  /// The kind of failure.
  public let kind: Kind
  /// For people: names the server and the fix.
  public let description: String

  init(_ kind: Kind, _ description: String) {
    self.kind = kind
    self.description = description
  }
}

/// Reading `GET /v1/snapshot`.
enum RemoteSnapshot {
  /// Decodes a snapshot body (a plain `JSONDecoder`, as the server encodes with a plain encoder).
  static func decode(_ body: Data) throws -> RuntimeSnapshot {
    try JSONDecoder().decode(RuntimeSnapshot.self, from: body)
  }

  /// A decoding error in a few words: what is wrong and at which key path.
  static func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
      let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
    }
    switch error {
    case .keyNotFound(let key, let context): return "no \"\(key.stringValue)\"\(path(context))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      return "\(context.debugDescription)\(path(context))"
    @unknown default: return "\(error)"
    }
  }
}
