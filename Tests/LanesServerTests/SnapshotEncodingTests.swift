import ExecutionCore
import Foundation
import LanesTestSupport
import Synchronization
import Testing

@testable import LanesServer

/// `GET /v1/snapshot` as it is made: the streaming encoder against `JSONEncoder`, the encoded
/// snapshot shared within the refresh interval, and the histograms that merge across servers.
@Suite struct SnapshotEncodingTests {
  /// The JSON text of `value` parsed back, for comparing two writings of it whatever their order
  /// of keys and spelling of numbers.
  static func parsed(_ bytes: some Collection<UInt8>) throws -> NSObject {
    try #require(
      try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? NSObject)
  }

  /// `value` written by both encoders: the same JSON, and it decodes to the same value.
  static func expectSameAsJSONEncoder<T: Codable & Equatable>(_ value: T) throws {
    let streamed = try StreamingJSON.encode(value)
    let plain = try JSONEncoder().encode(value)
    #expect(try parsed(streamed) == parsed(plain), "\(String(decoding: streamed, as: UTF8.self))")
    #expect(try JSONDecoder().decode(T.self, from: Data(streamed)) == value)
  }

  struct Primitives: Codable, Equatable {
    var text = "quote \" backslash \\ slash / tab \t newline \n bell \u{7} é 🚦"
    var int = Int.min
    var int8 = Int8.min
    var int16 = Int16.max
    var int32 = Int32.min
    var int64 = Int64.max
    var uint = UInt.max
    var uint8 = UInt8.max
    var uint16 = UInt16.max
    var uint32 = UInt32.max
    var uint64 = UInt64.max
    var doubles = [
      0.0, -0.0, 1, -2.5, 0.1, 1e-5, 5e-324, 1e300, 123_456_789_012_345_678, 1.7976931348623157e308,
    ]
    var float: Float = 0.1
    var bool = true
    var missing: Int? = nil
    var present: String? = "here"
    var nested: [[String: [Int]]] = [["a": [1, 2], "b": []], [:]]
    var byInt: [Int: String] = [3: "three", -1: "minus one"]
    var empty: [String] = []
  }

  enum Shape: Codable, Equatable {
    case point
    case circle(radius: Double)
    case labelled(String, Int)
  }

  struct Empty: Codable, Equatable {}

  struct Wrapper: Codable, Equatable {
    var inner: Int
    func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      try container.encode(inner)
    }
    init(inner: Int) { self.inner = inner }
    init(from decoder: any Decoder) throws { inner = try decoder.singleValueContainer().decode(Int.self) }
  }

  @Test func itWritesWhatJSONEncoderWrites() throws {
    try Self.expectSameAsJSONEncoder(Primitives())
    try Self.expectSameAsJSONEncoder([Shape.point, .circle(radius: 2.5), .labelled("x", 3)])
    try Self.expectSameAsJSONEncoder(["empty": Empty()])
    try Self.expectSameAsJSONEncoder([Wrapper(inner: 4), Wrapper(inner: -4)])
    try Self.expectSameAsJSONEncoder([Duration.seconds(3), .nanoseconds(-7), .zero])
    try Self.expectSameAsJSONEncoder("top-level string")
    #expect(String(decoding: try StreamingJSON.encode(["a/b": "c/d"]), as: UTF8.self) == #"{"a/b":"c/d"}"#)
  }

  struct OutOfOrder: Encodable {
    enum Keys: CodingKey { case a, b }
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: Keys.self)
      var first = container.nestedUnkeyedContainer(forKey: .a)
      var second = container.nestedUnkeyedContainer(forKey: .b)
      try second.encode(1)
      try first.encode(2)  // `a` was closed when `b` began: cannot be written any more
    }
  }

  struct UsesSuper: Encodable {
    enum Keys: CodingKey { case a }
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: Keys.self)
      try 1.encode(to: container.superEncoder())
    }
  }

  struct TwoKinds: Encodable {
    enum Keys: CodingKey { case a }
    func encode(to encoder: any Encoder) throws {
      var keyed = encoder.container(keyedBy: Keys.self)
      try keyed.encode(1, forKey: .a)
      var unkeyed = encoder.unkeyedContainer()
      try unkeyed.encode(2)
    }
  }

  @Test func whatItCannotFollowThrowsInsteadOfWritingWrongJSON() throws {
    #expect(throws: StreamingJSON.Unsupported.self) { try StreamingJSON.encode(OutOfOrder()) }
    #expect(throws: StreamingJSON.Unsupported.self) { try StreamingJSON.encode(UsesSuper()) }
    #expect(throws: StreamingJSON.Unsupported.self) { try StreamingJSON.encode(TwoKinds()) }
    // Types JSONEncoder writes its own way, and numbers JSON cannot hold.
    #expect(throws: StreamingJSON.Unsupported.self) { try StreamingJSON.encode(["at": Date()]) }
    #expect(throws: StreamingJSON.Unsupported.self) { try StreamingJSON.encode([Data([1, 2])]) }
    #expect(throws: StreamingJSON.Unsupported.self) { try StreamingJSON.encode([Double.nan]) }
    #expect(throws: StreamingJSON.Unsupported.self) { try StreamingJSON.encode(["x": Double.infinity]) }
  }

  @Test func aWorkingSnapshotIsWrittenAsJSONEncoderWritesIt() async throws {
    let topology = LanesServerTests.topology()
    let runtime = try Runtime(topology: topology, options: RuntimeOptions(startLoad: false, keptRuns: 10))
    runtime.start()
    for id in 1...5 {
      _ = try await runtime.run(
        workflow: "checkout", input: try Payload(encoding: LanesServerTests.Order(id: id, cents: id * 100)))
    }
    _ = try? await runtime.run(workflow: "checkout", input: try Payload(encoding: ["id": "wrong"]))
    runtime.pause(workflow: "checkout")
    let snapshot = runtime.snapshot(fresh: true)
    let streamed = try StreamingJSON.encode(snapshot)
    #expect(try Self.parsed(streamed) == Self.parsed(JSONEncoder().encode(snapshot)))
    // RuntimeSnapshot is not Equatable: equal encodings of the decoded value say it lost nothing.
    let decoded = try JSONDecoder().decode(RuntimeSnapshot.self, from: Data(streamed))
    let sorted = JSONEncoder()
    sorted.outputFormatting = .sortedKeys
    #expect(try sorted.encode(decoded) == sorted.encode(snapshot))
    #expect(decoded.workflows[0].runsFailed == 1)
    #expect(decoded.workflows[0].lastRun != nil)
    _ = await runtime.shutdown(deadline: .seconds(5))
  }

  @Test func requestsWithinTheRefreshIntervalShareOneEncodedSnapshot() async throws {
    for (interval, shared) in [(Duration.seconds(3600), true), (.zero, false)] {
      let runtime = try Runtime(
        topology: LanesServerTests.topology(),
        options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: interval))
      runtime.start()
      let server = try await LanesServer.start(runtime, port: 0)
      let http = RawHTTP(port: server.port)
      let before = try await http.send("GET", "/v1/snapshot")
      _ = try await http.send("POST", "/v1/workflows/checkout/runs", body: #"{"id":1,"cents":1}"#)
      let after = try await http.send("GET", "/v1/snapshot")
      let started = try JSONDecoder().decode(RuntimeSnapshot.self, from: Data(after.body.utf8))
        .workflows[0].runsStarted
      #expect(started == (shared ? 0 : 1), "refresh interval \(interval)")
      #expect((after.body == before.body) == shared)
      _ = await server.stop(drain: .seconds(5))
    }
  }

  /// A runtime on a manual clock whose one blocking step takes exactly the next of `latencies`
  /// (it moves the clock on), served on a port of its own.
  static func served(latencies: [Int]) async throws -> (Runtime, RunningServer) {
    let clock = ManualClock()
    let next = Counter()
    let step = StepDefinition(
      id: "work", mode: .blocking,
      action: .closure { _ in clock.advance(by: .milliseconds(latencies[next.take()])) })
    let topology = Topology(
      workflows: [WorkflowDefinition(name: "w", steps: [step], load: LoadDefinition(rate: 0))], queues: [])
    let runtime = try Runtime(topology: topology, options: RuntimeOptions(startLoad: false), clock: clock)
    runtime.start()
    for _ in latencies { _ = try await runtime.run(workflow: "w") }
    return (runtime, try await LanesServer.start(runtime, port: 0))
  }

  final class Counter: Sendable {
    private let value = Mutex(0)
    func take() -> Int {
      value.withLock { value in
        defer { value += 1 }
        return value
      }
    }
  }

  /// The `histograms` member of `GET /v1/snapshot?histograms=1`, with the snapshot it came with.
  struct WithHistograms: Decodable {
    var histograms: SnapshotHistograms
  }

  @Test func histogramsOfTwoServersMergeIntoThePercentilesOfAllTheirRuns() async throws {
    // One server's runs took 1 to 100 ms, the other's 101 to 300 ms; a third ran all 300.
    let (firstRuntime, first) = try await Self.served(latencies: Array(1...100))
    let (secondRuntime, second) = try await Self.served(latencies: Array(101...300).reversed())
    let (allRuntime, all) = try await Self.served(latencies: Array(1...300))
    var parts: [SnapshotHistograms] = []
    for server in [first, second, all] {
      let reply = try await RawHTTP(port: server.port).send("GET", "/v1/snapshot?histograms=1")
      #expect(reply.status == 200)
      // Still the snapshot a plain decoder reads, with one more member.
      _ = try JSONDecoder().decode(RuntimeSnapshot.self, from: Data(reply.body.utf8))
      parts.append(try JSONDecoder().decode(WithHistograms.self, from: Data(reply.body.utf8)).histograms)
    }
    for window in [StatsWindow.sinceStart, .last1m] {
      let merged = try LatencyBuckets.merged([
        try #require(parts[0].criticalPath["w"]?[window]), try #require(parts[1].criticalPath["w"]?[window]),
      ])
      let union = try #require(parts[2].criticalPath["w"]?[window])
      let summary = try merged.summary()
      // Exactly what one histogram of all 300 runs says, here and in the third runtime's snapshot.
      #expect(merged == union, "\(window)")
      #expect(summary == (try union.summary()))
      #expect(summary == allRuntime.snapshot(fresh: true).workflows[0].figures(window).criticalPath)
      // And the values themselves: the 150th of 1...300 ms is 150 ms, to the histogram's 1%.
      #expect(summary.count == 300)
      #expect(summary.p50 >= .milliseconds(150) && summary.p50 <= .microseconds(151_500), "\(summary.p50)")
      #expect(summary.p99 >= .milliseconds(297) && summary.p99 <= .microseconds(300_000), "\(summary.p99)")
      #expect(summary.max >= .milliseconds(300) && summary.max <= .milliseconds(303), "\(summary.max)")
    }
    // Each server alone is what its own snapshot says.
    #expect(
      try parts[0].criticalPath["w"]?[.sinceStart]?.summary()
        == firstRuntime.snapshot(fresh: true).workflows[0].criticalPath)
    #expect(
      try parts[1].criticalPath["w"]?[.sinceStart]?.summary()
        == secondRuntime.snapshot(fresh: true).workflows[0].criticalPath)
    // Only when asked.
    let plain = try await RawHTTP(port: first.port).send("GET", "/v1/snapshot")
    #expect(plain.json["histograms"] == nil)
    let wrong = try await RawHTTP(port: first.port).send("GET", "/v1/snapshot?histograms=yes")
    #expect(wrong.status == 400)
    #expect(wrong.body.contains("histograms must be 1"), "\(wrong.body)")
    for server in [first, second, all] { _ = await server.stop(drain: .seconds(5)) }
  }

  @Test func bucketsFromElsewhereAreCheckedBeforeTheyMerge() throws {
    let good = LatencyBuckets(
      unit: "us", significantDigits: 2, highestTrackableValue: 3_600_000_000, count: 2, min: 100, max: 100,
      buckets: [[100, 100, 2]])
    #expect(try good.summary().p50 == .microseconds(100))
    var digits = good
    digits.significantDigits = 3
    #expect(throws: LatencyBucketsError.self) { try LatencyBuckets.merged([good, digits]) }
    var notABucket = good
    notABucket.buckets = [[100, 200, 2]]
    #expect(throws: LatencyBucketsError.self) { try notABucket.summary() }
    var miscounted = good
    miscounted.count = 3
    #expect(throws: LatencyBucketsError.self) { try miscounted.summary() }
    var wrongMax = good
    wrongMax.max = 90
    #expect(throws: LatencyBucketsError.self) { try wrongMax.summary() }
    #expect(try LatencyBuckets.merged([]) == .empty)
    #expect(try LatencyBuckets.empty.summary() == .empty)
  }
}
