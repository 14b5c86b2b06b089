import ExecutionCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// How the API behaves; every field has a default that is safe on loopback.
public struct ServerOptions: Sendable {
  /// The bearer token every request but `/healthz` must carry (nil: none needed).
  public var token: String?
  /// Refuse every control route (pause, mode, rate, trigger, redrive, ...) with 403.
  public var readOnly: Bool
  /// The largest request body of a control route, in bytes (a run's body is bounded by the
  /// runtime's `inputLimit`).
  public var controlBodyLimit: Int
  /// Seconds a refused run's `Retry-After` asks the caller to wait.
  public var retryAfterSeconds: Int
  /// The most runs one trigger may ask for.
  public var burstLimit: Int
  /// Where the API logs (startup, run failures, refusals, control calls).
  public var logger: Logger
  /// A connection that sends nothing for this long while a request is half read, or between
  /// requests, is closed (a slow client cannot hold a connection; a request being answered, a
  /// long run or an event stream, is never cut).
  public var idleTimeout: Duration

  /// Creates options.
  public init(
    token: String? = nil, readOnly: Bool = false, controlBodyLimit: Int = 64 * 1024,
    retryAfterSeconds: Int = 1, burstLimit: Int = 10_000, logger: Logger = Logger(label: "lanes.server"),
    idleTimeout: Duration = .seconds(30)
  ) {
    self.token = token
    self.readOnly = readOnly
    self.controlBodyLimit = controlBodyLimit
    self.retryAfterSeconds = retryAfterSeconds
    self.burstLimit = burstLimit
    self.logger = logger
    self.idleTimeout = idleTimeout
  }
}

/// The Lanes HTTP API (v1) over one runtime: add its routes to a Hummingbird router with
/// `addRoutes(to:)`, or let `LanesServer.serve` run a whole server.
///
/// The routes and what they answer are in `openapi.yaml` (served at `/v1/openapi.yaml`).
public final class LanesAPI: Sendable {
  /// The version `/v1/info` reports.
  public static let version = "0.14.0"

  /// The runtime served.
  public let runtime: Runtime
  /// Its metrics (`/metrics`).
  public let metrics: LanesMetrics
  /// How the routes behave.
  public let options: ServerOptions
  let workflows: [String]
  let queues: [String]
  let startedAt: Double
  /// Set by `beginShutdown()`: new runs get 503.
  let stopping = Atomic<Bool>(false)
  /// Runs started over HTTP that have not answered yet.
  let answering = Atomic<Int>(0)
  let inputLimit: Int
  /// The OpenAPI document as served: the shipped one with this server's first workflow and
  /// queue as the examples of the name parameters (so a client or a fuzzer reaches real ones).
  let servedDocument: String
  /// The latest encoded snapshot, shared by requests within the runtime's refresh interval.
  let encodedSnapshot = EncodedSnapshot()

  /// An API over `runtime`. `metrics` fills its histograms only if it is also the runtime's
  /// `RuntimeOptions.observer`; made here from the snapshot when not given (then its histograms
  /// stay empty).
  public init(runtime: Runtime, metrics: LanesMetrics? = nil, options: ServerOptions = ServerOptions()) {
    let snapshot = runtime.snapshot(fresh: true)
    self.runtime = runtime
    self.workflows = snapshot.workflows.map(\.name)
    self.queues = snapshot.queues.map(\.name)
    self.metrics =
      metrics
      ?? LanesMetrics(
        workflows: snapshot.workflows.map(\.name), queues: snapshot.queues.map(\.name),
        clusterWide: runtime.isClusterNode)
    self.options = options
    self.startedAt = snapshot.startedAt.apiSeconds
    self.inputLimit = runtime.inputLimit
    var document = LanesAPI.openAPIDocument
    for (line, name) in [
      ("      description: A workflow's name (see /v1/info).\n", snapshot.workflows.first?.name),
      ("      description: A queue's name (see /v1/info).\n", snapshot.queues.first?.name),
    ] {
      guard let name else { continue }
      let quoted = String(decoding: Reply.quoted(name), as: UTF8.self)
      document = document.replacingOccurrences(of: line, with: line + "      example: \(quoted)\n")
    }
    self.servedDocument = document
  }

