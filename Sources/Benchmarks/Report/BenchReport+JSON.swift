#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension BenchReport {
  /// The report as pretty-printed JSON (keys sorted, so two runs diff cleanly).
  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(self)
  }

  /// The report as JSON text.
  public func json() throws -> String {
    String(decoding: try jsonData(), as: UTF8.self)
  }

  /// Reads a report written by `jsonData()`.
  public static func decode(json: Data) throws -> BenchReport {
    try JSONDecoder().decode(BenchReport.self, from: json)
  }
}
