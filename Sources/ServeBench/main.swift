import ExecutionCore
import Foundation
import Hummingbird
import LanesServer
import Logging

// `.ci/http-bench`'s servers, in one process: Lanes serving two workflows (one no-op blocking step;
// the same plus one no-op background step) on the first port, and a bare Hummingbird route
// returning the same body as a Lanes run on the second. Prints both ports, then serves until
// SIGTERM or SIGINT (the script stops it).

let noop: StepAction = .closure { _ in }
let topology = Topology(
  workflows: [
    WorkflowDefinition(
      name: "noop", steps: [StepDefinition(id: "answer", mode: .blocking, action: noop)],
      load: LoadDefinition(rate: 0)),
    WorkflowDefinition(
      name: "noop-bg",
      steps: [
        StepDefinition(id: "answer", mode: .blocking, action: noop),
        StepDefinition(id: "later", mode: .background, after: ["answer"], queue: "later", action: noop),
      ], load: LoadDefinition(rate: 0)),
  ],
  queues: [QueueDefinition(name: "later", workers: 2, capacity: 100_000, whenFull: .block)])
let metrics = LanesMetrics(topology: topology)
/// Writes a line at once (print buffers when stdout is a file, and the script reads the ports
/// from a file while this process runs).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
let runtime = try Runtime(
  topology: topology,
  options: RuntimeOptions(startLoad: false, keptRuns: 1000, observer: metrics))
runtime.start()
var options = ServerOptions()
options.logger.logLevel = .error
let lanes = try await LanesServer.start(runtime, metrics: metrics, port: 0, options: options)

// The body a Lanes run of `noop` answers, byte for byte in length and shape.
let body = #"{"run":"1","workflow":"noop","mode":"hybrid","criticalPathSeconds":0.000012345,"response":null}"#
let router = Router()
router.post("/bare") { _, _ in
  Response(
    status: .ok, headers: [.contentType: "application/json"],
    body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}
var logger = Logger(label: "bare")
logger.logLevel = .error
let bare = Application(
  router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
  onServerRunning: { channel in say("bare \(channel.localAddress?.port ?? 0)") }, logger: logger)
say("lanes \(lanes.port)")
let bareTask = Task { try await bare.run() }
let stop = AsyncStream<Void>.makeStream()
signal(SIGTERM, SIG_IGN)
signal(SIGINT, SIG_IGN)
let sources = [SIGTERM, SIGINT].map { number in
  let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
  source.setEventHandler { stop.continuation.yield() }
  source.resume()
  return source
}
for await _ in stop.stream { break }
bareTask.cancel()
_ = await lanes.stop(drain: .seconds(5))
_ = sources