  /// From now on new runs get 503 (the server is shutting down); everything else still answers.
  public func beginShutdown() {
    stopping.store(true, ordering: .relaxed)
  }

  /// Runs started over HTTP that have not answered yet.
  public var runsAnswering: Int { answering.load(ordering: .relaxed) }

  /// Waits until every run started over HTTP has answered, or `timeout` (real time) passed;
  /// returns how many had not.
  public func waitForAnswers(timeout: Duration) async -> Int {
    let limit = ContinuousClock.now + timeout
    while runsAnswering > 0, ContinuousClock.now < limit {
      try? await Task.sleep(for: .milliseconds(5))
    }
    return runsAnswering
  }

  /// Adds every route of the API (and the token and read-only rules) to `router`.
  public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
    router.add(middleware: AccessMiddleware<Context>(token: options.token, readOnly: options.readOnly))
    router.get("/healthz") { _, _ in Reply.json(.ok, ["status": "ok"]) }
    router.get("/v1/info") { _, _ in self.info() }
    router.get("/v1/snapshot") { request, _ in self.snapshot(request) }
    router.get("/v1/events") { request, _ in self.events(request) }
    router.get("/v1/runs/{id}") { _, context in self.run(context.parameters.get("id")) }
    router.get("/metrics") { _, _ in
      Reply.text(self.metrics.scrape(self.runtime.snapshot()), contentType: "text/plain; version=0.0.4")
    }
    router.get("/v1/openapi.yaml") { _, _ in
      Reply.text(self.servedDocument, contentType: "application/yaml")
    }
    router.post("/v1/workflows/{name}/runs") { request, context in
      await self.startRun(request, workflow: context.parameters.get("name") ?? "")
    }
    router.post("/v1/workflows/{name}/pause") { _, context in
      self.workflowControl(context) { self.runtime.pause(workflow: $0) }
    }
    router.post("/v1/workflows/{name}/resume") { _, context in
      self.workflowControl(context) { self.runtime.resume(workflow: $0) }
    }
    router.post("/v1/workflows/{name}/trigger") { request, context in
      await self.trigger(request, context)
    }
    router.post("/v1/workflows/{name}/rate") { request, context in await self.setRate(request, context) }
    router.post("/v1/workflows/{name}/mode") { request, context in
      await self.setWorkflowMode(request, context)
    }
    router.post("/v1/workflows/{name}/recordings") { _, context in self.startRecording(context) }
    router.delete("/v1/recordings/{id}") { _, context in self.finishRecording(context.parameters.get("id")) }
    router.post("/v1/mode") { request, context in await self.setMode(request, context) }
    router.post("/v1/queues/{name}/pause") { _, context in
      self.queueControl(context) { self.runtime.pauseQueue($0) }
    }
    router.post("/v1/queues/{name}/resume") { _, context in
      self.queueControl(context) { self.runtime.resumeQueue($0) }
    }
    router.post("/v1/queues/{name}/redrive") { _, context in await self.redrive(context) }
    router.get("/v1/queues/{name}/dead-letters") { _, context in self.deadLetters(context) }
    router.delete("/v1/queues/{name}/dead-letters") { _, context in await self.deleteDeadLetters(context) }
  }

  // MARK: Watch

  struct Info: Codable {
    var server = "lanes"
    var version = LanesAPI.version
    var api = 1
    var readOnly: Bool
    var startedAt: Double
    var workflows: [String]
    var queues: [String]
  }

  func info() -> Response {
    Reply.json(
      .ok, Info(readOnly: options.readOnly, startedAt: startedAt, workflows: workflows, queues: queues))
  }

  func run(_ id: String?) -> Response {
    guard let text = id, let id = UInt64(text) else {
      return Reply.error(
        .badRequest, "GET /v1/runs/{id}: the id must be a run id (digits), as POST .../runs answered")
    }
    guard let trace = runtime.trace(run: id) else {
      return Reply.error(
        .notFound,
        "GET /v1/runs/\(id): no such run in flight or among the latest settled ones (kept: the latest \(runtime.keptRunCount))"
      )
    }
    return Reply.json(.ok, RunView(trace))
  }

  // MARK: Runs

  func startRun(_ request: Request, workflow name: String) async -> Response {
    let path = "POST /v1/workflows/\(name)/runs"
    guard workflows.contains(name) else {
      return Reply.error(.notFound, "\(path): no workflow named '\(name)'; GET /v1/info lists them")
    }
    if stopping.load(ordering: .relaxed) {
      return refused(503, "\(path): the server is shutting down; send the run to another instance")
    }
    let wait: Bool
    switch request.uri.queryParameters.get("wait") {
    case nil, "true": wait = true
    case "false": wait = false
    case .some(let other):
      return Reply.error(.badRequest, "\(path): wait must be true or false, not '\(other)'")
    }
    var request = request
    let body: ByteBuffer
    do {
      body = try await request.collectBody(upTo: inputLimit)
    } catch {
      return Reply.error(
        .contentTooLarge,
        "\(path): the body is over the input limit of \(inputLimit) bytes; send a smaller input (or raise the runtime's inputLimit)"
      )
    }
    let input: Payload
    if body.readableBytes == 0 {
      input = .null
    } else {
      do {
        input = try Payload(validating: body.readableBytesView)
      } catch {
        return Reply.error(
          .badRequest, "\(path): the body is not JSON: \(error); send one JSON value (or nothing for null)")
      }
    }
    answering.add(1, ordering: .relaxed)
    defer { answering.subtract(1, ordering: .relaxed) }
    if !wait {
      // The run needs a task of its own: this request answers at once.
      do {
        let id = try runtime.start(workflow: name, input: input)
        return Reply.json(.accepted, ["run": String(id)])
      } catch {
        return runError(error, path: path)
      }
    }
    do {
      let result = try await runtime.run(workflow: name, input: input)
      return runAnswer(result, workflow: name)
    } catch let error as RuntimeError {
      return runError(error, path: path)
    } catch {
      return Reply.error(.internalServerError, "\(path): \(error)")
    }
  }

  func runAnswer(_ result: RunResult, workflow: String) -> Response {
    var out: [UInt8] = []
    out.reserveCapacity(128 + result.response.count)
    out += Array(#"{"run":""#.utf8) + Array(String(result.runID).utf8) + Array(#"","workflow":"#.utf8)
    out += Reply.quoted(workflow)
    out +=
      Array(#","mode":""#.utf8) + Array(result.mode.rawValue.utf8) + Array(#"","criticalPathSeconds":"#.utf8)
    out += Array(Reply.number(result.latency.apiSeconds).utf8)
    if result.failed {
      let error = result.error ?? "failed"
      // Logged once, from the event log, with every other run failure (see RunningServer).
      out += Array(#","error":"#.utf8) + Reply.quoted(error)
      out += Array(#","failedStep":"#.utf8) + (result.failedStep.map(Reply.quoted) ?? Array("null".utf8))
      out += Array(#","stepError":"#.utf8) + (result.stepError.map(Reply.quoted) ?? Array("null".utf8))
      out += Array("}".utf8)
      return Reply.bytes(.badGateway, out)
    }
    out += Array(#","response":"#.utf8) + result.response.bytes + Array("}".utf8)
    return Reply.bytes(.ok, out)
  }

  func runError(_ error: RuntimeError, path: String) -> Response {
    switch error {
    case .unknownWorkflow:
      return Reply.error(.notFound, "\(path): \(error); GET /v1/info lists the workflows")
    case .invalidInput(_, let reason):
      if reason.contains("over the limit") { return Reply.error(.contentTooLarge, "\(path): \(reason)") }
      return Reply.error(.badRequest, "\(path): \(reason)")
    case .runRejected:
      switch error.refusal {
      case .inFlightLimit:
        return refused(429, "\(path): \(error); retry after the Retry-After seconds")
      default:
        return refused(503, "\(path): \(error); retry after the Retry-After seconds (or resume the workflow)")
      }
    default:
      return Reply.error(.internalServerError, "\(path): \(error)")
    }
  }

  func refused(_ status: Int, _ message: String) -> Response {
    Reply.error(
      HTTPResponse.Status(code: status), message,
      headers: [.retryAfter: String(options.retryAfterSeconds)])
  }

  // MARK: Control

  func workflowName(_ context: some RequestContext) -> String? {
    guard let name = context.parameters.get("name"), workflows.contains(name) else { return nil }
    return name
  }

  func unknownWorkflow(_ context: some RequestContext) -> Response {
    Reply.error(
      .notFound, "no workflow named '\(context.parameters.get("name") ?? "")'; GET /v1/info lists them")
  }

  func unknownQueue(_ context: some RequestContext) -> Response {
    Reply.error(
      .notFound, "no queue named '\(context.parameters.get("name") ?? "")'; GET /v1/info lists them")
  }

  func workflowControl(_ context: some RequestContext, _ action: (String) -> Void) -> Response {
    guard let name = workflowName(context) else { return unknownWorkflow(context) }
    action(name)
    let state = runtime.snapshot(fresh: true).workflows.first { $0.name == name }?.state ?? .running
    options.logger.notice("workflow \(state.rawValue)", metadata: ["workflow": .string(name)])
    return Reply.json(.ok, ["workflow": name, "state": state.rawValue])
  }

  func queueName(_ context: some RequestContext) -> String? {
    guard let name = context.parameters.get("name"), queues.contains(name) else { return nil }
    return name
  }

  func queueControl(_ context: some RequestContext, _ action: (String) -> Void) -> Response {
    guard let name = queueName(context) else { return unknownQueue(context) }
    action(name)
    let state = runtime.snapshot(fresh: true).queues.first { $0.name == name }?.state ?? .running
    options.logger.notice("queue \(state.rawValue)", metadata: ["queue": .string(name)])
    return Reply.json(.ok, ["queue": name, "state": state.rawValue])
  }

  /// The body of a control route decoded as `T`, or the 4xx answer.
  func decode<T: Decodable>(
    _ type: T.Type, _ request: Request, path: String, optional: Bool = false
  ) async -> Result<T?, ControlFailure> {
    var request = request
    let body: ByteBuffer
    do {
      body = try await request.collectBody(upTo: options.controlBodyLimit)
    } catch {
      return .failure(
        ControlFailure(
          Reply.error(.contentTooLarge, "\(path): the body is over \(options.controlBodyLimit) bytes")))
    }
    if body.readableBytes == 0 {
      if optional { return .success(nil) }
      return .failure(
        ControlFailure(Reply.error(.badRequest, "\(path): a JSON body is needed (see /v1/openapi.yaml)")))
    }
    do {
      return .success(try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)))
    } catch {
      return .failure(
        ControlFailure(
          Reply.error(
            .badRequest, "\(path): the body does not fit (\(Self.describe(error))); see /v1/openapi.yaml")))
    }
  }

  struct ControlFailure: Error {
    var response: Response
    init(_ response: Response) { self.response = response }
  }

  static func describe(_ error: any Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
    case DecodingError.dataCorrupted(let context):
      let at = context.codingPath.map(\.stringValue).joined(separator: ".")
      return at.isEmpty ? "not JSON" : "bad value at '\(at)'"
    default: return "not JSON"
    }
  }

  /// `{"count": N}`; `count` may be left out, but not null (the document says integer).
  struct TriggerBody: Decodable {
    var count: Int?
    enum CodingKeys: String, CodingKey { case count }
    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      count = container.contains(.count) ? try container.decode(Int.self, forKey: .count) : nil
    }
  }

  func trigger(_ request: Request, _ context: some RequestContext) async -> Response {
    guard let name = workflowName(context) else { return unknownWorkflow(context) }
    let path = "POST /v1/workflows/\(name)/trigger"
    switch await decode(TriggerBody.self, request, path: path, optional: true) {
    case .failure(let failure): return failure.response
    case .success(let body):
      let count = body?.count ?? 1
      guard (1...options.burstLimit).contains(count) else {
        return Reply.error(.badRequest, "\(path): count must be 1 to \(options.burstLimit), not \(count)")
      }
      let result = runtime.triggerBurst(workflow: name, count: count)
      options.logger.info(
        "trigger", metadata: ["workflow": .string(name), "result": .string(result.summary)])
      return Reply.json(.ok, result)
    }
  }

  struct RateBody: Decodable { var rate: Double }

  func setRate(_ request: Request, _ context: some RequestContext) async -> Response {
    guard let name = workflowName(context) else { return unknownWorkflow(context) }
    let path = "POST /v1/workflows/\(name)/rate"
    switch await decode(RateBody.self, request, path: path) {
    case .failure(let failure): return failure.response
    case .success(let body):
      let rate = body!.rate
      guard rate.isFinite, rate >= 0, rate <= 100_000 else {
        return Reply.error(.badRequest, "\(path): rate must be 0 to 100000 runs per second, not \(rate)")
      }
      runtime.setRate(workflow: name, rate: rate)
      options.logger.notice(
        "rate set", metadata: ["workflow": .string(name), "rate": .stringConvertible(rate)])
      return Reply.json(.ok, RateAnswer(workflow: name, rate: rate))
    }
  }

  struct RateAnswer: Encodable {
    var workflow: String
    var rate: Double
  }

  /// `{"mode": "hybrid"|"all-sync"|null, "comparison": Bool}`: `mode` is required (null: the
  /// runtime's mode), `comparison` may be left out but not null.
  struct WorkflowModeBody: Decodable {
    var mode: ExecutionMode?
    var comparison: Bool?
    enum CodingKeys: String, CodingKey { case mode, comparison }
    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      guard container.contains(.mode) else {
        throw DecodingError.keyNotFound(
          CodingKeys.mode,
          .init(codingPath: [], debugDescription: "mode is required (null: the runtime's mode)"))
      }
      mode =
        try container.decodeNil(forKey: .mode) ? nil : container.decode(ExecutionMode.self, forKey: .mode)
      comparison =
        container.contains(.comparison) ? try container.decode(Bool.self, forKey: .comparison) : nil
    }
  }

  struct WorkflowModeAnswer: Encodable {
    var workflow: String
    var mode: ExecutionMode?
    var comparison: Bool

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(workflow, forKey: .workflow)
      try container.encode(mode, forKey: .mode)  // null when it follows the runtime's mode
      try container.encode(comparison, forKey: .comparison)
    }
    enum CodingKeys: String, CodingKey { case workflow, mode, comparison }
  }

  func setWorkflowMode(_ request: Request, _ context: some RequestContext) async -> Response {
    guard let name = workflowName(context) else { return unknownWorkflow(context) }
    let path = "POST /v1/workflows/\(name)/mode"
    switch await decode(WorkflowModeBody.self, request, path: path) {
    case .failure(let failure): return failure.response
    case .success(let body):
      let comparison = body!.comparison ?? false
      runtime.setMode(body!.mode, workflow: name, comparison: comparison)
      options.logger.notice(
        "mode changed",
        metadata: [
          "workflow": .string(name), "mode": .string(body!.mode?.rawValue ?? "runtime"),
          "comparison": .stringConvertible(comparison),
        ])
      return Reply.json(.ok, WorkflowModeAnswer(workflow: name, mode: body!.mode, comparison: comparison))
    }
  }

  struct ModeBody: Decodable { var mode: ExecutionMode }

  func setMode(_ request: Request, _ context: some RequestContext) async -> Response {
    switch await decode(ModeBody.self, request, path: "POST /v1/mode") {
    case .failure(let failure): return failure.response
    case .success(let body):
      runtime.setMode(body!.mode)
      options.logger.notice("mode changed", metadata: ["mode": .string(body!.mode.rawValue)])
      return Reply.json(.ok, ["mode": body!.mode.rawValue])
    }
  }

  func startRecording(_ context: some RequestContext) -> Response {
    guard let name = workflowName(context) else { return unknownWorkflow(context) }
    let id = runtime.startRecording(workflow: name)
    return Reply.json(.ok, ["id": id.rawValue])
  }

  func finishRecording(_ id: String?) -> Response {
    guard let text = id, let raw = UInt64(text) else {
      return Reply.error(
        .badRequest, "DELETE /v1/recordings/{id}: the id must be digits, as POST .../recordings answered")
    }
    guard let summary = runtime.finishRecording(RecordingID(rawValue: raw)) else {
      return Reply.error(
        .notFound, "DELETE /v1/recordings/\(raw): no recording has that id (finished already?)")
    }
    return Reply.json(.ok, summary)
  }

  struct RedriveAnswer: Encodable {
    var queue: String
    var moved: Int
  }

  func redrive(_ context: some RequestContext) async -> Response {
    guard let name = queueName(context) else { return unknownQueue(context) }
    let moved: Int
    do {
      moved = try await runtime.redriveConfirmed(queue: name)
    } catch {
      return refused(
        503, "POST /v1/queues/\(name)/redrive: the store refused (\(error)); nothing moved, retry")
    }
    options.logger.notice("redrive", metadata: ["queue": .string(name), "moved": .stringConvertible(moved)])
    return Reply.json(.ok, RedriveAnswer(queue: name, moved: moved))
  }

  struct DeadLetterView: Encodable {
    var workflow: String
    var step: String
    var queue: String
    var attempt: Int
    var error: String
    var timeSeconds: Double
  }

  struct DeadLettersAnswer: Encodable {
    var queue: String
    var deadLetters: [DeadLetterView]
  }

  func deadLetters(_ context: some RequestContext) -> Response {
    guard let name = queueName(context) else { return unknownQueue(context) }
    let letters = runtime.deadLetters(queue: name).map {
      DeadLetterView(
        workflow: $0.workflow, step: $0.step, queue: $0.queue, attempt: $0.attempt, error: $0.error,
        timeSeconds: $0.time.apiSeconds)
    }
    return Reply.json(.ok, DeadLettersAnswer(queue: name, deadLetters: letters))
  }

  struct DeletedAnswer: Encodable {
    var queue: String
    var deleted: Int
  }

  func deleteDeadLetters(_ context: some RequestContext) async -> Response {
    guard let name = queueName(context) else { return unknownQueue(context) }
    let deleted: Int
    do {
      deleted = try await runtime.deleteDeadLettersConfirmed(queue: name)
    } catch {
      return refused(
        503, "DELETE /v1/queues/\(name)/dead-letters: the store refused (\(error)); nothing deleted, retry")
    }
    options.logger.notice(
      "dead letters deleted", metadata: ["queue": .string(name), "deleted": .stringConvertible(deleted)])
    return Reply.json(.ok, DeletedAnswer(queue: name, deleted: deleted))
  }
}

