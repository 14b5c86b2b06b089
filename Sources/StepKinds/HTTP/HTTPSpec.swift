/// An HTTP step: one request, and the statuses that count as success.
public struct HTTPSpec: Sendable, Hashable {
  /// The method, e.g. `GET` or `POST`.
  public var method: String
  /// An absolute `http` or `https` URL. May hold references (`${input.id}`, see `DataTemplate`),
  /// each replaced by its value's text, percent-encoded.
  public var url: String
  /// Request headers. Values may hold references, each replaced by its value's text.
  public var headers: [String: String]
  /// The request body, sent as UTF-8. May hold references (`${input}`), each replaced by its
  /// value as JSON text; such a body is sent as `application/json` unless a header says otherwise.
  public var body: String?
  /// The whole request (connect, send, wait, receive) must end within this; nil leaves it to the
  /// step's own timeout (and URLSession's 60 s idle limit).
  public var timeout: Duration?
  /// Statuses that count as success; anything else fails the attempt. Defaults to 2xx.
  public var expect: [ClosedRange<Int>]

  /// Creates an HTTP step.
  public init(
    method: String = "GET", url: String, headers: [String: String] = [:], body: String? = nil,
    timeout: Duration? = nil, expect: [ClosedRange<Int>] = [200...299]
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.timeout = timeout
    self.expect = expect
  }

  /// Whether `status` counts as success.
  public func accepts(_ status: Int) -> Bool {
    expect.contains { $0.contains(status) }
  }

  /// The expected statuses as people write them: `2xx`, `404`, `200-204`, joined with `, `.
  public var expectDescription: String {
    expect.map(Self.describe).joined(separator: ", ")
  }

  /// Reads one expected-status item: `200`, `2xx`, or `200-299`. For workflow files.
  public static func parseExpected(_ text: String) -> ClosedRange<Int>? {
    let trimmed = text.trimmingCharacters(in: " \t").lowercased()
    if trimmed.count == 3, trimmed.hasSuffix("xx"), let hundreds = Int(trimmed.prefix(1)),
      (1...5).contains(hundreds)
    {
      return (hundreds * 100)...(hundreds * 100 + 99)
    }
    let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let low = Int(parts[0]), let high = Int(parts[parts.count - 1]),
      (100...599).contains(low), (100...599).contains(high), low <= high
    else { return nil }
    return low...high
  }

  private static func describe(_ range: ClosedRange<Int>) -> String {
    if range.lowerBound == range.upperBound { return "\(range.lowerBound)" }
    if range.lowerBound % 100 == 0, range.upperBound == range.lowerBound + 99 {
      return "\(range.lowerBound / 100)xx"
    }
    return "\(range.lowerBound)-\(range.upperBound)"
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: String) -> String {
    var slice = Substring(self)
    while let first = slice.first, set.contains(first) { slice.removeFirst() }
    while let last = slice.last, set.contains(last) { slice.removeLast() }
    return String(slice)
  }
}
