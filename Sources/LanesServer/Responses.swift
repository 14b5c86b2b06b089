import ExecutionCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Building the API's responses: JSON bodies, `{"error": ...}` bodies, and the JSON text the
/// run routes write by hand (a run's response is already JSON text and is copied, not re-encoded).
enum Reply {
  /// A JSON body with `status`.
  static func json(
    _ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]
  ) -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    let data = (try? encoder.encode(value)) ?? Data(#"{"error":"the answer could not be encoded"}"#.utf8)
    return bytes(status, Array(data), headers: headers)
  }

  /// A body that is JSON text already.
  static func bytes(_ status: HTTPResponse.Status, _ bytes: [UInt8], headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.contentType] = "application/json"
    return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  /// `{"error": message}` with `status`.
  static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
    json(status, ["error": message], headers: headers)
  }

  /// Text in another media type (metrics, the OpenAPI document).
  static func text(_ text: String, contentType: String) -> Response {
    Response(
      status: .ok, headers: [.contentType: contentType],
      body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
  }

  /// `value` as a JSON string literal (quotes and escapes).
  static func quoted(_ value: String) -> [UInt8] {
    Payload.string(value).bytes
  }

  /// A number as JSON (finite; a non-finite one as 0).
  static func number(_ value: Double) -> String {
    value.isFinite ? "\(value)" : "0"
  }
}

extension Duration {
  /// Seconds as a Double (the API's unit for times).
  var apiSeconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}