/// A run as `GET /v1/runs/{id}` shows it: times in seconds.
struct RunView: Encodable {
  struct Step: Encodable {
    var id: String
    var executedAs: String
    var outcome: String
    var attempts: Int
    var onCriticalPath: Bool
    var readySeconds: Double?
    var startedSeconds: Double?
    var endedSeconds: Double?
  }
  var run: String
  var workflow: String
  var number: UInt64
  var mode: String
  var state: String
  var failed: Bool
  var comparison: Bool
  var intendedStartSeconds: Double
  var responseSeconds: Double?
  var settledSeconds: Double?
  var steps: [Step]

  init(_ trace: RunTrace) {
    run = String(trace.runID)
    workflow = trace.workflow
    number = trace.number
    mode = trace.mode.rawValue
    state =
      trace.settled != nil ? "settled" : (trace.response != nil || trace.failed) ? "responded" : "running"
    failed = trace.failed
    comparison = trace.comparison
    intendedStartSeconds = trace.intendedStart.apiSeconds
    responseSeconds = trace.response?.apiSeconds
    settledSeconds = trace.settled?.apiSeconds
    steps = trace.steps.map {
      Step(
        id: $0.id, executedAs: $0.executedAs.rawValue, outcome: $0.outcome.rawValue, attempts: $0.attempts,
        onCriticalPath: $0.onCriticalPath, readySeconds: $0.readyAt?.apiSeconds,
        startedSeconds: $0.startedAt?.apiSeconds, endedSeconds: $0.endedAt?.apiSeconds)
    }
  }
}

