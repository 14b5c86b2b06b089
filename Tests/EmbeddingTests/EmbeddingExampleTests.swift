import Foundation
import LanesTestSupport
import Testing

/// The README's embedding example runs to completion by itself and reports what happened.
@Suite struct EmbeddingExampleTests {
  @Test(.timeLimit(.minutes(1))) func exampleAnswersThreeRequestsAndSettlesTheirBackgroundWork() throws {
    let result = try ChildProcess.run(ChildProcess.builtProduct("EmbeddingExample"), [], timeout: 50)
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
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
