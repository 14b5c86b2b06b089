import Foundation

/// Where a `lanes serve` is and how to prove the right to talk to it.
public struct RemoteEndpoint: Sendable, Hashable {
  /// The server's base URL (scheme, host, port, and an optional path prefix; no trailing `/`).
  public let baseURL: URL
  /// The bearer token sent with every request (nil: none).
  public let token: String?

  /// The port `lanes serve` listens on by default, used when the address names none.
  public static let defaultPort = 7700

  /// Reads `text` as a server address: `http://host:port`, `https://host:port/prefix`, or
  /// `host:port` and `host` alone (taken as `http://`, port 7700 when none is given).
  public init(parsing text: String, token: String? = nil) throws(RemoteEndpointError) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else {
      throw RemoteEndpointError(
        "--connect: the address is empty; give the server's URL, e.g. http://127.0.0.1:7700")
    }
    var written = trimmed
    if !trimmed.contains("://") {
      written = "http://" + trimmed
    }
    guard var parts = URLComponents(string: written), let scheme = parts.scheme?.lowercased() else {
      throw RemoteEndpointError(
        "--connect '\(text)': not a URL; give the server's address, e.g. http://127.0.0.1:7700")
    }
    guard scheme == "http" || scheme == "https" else {
      throw RemoteEndpointError(
        "--connect '\(text)': the scheme must be http or https (got \(scheme)), e.g. http://127.0.0.1:7700")
    }
    guard let host = parts.host, !host.isEmpty else {
      throw RemoteEndpointError(
        "--connect '\(text)': no host; give it as http://HOST:PORT, e.g. http://127.0.0.1:7700")
    }
    guard parts.query == nil, parts.fragment == nil, parts.user == nil else {
      throw RemoteEndpointError(
        "--connect '\(text)': give only scheme, host, port and path (no query, fragment or user); "
          + "the token goes in --token-file")
    }
    if parts.port == nil && !trimmed.contains("://") { parts.port = Self.defaultPort }
    while parts.path.hasSuffix("/") { parts.path.removeLast() }
    parts.scheme = scheme
    guard let url = parts.url else {
      throw RemoteEndpointError(
        "--connect '\(text)': not a URL; give the server's address, e.g. http://127.0.0.1:7700")
    }
    self.baseURL = url
    self.token = token
  }

  /// The address as people write it: `127.0.0.1:7700` (with the scheme when it is https and the
  /// path prefix when there is one).
  public var address: String {
    let parts = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
    var text = parts?.host ?? baseURL.absoluteString
    if text.contains(":") { text = "[\(text)]" }  // an IPv6 literal
    if let port = parts?.port { text += ":\(port)" }
    if let path = parts?.path, !path.isEmpty { text += path }
    return parts?.scheme == "https" ? "https://" + text : text
  }

  /// The URL of `path` (which starts with `/`) on this server.
  func url(_ path: String) -> URL {
    URL(string: baseURL.absoluteString + path) ?? baseURL
  }

  /// Reads a bearer token from `path`: the file's text without its trailing newline. Refuses a file
  /// that cannot be read, an empty one, and one whose token spans lines or holds control characters
  /// (it would not fit in a header).
  public static func readToken(file path: String) throws(RemoteEndpointError) -> String {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      let reason = (error as NSError).localizedFailureReason ?? "\(error.localizedDescription)"
      throw RemoteEndpointError(
        "--token-file \(path): cannot read it (\(reason)); give a readable file holding the token")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw RemoteEndpointError(
        "--token-file \(path): not UTF-8 text; the file must hold the token on one line")
    }
    var token = Substring(text)
    while let last = token.last, last == "\n" || last == "\r" { token.removeLast() }
    guard !token.isEmpty else {
      throw RemoteEndpointError(
        "--token-file \(path): the file is empty; put the server's token in it (one line)")
    }
    guard !token.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
      throw RemoteEndpointError(
        "--token-file \(path): the token holds a line break or a control character; the file must hold "
          + "the token alone on one line")
    }
    return String(token)
  }
}

/// A server address or token file that cannot be used; the message names the option and the fix.
public struct RemoteEndpointError: Error, Sendable, CustomStringConvertible {
  /// For people.
  public let description: String

  init(_ description: String) { self.description = description }
}
