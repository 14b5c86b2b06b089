import ExecutionCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The latest encoded snapshot and when it was made: requests within the runtime's refresh interval
/// (when its percentiles could not have changed) share it, so several dashboards, or one polling
/// fast, cost one encoding per interval.
final class EncodedSnapshot: Sendable {
  private let latest = Mutex<(body: ByteBuffer, at: ContinuousClock.Instant)?>(nil)
  /// Set once the streaming encoder could not write the snapshot (it falls back to JSONEncoder).
  let fellBack = Atomic<Bool>(false)

  /// The body made within `maxAge`, or a new one from `make`.
  func body(maxAge: Duration, make: () -> ByteBuffer) -> ByteBuffer {
    let now = ContinuousClock.now
    if let (body, at) = latest.withLock({ $0 }), now - at < maxAge { return body }
    let body = make()
    latest.withLock { $0 = (body, now) }
    return body
  }
}

extension LanesAPI {
  /// `GET /v1/snapshot[?histograms=1]`.
  func snapshot(_ request: Request) -> Response {
    let histograms: Bool
    switch request.uri.queryParameters.get("histograms") {
    case nil, "0", "false": histograms = false
    case "1", "true": histograms = true
    case .some(let other):
      return Reply.error(
        .badRequest,
        "GET /v1/snapshot: histograms must be 1 (or true) to add them, 0 or false, not '\(other)'")
    }
    let body = encodedSnapshot.body(maxAge: runtime.snapshotRefreshInterval) {
      ByteBuffer(bytes: encode(runtime.snapshot(), what: "the snapshot"))
    }
    guard histograms else {
      return Response(
        status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }
    // The snapshot's object with one more member: `"histograms": {...}` before its closing brace.
    let extra = encode(runtime.snapshotHistograms(), what: "the histograms")
    var out = ByteBuffer()
    out.reserveCapacity(body.readableBytes + extra.count + 16)
    out.writeImmutableBuffer(body.getSlice(at: body.readerIndex, length: body.readableBytes - 1) ?? body)
    out.writeString(#","histograms":"#)
    out.writeBytes(extra)
    out.writeString("}")
    return Response(
      status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: out))
  }

  /// `value` as JSON: written as it encodes itself (`StreamingJSON`), or by `JSONEncoder` if that
  /// cannot (said once in the log: a type in the snapshot encodes itself in a way it cannot follow).
  func encode<T: Encodable>(_ value: T, what: String) -> [UInt8] {
    do {
      return try StreamingJSON.encode(value, reservingCapacity: 64 * 1024)
    } catch {
      if !encodedSnapshot.fellBack.exchange(true, ordering: .relaxed) {
        options.logger.warning(
          "\(what) is encoded with JSONEncoder, several times slower: \(error) (StreamingJSON.swift says what it follows)"
        )
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = .withoutEscapingSlashes
      return Array((try? encoder.encode(value)) ?? Data(#"{"error":"the answer could not be encoded"}"#.utf8))
    }
  }
}
