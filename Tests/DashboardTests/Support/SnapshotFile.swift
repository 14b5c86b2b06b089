import Foundation
import Testing

/// Text snapshots kept in `Snapshots/` next to the tests.
///
/// `LANES_RECORD_SNAPSHOTS=1` rewrites them, and that run fails on purpose, so a recording run
/// can never pass as a test run.
enum SnapshotFile {
  static var recording: Bool { ProcessInfo.processInfo.environment["LANES_RECORD_SNAPSHOTS"] == "1" }

  static func url(_ name: String, filePath: String) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
      .appendingPathComponent(name + ".txt")
  }

  /// Compares `actual` with the stored snapshot `name`, line by line.
  static func assert(
    _ actual: String, named name: String, filePath: String = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let url = url(name, filePath: filePath)
    if recording {
      try? FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try? (actual + "\n").write(to: url, atomically: true, encoding: .utf8)
      Issue.record(
        "recorded snapshot \(name); unset LANES_RECORD_SNAPSHOTS and run again",
        sourceLocation: sourceLocation)
      return
    }
    guard let stored = try? String(contentsOf: url, encoding: .utf8) else {
      Issue.record(
        "no snapshot \(name).txt; record it with LANES_RECORD_SNAPSHOTS=1\n\(actual)",
        sourceLocation: sourceLocation)
      return
    }
    let expected = stored.hasSuffix("\n") ? String(stored.dropLast()) : stored
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(expectedLines.count, actualLines.count) {
      let want = index < expectedLines.count ? String(expectedLines[index]) : "<no line>"
      let got = index < actualLines.count ? String(actualLines[index]) : "<no line>"
      if want != got {
        Issue.record(
          "snapshot \(name) differs at line \(index + 1):\n  expected: \(want)\n  actual:   \(got)\n\nwhole frame:\n\(actual)",
          sourceLocation: sourceLocation)
        return
      }
    }
  }
}
