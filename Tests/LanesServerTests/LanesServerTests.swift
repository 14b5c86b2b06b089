import ExecutionCore
import Foundation
import Hummingbird
import LanesTestSupport
import Testing

@testable import LanesServer

/// The server library in-process: the OpenAPI document against the router, the snapshot's JSON
/// round trip, a runtime embedded and served with data, the token comparison.
@Suite struct LanesServerTests {
  struct Order: Codable { var id: Int; var cents: Int }
  struct Charge: Codable { var order: Int; var charged: Int }

  /// A workflow in code whose response is made from the run's input.
  static func topology() -> Topology {
    let checkout = WorkflowDefinition(
      name: "checkout",
      steps: [
        StepDefinition(
          id: "charge", mode: .blocking,
          action: .codable { (order: Order, _) -> Charge in Charge(order: order.id, charged: order.cents) }),
        StepDefinition(
          id: "receipt", mode: .background, after: ["charge"], queue: "email",
          action: .closure { _ in }),
      ], load: LoadDefinition(rate: 0), response: "charge")
    return Topology(workflows: [checkout], queues: [QueueDefinition(name: "email", workers: 1, capacity: 10)])
  }

  @Test func everyRouteIsInTheOpenAPIDocumentAndTheReverse() throws {
    let runtime = try Runtime(topology: Self.topology(), options: RuntimeOptions(startLoad: false))
    let router = Router(context: BasicRequestContext.self)
    LanesAPI(runtime: runtime).addRoutes(to: router)
    let routed = Set(
      router.routes.map { route in
        "\(route.method.rawValue) /" + route.path.components.map(\.description).joined(separator: "/")
      })
    let documented = OpenAPIRoutes.operations(in: LanesAPI.openAPIDocument)
    #expect(routed.count >= 20)
    #expect(
      routed.subtracting(documented).isEmpty,
      "routes missing from openapi.yaml: \(routed.subtracting(documented))")
    #expect(
      documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed))")
  }

  @Test func theSnapshotRoundTripsThroughPlainJSON() async throws {
    let runtime = try Runtime(topology: Self.topology(), options: RuntimeOptions(startLoad: false))
    runtime.start()
    _ = try await runtime.run(workflow: "checkout", input: try Payload(encoding: Order(id: 1, cents: 5)))
    let snapshot = runtime.snapshot(fresh: true)
    let data = try JSONEncoder().encode(snapshot)
    let decoded = try JSONDecoder().decode(RuntimeSnapshot.self, from: data)
    // RuntimeSnapshot is not Equatable: equal encodings of the decoded value say it lost nothing.
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    #expect(try encoder.encode(decoded) == encoder.encode(snapshot))
    _ = await runtime.shutdown(deadline: .seconds(5))
  }

  @Test func anEmbeddedRuntimeIsServedWithData() async throws {
    let topology = Self.topology()
    let metrics = LanesMetrics(topology: topology)
    let runtime = try Runtime(
      topology: topology, options: RuntimeOptions(startLoad: false, keptRuns: 10, observer: metrics))
    runtime.start()
    let server = try await LanesServer.start(runtime, metrics: metrics, port: 0)
    let http = RawHTTP(port: server.port)
    let answer = try await http.send("POST", "/v1/workflows/checkout/runs", body: #"{"id":7,"cents":1250}"#)
    #expect(answer.status == 200, "\(answer.body)")
    #expect(answer.json["response"] as? [String: Int] == ["order": 7, "charged": 1250])
    // An input the step cannot decode fails the run, naming the step.
    let wrong = try await http.send("POST", "/v1/workflows/checkout/runs", body: #"{"id":"seven"}"#)
    #expect(wrong.status == 502)
    #expect(wrong.json["failedStep"] as? String == "charge")
    let scrape = try await http.send("GET", "/metrics").body
    #expect(scrape.contains(#"lanes_critical_path_seconds_count{workflow="checkout"} 1"#))
    #expect(scrape.contains(#"lanes_runs_total{workflow="checkout",outcome="failed"} 1"#))
    let summary = await server.stop(drain: .seconds(10))
    #expect(summary.stepsLost == 0)
    #expect(summary.runsUnanswered == 0)
  }

  @Test func aConnectionThatStallsMidRequestIsClosed() async throws {
    let runtime = try Runtime(topology: Self.topology(), options: RuntimeOptions(startLoad: false))
    let server = try await LanesServer.start(
      runtime, port: 0, options: ServerOptions(idleTimeout: .milliseconds(500)))
    let port = server.port
    // Half a request, then silence: the server closes the connection (the read sees its end).
    let closed = try await RawHTTP.offPool {
      try RawHTTP(port: port).stallUntilClosed("/v1/info", timeout: 60)
    }
    #expect(closed)
    // A whole request on a fresh connection is still answered.
    #expect(try await RawHTTP(port: port).send("GET", "/healthz").status == 200)
    _ = await server.stop(drain: .seconds(5))
  }

  @Test func routesMountIntoAServicesOwnRouter() async throws {
    let runtime = try Runtime(topology: Self.topology(), options: RuntimeOptions(startLoad: false))
    let router = Router(context: BasicRequestContext.self)
    router.get("/own") { _, _ in "mine" }
    LanesAPI(runtime: runtime).addRoutes(to: router)
    let paths = router.routes.map { "/" + $0.path.components.map(\.description).joined(separator: "/") }
    #expect(paths.contains("/own"))
    #expect(paths.contains("/v1/workflows/{name}/runs"))
  }

  @Test func tokensCompareWholly() {
    let token = Array("abcdef".utf8)
    #expect(AccessMiddleware<BasicRequestContext>.constantTimeEqual(token, token))
    #expect(!AccessMiddleware<BasicRequestContext>.constantTimeEqual(Array("abcdeg".utf8), token))
    #expect(!AccessMiddleware<BasicRequestContext>.constantTimeEqual(Array("abcde".utf8), token))
    #expect(!AccessMiddleware<BasicRequestContext>.constantTimeEqual([], token))
    #expect(AccessMiddleware<BasicRequestContext>.isRunRoute("/v1/workflows/x/runs"))
    #expect(!AccessMiddleware<BasicRequestContext>.isRunRoute("/v1/workflows/x/pause"))
  }
}
