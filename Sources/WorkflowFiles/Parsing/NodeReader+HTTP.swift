import ExecutionCore
import Foundation
import StepKinds
import Yams

extension NodeReader {
  /// The methods an `http` step may use.
  static let httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

  /// `http: { method, url, headers, body, timeout, expect }`.
  mutating func readHTTP(_ node: Node) -> HTTPSpec? {
    guard let fields = fields(node, of: "http", allowed: FormatKeys.http) else { return nil }
    var valid = true
    var url: String?
    if let node = fields["url"] {
      url = readURL(node)
    } else if fields.isMissing("url") {
      report(at: node, "http is missing \"url\"", hint: "Add e.g. \"url: http://127.0.0.1:8765/ok\".")
    }
    var method = "GET"
    if let node = fields["method"] {
      if case .scalar(let scalar) = node, Self.httpMethods.contains(scalar.string.uppercased()) {
        method = scalar.string.uppercased()
      } else {
        _ = choice(node, "method", from: Self.httpMethods)
        valid = false
      }
    }
    var headers: [String: String] = [:]
    if let node = fields["headers"] {
      if let read = textMapping(node, "headers", example: "headers: { Content-Type: application/json }") {
        headers = read
        // Header values may hold references; each is checked where it is written.
        if case .mapping(let mapping) = node {
          for (key, value) in mapping {
            guard case .scalar(let name) = key, let text = headers[name.string] else { continue }
            if dataTemplate(value, text, "header \(name.string)") == nil { valid = false }
          }
        }
      } else {
        valid = false
      }
    }
    var body: String?
    if let node = fields["body"] {
      if case .scalar = node, !isNull(node) {
        body = text(node, "body")
        if let text = body, dataTemplate(node, text, "body") == nil { valid = false }
      } else {
        report(
          at: node, "body must be text, got \(describe(node))",
          hint: "Quote it, e.g. body: '{\"event\":\"done\"}'.")
        valid = false
      }
    }
    var timeout: Duration?
    if let node = fields["timeout"] {
      timeout = duration(node, "timeout")
      valid = valid && timeout != nil
    }
    var expect = [200...299]
    if let node = fields["expect"] {
      if let read = readExpect(node) { expect = read } else { valid = false }
    }
    guard valid, let url else { return nil }
    return HTTPSpec(method: method, url: url, headers: headers, body: body, timeout: timeout, expect: expect)
  }

  /// An absolute `http` or `https` URL with a host, as `HTTPStep` will accept it.
  private mutating func readURL(_ node: Node) -> String? {
    guard let text = text(node, "url") else { return nil }
    guard let template = dataTemplate(node, text, "url") else { return nil }
    // References are filled in when the step runs (percent-encoded); the rest must be a URL.
    let checked = template.render { _ in "x" }
    let example = "Write an absolute URL, e.g. http://127.0.0.1:8765/ok."
    guard checked.contains("://"), let url = URL(string: checked), let scheme = url.scheme else {
      report(at: node, "url \"\(text)\" is not a valid URL", hint: example)
      return nil
    }
    guard ["http", "https"].contains(scheme.lowercased()) else {
      report(
        at: node, "url scheme must be http or https, got \"\(scheme)\"",
        hint: "An http step speaks HTTP only; use an exec step for anything else.")
      return nil
    }
    guard let host = url.host, !host.isEmpty else {
      report(at: node, "url \"\(text)\" has no host", hint: example)
      return nil
    }
    return text
  }

  /// `expect: [2xx, 304]` or a single entry; each a status, a class or a range.
  private mutating func readExpect(_ node: Node) -> [ClosedRange<Int>]? {
    let entries: [Node]
    if case .sequence(let sequence) = node {
      guard !sequence.isEmpty else {
        report(
          at: node, "expect is empty: no status would count as success",
          hint: "Leave it out for 2xx, or write e.g. \"expect: [2xx, 304]\".")
        return nil
      }
      entries = Array(sequence)
    } else {
      entries = [node]
    }
    var ranges: [ClosedRange<Int>] = []
    var valid = true
    for entry in entries {
      guard case .scalar(let scalar) = entry, !isNull(entry),
        let range = HTTPSpec.parseExpected(scalar.string)
      else {
        report(
          at: entry, "expect entry \(describe(entry)) is not a status",
          hint: "Write a status (404), a class (2xx) or a range (200-204), from 100 to 599.")
        valid = false
        continue
      }
      ranges.append(range)
    }
    return valid ? ranges : nil
  }
}
