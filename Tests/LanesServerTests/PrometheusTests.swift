import Foundation
import LanesTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `/metrics` as Prometheus itself reads it: `promtool check metrics`, and a real Prometheus
/// server (Debian's package) scraping `lanes serve` and answering a query.
///
/// Without prometheus and promtool the tests say so and pass, except under CI (CI=true), where
/// `.ci/run` installs them: there their absence fails.
@Suite(.serialized) struct PrometheusTests {
  static func tool(_ name: String) -> URL? {
    for folder in ["/usr/bin", "/usr/local/bin", "/bin"] {
      let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
  }

  /// The tool, or nil after recording an issue under CI (a local run without it passes).
  static func require(_ name: String) -> URL? {
    if let url = tool(name) { return url }
    if ProcessInfo.processInfo.environment["CI"] == "true" {
      Issue.record(
        "\(name) is missing: .ci/run installs Debian's prometheus package; install it (apt-get install prometheus)"
      )
    } else {
      print("PrometheusTests: \(name) not installed (apt-get install prometheus); not checked here")
    }
    return nil
  }

  @Test func promtoolAcceptsTheScrape() async throws {
    guard let promtool = Self.require("promtool") else { return }
    let server = try await ServedLanes()
    let http = server.client()
    _ = try await http.send("POST", "/v1/workflows/fast/runs", body: "{}")
    _ = try await http.send("POST", "/v1/workflows/failing/runs")
    let scrape = try await http.send("GET", "/metrics").body
    let file = server.folder.appendingPathComponent("scrape.txt")
    try Data(scrape.utf8).write(to: file)
    let check = try ChildProcess.run(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", "exec \"$0\" check metrics < \"$1\"", promtool.path, file.path],
      streams: .merged, timeout: 60)
    #expect(check.status == 0, "promtool: \(check.stdout)")
    #expect(check.stdout.isEmpty, "promtool: \(check.stdout)")
    #expect(try await server.stop().status == 0)
  }

  @Test func aPrometheusServerScrapesTheRunCount() async throws {
    guard let binary = Self.require("prometheus") else { return }
    let server = try await ServedLanes(["fast"])
    let http = server.client()
    for _ in 0..<5 {
      #expect(try await http.send("POST", "/v1/workflows/fast/runs").status == 200)
    }
    let port = try Self.freePort()
    let config = server.folder.appendingPathComponent("prometheus.yml")
    try Data(
      """
      global:
        scrape_interval: 1s
      scrape_configs:
        - job_name: lanes
          scrape_interval: 1s
          static_configs:
            - targets: ["127.0.0.1:\(server.port)"]
      """.utf8
    ).write(to: config)
    // Its own process; killed at the end of the test whatever happens (ChildProcess's deinit).
    let prometheus = try ChildProcess(
      binary,
      [
        "--config.file=\(config.path)",
        "--storage.tsdb.path=\(server.folder.appendingPathComponent("data").path)",
        "--web.listen-address=127.0.0.1:\(port)",
      ], streams: .merged)
    defer { prometheus.signal(SIGKILL) }
    let query = "/api/v1/query?query=lanes_runs_total%7Bworkflow%3D%22fast%22%2Coutcome%3D%22succeeded%22%7D"
    var last = ""
    let counted = await poll(within: .seconds(90), every: .milliseconds(500)) {
      last = (try? await RawHTTP(port: port).send("GET", query, timeout: 5).body) ?? ""
      return last.contains(#""5"]"#)
    }
    #expect(counted, "Prometheus answered: \(last)\nits log: \(prometheus.outputSoFar.suffix(2000))")
    prometheus.signal(SIGTERM)
    let box = UncheckedChild(child: prometheus)
    let ended = try await RawHTTP.offPool { box.child.wait(timeout: 60) }
    #expect(ended.status == 0 || ended.status == 143, "\(ended.stdout.suffix(2000))")
    #expect(try await server.stop().status == 0)
  }

  /// A loopback port nobody listens on now (the kernel's pick for a socket bound to port 0).
  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else { throw RawHTTP.Failure(description: "cannot pick a free port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
