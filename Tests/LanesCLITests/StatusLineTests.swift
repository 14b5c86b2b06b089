import Foundation
import LanesTestSupport
import Testing

/// The dashboard without a terminal (issue 12 point 8): per-queue detail, JSON lines for log
/// collectors, and a final line when it stops.
@Suite(.serialized)
struct StatusLineTests {
  @Test func jsonStatusLinesAreOneObjectPerLineWithEveryQueue() throws {
    let result = try LanesBinary.run(
      ["dashboard", "chat", "--duration", "3s", "--status-format", "json"], timeout: 60)
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    #expect(result.stderr.contains("printing a status line"), "the notice goes to stderr")
    let lines = result.stdout.split(separator: "\n")
    #expect(!lines.isEmpty)
    let objects = try lines.map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
    }
    let last = try #require(objects.last)
    #expect(last["final"] as? Bool == true)
    #expect(last["ended"] as? String == "duration reached")
    let queues = try #require(last["queues"] as? [[String: Any]])
    #expect(Set(queues.compactMap { $0["name"] as? String }) == ["history", "events", "audit", "memory"])
    for queue in queues {
      for key in ["depth", "capacity", "workers", "succeeded", "dead", "rejected", "dropped"] {
        #expect(queue[key] is Int, "\(key) missing in \(queue)")
      }
    }
    let chat = try #require((last["workflows"] as? [[String: Any]])?.first)
    #expect(chat["name"] as? String == "chat")
  }

  @Test func aSignalEndsTheStatusLinesWithAFinalLine() async throws {
    let lanes = try LanesBinary.start(["dashboard", "chat", "--duration", "120s"])
    #expect(await eventually(within: .seconds(60)) { lanes.outputSoFar.contains("] hybrid | chat") })
    lanes.signal(SIGTERM)
    let result = lanes.wait(timeout: 60)
    #expect(result.status == 128 + SIGTERM)
    let last = try #require(result.stdout.split(separator: "\n").last)
    #expect(last.hasPrefix("final (stopped by SIGTERM): ["), "stdout:\n\(result.stdout)")
    #expect(last.contains("queue history: depth "))
    #expect(last.contains(" dead, "))
  }
}
