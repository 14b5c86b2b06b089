import DashboardHost
import ExecutionCore
import Foundation
import LanesTestSupport
import Synchronization
import Testing

@testable import LanesCLI

/// `lanes call` against the built binary: response on stdout, background outcomes on stderr, exit
/// statuses, and every way `--input` can be wrong.
@Suite(.serialized)
struct CallCommandBinaryTests {
  /// A folder for one test's files, removed afterwards by the caller.
  static func folder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-call-\(getpid())-\(name)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  static func write(_ text: String, to folder: URL, as name: String) throws -> URL {
    let file = folder.appendingPathComponent(name)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file
  }

  @Test func aBuiltInWorkflowRespondsAndReportsEachBackgroundStep() throws {
    let result = try LanesBinary.run(["call", "chat", "--input", #"{"question": "hi"}"#])
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    // chat names model-inference as its response: a simulated 2 KiB answer, a JSON string.
    let answer =
      try JSONSerialization.jsonObject(
        with: Data(result.stdout.utf8), options: .fragmentsAllowed) as? String
    #expect((answer?.utf8.count ?? 0) > 1000, "stdout:\n\(result.stdout.prefix(300))")
    for step in ["save-history", "analytics-event", "moderation-audit", "update-memory"] {
      #expect(result.stderr.contains("background \(step): succeeded, "), "stderr:\n\(result.stderr)")
    }
  }

  @Test func noWaitSkipsTheBackgroundReport() throws {
    let result = try LanesBinary.run(["call", "ingest", "--no-wait", "--input", #"{"doc": "d-1"}"#])
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    // ingest's response is validate's output, which echoes the input.
    #expect(result.stdout == #"{"doc":"d-1"}"# + "\n")
    #expect(!result.stderr.contains("background "), "stderr:\n\(result.stderr)")
  }

  @Test func allSyncRunsEveryStepBeforeResponding() throws {
    let result = try LanesBinary.run(["call", "ingest", "--mode", "all-sync", "--input", "[1, 2]"])
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    #expect(result.stdout == "[1,2]\n", "the same response as in hybrid mode")
    #expect(!result.stderr.contains("background "), "no step ran in the background:\n\(result.stderr)")
  }

  @Test(arguments: [
    (#"{"q": hi}"#, "lanes call: --input: not valid JSON at line 1, column 7: unexpected character 'h'"),
    ("", "lanes call: --input: not valid JSON at line 1, column 1: expected a value"),
    ("{\"a\": 1,\n \"b\": }", "lanes call: --input: not valid JSON at line 2, column 7:"),
    ("[1] [2]", "at line 1, column 5: unexpected text after the JSON value"),
    ("@", "--input @: give a file after @"),
    ("@/no/such/order.json", "--input @/no/such/order.json: no such file"),
    ("@/tmp", "--input @/tmp: is a directory"),
  ])
  func badInputIsRefusedBeforeTheRunWith64(input: String, message: String) throws {
    let result = try LanesBinary.run(["call", "chat", "--input", input])
    #expect(result.status == 64, "stderr:\n\(result.stderr)")
    #expect(result.stderr.contains(message), "stderr:\n\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  @Test func anInputOverTheLimitNamesItsSizeAndTheLimit() throws {
    let folder = try Self.folder("limit")
    defer { try? FileManager.default.removeItem(at: folder) }
    let big = "\"" + String(repeating: "x", count: (1 << 20) - 1) + "\""
    let file = try Self.write(big, to: folder, as: "big.json")
    let result = try LanesBinary.run(["call", "chat", "--input", "@\(file.path)"])
    #expect(result.status == 64, "stderr:\n\(result.stderr)")
    #expect(
      result.stderr.contains(
        "--input @\(file.path): the input is 1048577 bytes, over the limit of 1048576 bytes (1 MiB)"),
      "stderr:\n\(result.stderr)")
  }

  @Test func inputFromAFileAndFromStandardInput() throws {
    let folder = try Self.folder("stdin")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try Self.write("{\n  \"order\": 7\n}\n", to: folder, as: "order.json")
    let fromFile = try LanesBinary.run(["call", "agent", "--input", "@\(file.path)", "--no-wait"])
    #expect(fromFile.status == 0, "stderr:\n\(fromFile.stderr)")
    let lanes = LanesBinary.url.path
    let piped = try ChildProcess.run(
      URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '[1, 2' | '\(lanes)' call agent --input -"])
    #expect(piped.status == 64, "stderr:\n\(piped.stderr)")
    #expect(
      piped.stderr.contains("--input - (standard input): not valid JSON at line 1, column 6"),
      "stderr:\n\(piped.stderr)")
    let good = try ChildProcess.run(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", "printf '{\"a\": 1}' | '\(lanes)' call ingest --input - --no-wait"])
    #expect(good.status == 0, "stderr:\n\(good.stderr)")
    #expect(good.stdout == #"{"a":1}"# + "\n")
  }

  @Test func aFailingBlockingStepExits1AndNamesTheStepAndItsError() throws {
    let folder = try Self.folder("fail")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try Self.write(
      """
      workflow: failing
      steps:
        - id: charge-card
          mode: blocking
          exec:
            shell: "echo card declined >&2; exit 3"
      """, to: folder, as: "failing.yaml")
    let result = try LanesBinary.run(["call", file.path, "--input", "{}"])
    #expect(result.status == 1, "stderr:\n\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("lanes call: the run failed: step 'charge-card' failed:"))
    #expect(result.stderr.contains("card declined"), "stderr:\n\(result.stderr)")
  }

  @Test func aDeadBackgroundStepIsReportedWithItsAttemptsAndExits1() throws {
    let folder = try Self.folder("dead")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try Self.write(
      """
      workflow: notifying
      queues:
        hooks:
          workers: 1
          capacity: 10
      steps:
        - id: answer
          mode: blocking
          exec:
            shell: "true"
        - id: notify
          mode: background
          after: [answer]
          queue: hooks
          retry: { attempts: 2, backoff: 10ms }
          exec:
            shell: "echo hook refused >&2; exit 2"
      """, to: folder, as: "notifying.yaml")
    let result = try LanesBinary.run(["call", file.path])
    #expect(result.status == 1, "stderr:\n\(result.stderr)")
    #expect(result.stdout == "null\n", "the response was sent before the background step failed")
    #expect(result.stderr.contains("background notify: dead, 2 attempts, "), "stderr:\n\(result.stderr)")
    #expect(result.stderr.contains("hook refused"), "stderr:\n\(result.stderr)")
  }

  @Test func theResponseIsPrintedBeforeTheBackgroundStepsFinish() async throws {
    let folder = try Self.folder("early")
    defer { try? FileManager.default.removeItem(at: folder) }
    let gate = folder.appendingPathComponent("gate").path
    let file = try Self.write(
      """
      workflow: gated
      queues:
        later:
          workers: 1
          capacity: 10
      steps:
        - id: answer
          mode: blocking
          exec:
            shell: "true"
        - id: wait-for-gate
          mode: background
          after: [answer]
          queue: later
          timeout: 60s
          exec:
            shell: "while [ ! -e '\(gate)' ]; do sleep 0.05; done"
      """, to: folder, as: "gated.yaml")
    let lanes = try LanesBinary.start(["call", file.path, "--settle-timeout", "60s"])
    // The background step cannot finish until the gate exists, so the response came first.
    #expect(await eventually(within: .seconds(60)) { lanes.outputSoFar == "null\n" })
    #expect(FileManager.default.createFile(atPath: gate, contents: nil))
    let result = lanes.wait(timeout: 60)
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    #expect(result.stderr.contains("background wait-for-gate: succeeded, 1 attempt, "))
  }
}

extension CallCommandBinaryTests {
  @Test func aSignalCancelsTheRunEndsItsProcessesAndExits143() async throws {
    let folder = try Self.folder("signal")
    defer { try? FileManager.default.removeItem(at: folder) }
    let pids = folder.appendingPathComponent("pids").path
    let file = try Self.write(
      """
      workflow: nap
      steps:
        - id: nap
          mode: blocking
          timeout: 120s
          exec:
            shell: "echo $$ >> '\(pids)'; exec sleep 300"
      """, to: folder, as: "nap.yaml")
    let lanes = try LanesBinary.start(["call", file.path])
    func pid() -> pid_t? {
      ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
        pid_t($0)
      }.first
    }
    #expect(await eventually(within: .seconds(60)) { pid() != nil })
    lanes.signal(SIGTERM)
    let result = lanes.wait(timeout: 60)
    #expect(result.status == 143, "stderr:\n\(result.stderr)")
    #expect(result.stderr.contains("lanes call: stopped by SIGTERM"), "stderr:\n\(result.stderr)")
    #expect(result.stdout.isEmpty)
    let sleeper = try #require(pid())
    #expect(await eventually(within: .seconds(10)) { kill(sleeper, 0) != 0 }, "the step's process is gone")
  }
}

/// `lanes call`'s parts in-process: the session with closure steps that pass data, input parsing.
struct CallSessionTests {
  struct Order: Codable, Equatable {
    var id: String
    var amounts: [Int]
  }

  struct Receipt: Codable, Equatable {
    var order: String
    var total: Int
  }

  /// An order in; a blocking step computes the receipt (the response); a background step reads the
  /// receipt from its dependency's output.
  static func topology(sent: Sent, failing: Bool = false) -> Topology {
    let receipt = StepDefinition(
      id: "receipt", mode: .blocking,
      action: .codable { (order: Order, _) -> Receipt in
        if failing { throw ReceiptError() }
        return Receipt(order: order.id, total: order.amounts.reduce(0, +))
      })
    let send = StepDefinition(
      id: "send-receipt", mode: .background, after: ["receipt"], queue: "mail",
      action: .transform { context in
        let receipt = try context.decodeOutput(of: "receipt", as: Receipt.self)
        sent.list.withLock { $0.append("\(receipt.order):\(receipt.total)") }
        return .null
      })
    return Topology(
      workflows: [WorkflowDefinition(name: "orders", steps: [receipt, send], load: LoadDefinition(rate: 1))],
      queues: [QueueDefinition(name: "mail", workers: 1, capacity: 10)])
  }

  /// What the background step sent, shared with the test.
  final class Sent: Sendable {
    let list = Mutex<[String]>([])
  }

  struct ReceiptError: Error, CustomStringConvertible {
    var description: String { "no price list" }
  }

  /// Runs one call and returns its outcome, the responses and the report lines.
  static func call(_ topology: Topology, input: String, mode: ExecutionMode = .hybrid) async throws
    -> (CallSession.Outcome, [String], [String])
  {
    let runtime = try Runtime(topology: topology, options: RuntimeOptions(mode: mode, startLoad: false))
    let payload = try CallInput.read(input, limit: 1 << 20)
    var responses: [String] = []
    var lines: [String] = []
    let outcome = await CallSession(runtime: runtime, workflow: "orders").perform(
      input: payload, wait: .seconds(60), respond: { responses.append($0) }, report: { lines.append($0) })
    _ = await runtime.shutdown(deadline: .seconds(5))
    return (outcome, responses, lines)
  }

  @Test func theResponseIsTheBlockingStepsOutputAndTheBackgroundStepSeesIt() async throws {
    let sent = Sent()
    let (outcome, responses, lines) = try await Self.call(
      Self.topology(sent: sent), input: #"{"id": "A-1", "amounts": [3, 4]}"#)
    #expect(outcome == .succeeded)
    #expect(responses.count == 1)
    let receipt = try JSONDecoder().decode(Receipt.self, from: Data(responses[0].utf8))
    #expect(receipt == Receipt(order: "A-1", total: 7))
    #expect(sent.list.withLock { $0 } == ["A-1:7"])
    #expect(lines.count == 1)
    #expect(lines.first?.hasPrefix("background send-receipt: succeeded, 1 attempt, ") == true)
  }

  @Test func allSyncAndHybridGiveTheSameResponse() async throws {
    let sent = Sent()
    let input = #"{"id": "B-2", "amounts": [10, 20, 12]}"#
    let hybrid = try await Self.call(Self.topology(sent: sent), input: input)
    let allSync = try await Self.call(Self.topology(sent: sent), input: input, mode: .allSync)
    #expect(hybrid.0 == CallSession.Outcome.succeeded)
    #expect(allSync.0 == CallSession.Outcome.succeeded)
    // JSONEncoder's key order varies between encoder runs on Linux: compare the values.
    let decoded = try (hybrid.1 + allSync.1).map {
      try JSONDecoder().decode(Receipt.self, from: Data($0.utf8))
    }
    #expect(decoded == [Receipt(order: "B-2", total: 42), Receipt(order: "B-2", total: 42)])
    #expect(allSync.2.isEmpty, "in all-sync mode nothing runs in the background")
    #expect(sent.list.withLock { $0 } == ["B-2:42", "B-2:42"])
  }

  @Test func aFailingStepFailsTheCallWithItsError() async throws {
    let sent = Sent()
    let (outcome, responses, lines) = try await Self.call(
      Self.topology(sent: sent, failing: true), input: #"{"id": "C-3", "amounts": []}"#)
    #expect(outcome == .failed)
    #expect(responses.isEmpty)
    #expect(lines.first == "lanes call: the run failed: step 'receipt' failed: no price list")
    #expect(sent.list.withLock { $0 }.isEmpty, "a step after a failed one does not run")
  }

  @Test func anInputOfTheWrongShapeFailsTheStepThatDecodesIt() async throws {
    let sent = Sent()
    let (outcome, responses, lines) = try await Self.call(Self.topology(sent: sent), input: "[1, 2]")
    #expect(outcome == .failed)
    #expect(responses.isEmpty)
    #expect(lines.first?.hasPrefix("lanes call: the run failed: step 'receipt' failed:") == true)
  }

  @Test func positionsCountLinesAndCharacters() {
    let text = Array("{\n  \"é\": x}".utf8)
    // Byte 9 is the 'x': line 2, after two spaces, three characters of "é" and ": ".
    let x = text.firstIndex(of: UInt8(ascii: "x"))!
    #expect(CallInput.position(of: x, in: text) == (2, 8))
    #expect(CallInput.position(of: 0, in: text) == (1, 1))
  }

  @Test func theStandardInputIsReadOnlyForDash() throws {
    let payload = try CallInput.read("-", limit: 100, standardInput: { Array(" [1, {\"a\": null}] \n".utf8) })
    #expect(payload.text == #"[1,{"a":null}]"#)
    #expect(try CallInput.read(nil, limit: 100).isNull)
    #expect(throws: CallInputError.self) {
      try CallInput.read("-", limit: 4, standardInput: { Array("[1,2,3]".utf8) })
    }
  }

  @Test func terminalControlsInTheResponseBecomeJSONEscapes() throws {
    let payload = try Payload(json: "\"a\u{9B}2J\u{7F}b\u{202E}\"")
    let safe = CallSession.terminalSafeJSON(payload.text)
    #expect(safe == #""a\u009b2J\u007fb\u202e""#)
    #expect(try Payload(json: safe).decode(String.self) == "a\u{9B}2J\u{7F}b\u{202E}")
  }
}
