/// What the OpenAPI document says about routes: its operations, for the 405 answer (a known path
/// asked with a method it does not have) and for the test that holds router and document together.
public enum OpenAPIRoutes {
  /// `METHOD /path` (`{name}` for a parameter) for every operation under `paths:` in `yaml`
  /// (two-space paths, four-space methods: the layout of `openapi.yaml`).
  public static func operations(in yaml: String) -> Set<String> {
    var result = Set<String>()
    var inPaths = false
    var path: String?
    for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
      if line == "paths:" {
        inPaths = true
        continue
      }
      guard inPaths else { continue }
      if !line.isEmpty && !line.hasPrefix(" ") { break }
      if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
        path = String(line.dropFirst(2).dropLast())
      } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), let path {
        let method = String(line.drop { $0 == " " }.dropLast())
        if ["get", "post", "put", "delete", "patch", "head"].contains(method) {
          result.insert("\(method.uppercased()) \(path)")
        }
      }
    }
    return result
  }

  /// The document's paths, split into segments, with the methods each has.
  static let table: [(segments: [Substring], methods: [String])] = {
    var byPath: [String: [String]] = [:]
    for operation in operations(in: LanesAPI.openAPIDocument) {
      let parts = operation.split(separator: " ", maxSplits: 1)
      byPath[String(parts[1]), default: []].append(String(parts[0]))
    }
    return byPath.map { ($0.key.split(separator: "/"), $0.value.sorted()) }
  }()

  /// The methods the document has for `path` (a request's path; `{x}` segments match any one).
  static func methods(for path: String) -> [String] {
    let segments = path.split(separator: "/")
    for entry in table where entry.segments.count == segments.count {
      let matches = zip(entry.segments, segments).allSatisfy { pattern, segment in
        pattern.hasPrefix("{") || pattern == segment
      }
      if matches { return entry.methods }
    }
    return []
  }
}
