import Foundation
import LanesTestSupport
import Testing

/// The README's embedding example runs to completion by itself and reports what happened.
@Suite struct EmbeddingExampleTests {
  @Test(.timeLimit(.minutes(1))) func exampleAnswersThreeRequestsAndSettlesTheirBackgroundWork() throws {
    let result = try ChildProcess.run(ChildProcess.builtProduct("EmbeddingExample"), [], timeout: 50)
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    // Each response is the receipt the blocking steps computed from that order (the run's input).
    for (order, charged) in [(1, "$3.49"), (2, "$15.47"), (3, "$40.94")] {
      #expect(
        lines.contains {
          $0.hasSuffix("response: 200 order \(order) confirmed, \(charged) charged (ch_\(order))")
        },
        "stdout:\n\(result.stdout)")
    }
    // The background step reads the receipt from its dependency's output; order 2's first attempt
    // fails on purpose and the retry sees the same receipt.
    #expect(
      lines.contains { $0.hasSuffix("receipt for order 1 ($3.49) sent to customer1@example.com (attempt 1)") }
    )
    #expect(
      lines.contains {
        $0.hasSuffix("receipt for order 2 ($15.47) sent to customer2@example.com (attempt 2)")
      })
    #expect(
      lines.contains {
        $0.hasSuffix("receipt for order 3 ($40.94) sent to customer3@example.com (attempt 1)")
      })
    #expect(lines.contains("revenue counted by analytics: $59.90"))
    #expect(lines.contains("queue email: 3 succeeded, 1 retried, 0 dead"))
    #expect(lines.contains("queue analytics: 3 succeeded, 0 retried, 0 dead"))
  }
}