extension LanesAPI {
  /// `GET /v1/events`: the event log as Server-Sent Events, from the event after `Last-Event-ID`
  /// (all kept events without it), then each new one as it comes; polled every 100 ms (the log
  /// is small and the poll is one lock), a keep-alive comment after 15 s of silence.
  func events(_ request: Request) -> Response {
    var after: UInt64 = 0
    var resuming = false
    if let header = request.headers[HTTPField.Name("Last-Event-ID")!] {
      guard let id = UInt64(header.trimmingCharacters(in: .whitespaces)) else {
        return Reply.error(
          .badRequest,
          "GET /v1/events: Last-Event-ID must be an event id (digits) from this stream, not '\(header)'")
      }
      after = id
      resuming = true
    }
    let runtime = self.runtime
    let (start, resumed) = (after, resuming)
    let body = ResponseBody { writer in
      var last = start
      var first = true
      var quietSince = ContinuousClock.now
      while !self.stopping.load(ordering: .relaxed) && !Task.isCancelled {
        // Read before the events: every sequence up to it was added already, so fewer of them
        // than it names means the log evicted some (new ones arriving meanwhile do not count).
        let newest = runtime.lastEventSequence
        let events = runtime.events(after: last)
        var text = ""
        if !first || resumed {
          // A gap: events after the client's last were evicted before it came back (or, under a
          // flood, between two polls).
          let kept = events.lazy.filter { $0.sequence <= newest }.count
          if newest > last, UInt64(kept) < newest - last {
            text +=
              "id: \(last)\nevent: reset\ndata: {\"reason\":\"events after \(last) were evicted; refetch /v1/snapshot\"}\n\n"
          }
        }
        first = false
        for event in events {
          let data = (try? JSONEncoder().encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
          text += "id: \(event.sequence)\nevent: \(event.kind.rawValue)\ndata: \(data)\n\n"
          last = event.sequence
        }
        if text.isEmpty, ContinuousClock.now - quietSince > .seconds(15) {
          text = ": keep-alive\n\n"
        }
        if !text.isEmpty {
          try await writer.write(ByteBuffer(string: text))
          quietSince = ContinuousClock.now
        }
        try? await Task.sleep(for: .milliseconds(100))
      }
      try await writer.finish(nil)
    }
    return Response(
      status: .ok,
      headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
      body: body)
  }
}

extension LanesAPI {
  /// The OpenAPI document (`Sources/LanesServer/openapi.yaml`, embedded at build time).
  public static let openAPIDocument: String =
    ShippedAPI.files.first { $0.name == "openapi.yaml" }?.text ?? "openapi: 3.0.3\n"
}
