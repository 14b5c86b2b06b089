import HTTPTypes
import Hummingbird

/// The token and read-only rules, before any route runs.
///
/// `/healthz` needs no token (a load balancer's probe has none). With a token, every other
/// request needs `Authorization: Bearer <token>`, compared in constant time. Under read-only,
/// every POST and DELETE but starting a run answers 403.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
  let token: [UInt8]?
  let readOnly: Bool

  init(token: String?, readOnly: Bool) {
    self.token = token.map { Array($0.utf8) }
    self.readOnly = readOnly
  }

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let path = request.uri.path
    if let token, path != "/healthz" {
      let given = request.headers[.authorization].map { Array($0.utf8) } ?? []
      let prefix = Array("Bearer ".utf8)
      let presented = given.starts(with: prefix) ? Array(given.dropFirst(prefix.count)) : []
      guard Self.constantTimeEqual(presented, token) else {
        return Reply.error(
          .unauthorized,
          given.isEmpty
            ? "\(request.method) \(path): this server needs a token: send Authorization: Bearer <token> (the one in the server's --token-file)"
            : "\(request.method) \(path): the token is wrong; send the one in the server's --token-file",
          headers: [.wwwAuthenticate: #"Bearer realm="lanes""#])
      }
    }
    if readOnly, request.method == .post || request.method == .delete, !Self.isRunRoute(path) {
      return Reply.error(
        .forbidden,
        "read-only server: \(request.method) \(path) would change the runtime; restart the server without --read-only to allow it"
      )
    }
    return try await next(request, context)
  }

  /// `/v1/workflows/{name}/runs`: serving runs is a read-only server's job too.
  static func isRunRoute(_ path: String) -> Bool {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    return parts.count == 5 && parts[1] == "v1" && parts[2] == "workflows" && parts[4] == "runs"
  }

  /// True if `a` equals `b`; takes the same time whatever the position of the first difference
  /// (a token must not leak a byte at a time through response times). The length is not secret.
  static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(a.count == b.count ? 0 : 1)
    let n = max(a.count, b.count)
    for i in 0..<n {
      let x = i < a.count ? a[i] : 0
      let y = i < b.count ? b[i] : 0
      difference |= x ^ y
    }
    return difference == 0
  }
}
