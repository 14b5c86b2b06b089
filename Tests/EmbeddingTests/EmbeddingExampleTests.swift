import Foundation
import Testing

/// The README's embedding example runs to completion by itself and reports what happened.
@Suite struct EmbeddingExampleTests {
  /// The `EmbeddingExample` binary next to the test bundle (built because this target depends on it).
  static var binary: URL {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = exe.deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("EmbeddingExample")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory.deleteLastPathComponent()
    }
    return exe.deletingLastPathComponent().appendingPathComponent("EmbeddingExample")
  }

  @Test(.timeLimit(.minutes(1))) func exampleAnswersThreeRequestsAndSettlesTheirBackgroundWork() throws {
    let process = Process()
    process.executableURL = Self.binary
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let lines = text.split(separator: "\n").map(String.init)
    for order in 1...3 {
      #expect(lines.contains { $0.hasSuffix("response: 200 order \(order) confirmed") })
    }
    // Run 2's first receipt attempt fails on purpose; the retry sends it.
    #expect(lines.contains { $0.hasSuffix("receipt for order 1 sent (attempt 1)") })
    #expect(lines.contains { $0.hasSuffix("receipt for order 2 sent (attempt 2)") })
    #expect(lines.contains { $0.hasSuffix("receipt for order 3 sent (attempt 1)") })
    #expect(lines.contains("queue email: 3 succeeded, 1 retried, 0 dead"))
    #expect(lines.contains("queue analytics: 3 succeeded, 0 retried, 0 dead"))
  }
}
