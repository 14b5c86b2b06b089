import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// A swift-log handler writing one JSON object per line to standard error (for log collectors):
/// `{"time":"2026-11-30T19:00:00.123Z","level":"notice","label":"lanes.server","message":"...",...metadata}`.
public struct JSONLogHandler: LogHandler {
  /// The logger's label.
  public let label: String
  /// The lowest level written.
  public var logLevel: Logger.Level = .info
  /// Metadata added to every line.
  public var metadata: Logger.Metadata = [:]

  /// A handler for `label`.
  public init(label: String) { self.label = label }

  /// See `LogHandler`.
  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  /// See `LogHandler`.
  public func log(event: LogEvent) {
    var fields: [String: String] = [:]
    for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
      fields[key] = "\(value)"
    }
    fields["time"] = Self.timestamp()
    fields["level"] = event.level.rawValue
    fields["label"] = label
    fields["message"] = "\(event.message)"
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard var line = try? encoder.encode(fields) else { return }
    line.append(UInt8(ascii: "\n"))
    // One write per line, so lines from several threads never interleave.
    line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
  }

  static func timestamp() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
  }
}
