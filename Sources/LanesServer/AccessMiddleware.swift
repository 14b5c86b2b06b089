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
    // Only a route that takes the method is refused: the others get their 404 or 405.
    if readOnly, request.method == .post || request.method == .delete, !Self.isRunRoute(path),
      OpenAPIRoutes.methods(for: path).contains(request.method.rawValue)
    {
      return Reply.error(
        .forbidden,
        "read-only server: \(request.method) \(path) would change the runtime; restart the server without --read-only to allow it"
      )
    }
    do {
      return try await next(request, context)
    } catch let error as HTTPError {
      // What the router throws (no route, no such method) answered as the API's JSON errors.
      guard error.status == .notFound else {
        return Reply.error(
          error.status, "\(request.method) \(path): \(error.body ?? error.status.reasonPhrase)")
      }
      let allowed = OpenAPIRoutes.methods(for: path)
      if !allowed.isEmpty {
        return Reply.error(
          .methodNotAllowed,
          "\(request.method) \(path): this route takes \(allowed.joined(separator: ", ")) only",
          headers: [.allow: allowed.joined(separator: ", ")])
      }
      return Reply.error(
        .notFound, "\(request.method) \(path): no such route; GET /v1/openapi.yaml lists them")
    }
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
