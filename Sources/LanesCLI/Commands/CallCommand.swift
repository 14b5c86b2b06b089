import ArgumentParser
import DashboardHost
import ExecutionCore
import Foundation
import WorkflowFiles

/// `lanes call`: one run of a workflow with an input; the response on stdout.
struct CallCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "call",
    abstract: "Run a workflow once with an input and print its response.",
    discussion: """
      The response (JSON) goes to stdout as soon as the blocking steps are done. Lanes then waits \
      for the background steps (unless --no-wait) and writes one line per background step to \
      stderr: its id, how it ended, its attempts, how long it took and its last error.

      --input takes JSON text, @FILE for a file's contents, or - for standard input; without it the \
      input is null. Exit status: 0 when the run succeeded (and, when waiting, every background step \
      succeeded), 1 when a step failed (the step and its error are on stderr), 64 for bad flags or \
      input (malformed JSON is named by line and column).
      """
  )

  @Argument(help: "A workflow file or a built-in name (see `lanes workflows`).")
  var workflow: String

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The run's input: JSON text, @FILE (a file's contents) or - (standard input). Default: null.",
      valueName: "JSON|@FILE|-"))
  var input: String?

  @Flag(help: "Exit once the response is printed, without waiting for the background steps.")
  var noWait = false

  @Option(help: "hybrid (as declared) or all-sync (every step blocking).")
  var mode: ExecutionMode = .hybrid

  @OptionGroup var runtimeFlags: RuntimeFlags

  @OptionGroup var storeFlags: StoreFlags

  @Option(
    help: "How long to wait for the background steps after the response (default: 30s).",
    transform: OptionParsing.positiveDuration)
  var settleTimeout: Duration = .seconds(30)

  func run() async throws {
    let options = RuntimeOptions(
      mode: mode, seed: runtimeFlags.seed, startLoad: false, backgroundShare: runtimeFlags.backgroundShare,
      store: try storeFlags.make(command: "call"))
    let payload: Payload
    do {
      payload = try CallInput.read(input, limit: options.inputLimit)
    } catch {
      Loading.printError("lanes call: \(error.message)")
      throw ExitCode(64)
    }
    let topology = try Loading.topology([workflow])
    guard let name = topology.workflows.first?.name else {
      Loading.printError("lanes call: '\(workflow)' holds no workflow")
      throw ExitCode(1)
    }
    let runtime = try Loading.runtime(topology, options: options)
    try await StoreFlags.open(runtime, command: "call", announce: false)
    let signals = SignalWatch(keepIgnored: true)
    defer { signals.cancel() }
    let outcome = await CallSession(runtime: runtime, workflow: name).perform(
      input: payload, wait: noWait ? nil : settleTimeout, signals: signals,
      respond: { Console.write(CallSession.terminalSafeJSON($0) + "\n", to: .output) },
      report: { Console.error($0) })
    _ = await runtime.shutdown(deadline: .zero)
    if let number = signals.received {
      Loading.printError(
        "lanes call: stopped by \(SignalWatch.name(of: number)); the steps still running were cancelled.")
      throw ExitCode(SignalWatch.exitStatus(for: number))
    }
    switch outcome {
    case .succeeded: return
    case .failed: throw ExitCode(1)
    case .refused: throw ExitCode(64)
    }
  }
}

/// Reading and checking `--input` before anything runs.
enum CallInput {
  /// The input `argument` stands for (JSON text, `@FILE`, `-` for stdin; nil: `null`), validated;
  /// throws a `CallInputError` (the command exits 64) naming the source and, for malformed JSON, the line and
  /// column.
  static func read(_ argument: String?, limit: Int, standardInput: () -> [UInt8] = readStandardInput)
    throws(CallInputError) -> Payload
  {
    guard let argument else { return .null }
    let source: String
    let bytes: [UInt8]
    if argument == "-" {
      source = "--input - (standard input)"
      bytes = standardInput()
    } else if argument.hasPrefix("@") {
      let path = String(argument.dropFirst())
      source = "--input @\(path)"
      guard !path.isEmpty else {
        throw CallInputError("--input @: give a file after @, e.g. --input @order.json")
      }
      bytes = try readFile(path, source: source)
    } else {
      source = "--input"
      bytes = Array(argument.utf8)
    }
    return try validate(bytes, source: source, limit: limit)
  }

  /// `bytes` as one JSON value within `limit`, or a `CallInputError` naming `source`.
  static func validate(_ bytes: [UInt8], source: String, limit: Int) throws(CallInputError) -> Payload {
    guard bytes.count <= limit else {
      throw CallInputError(
        "\(source): the input is \(bytes.count) bytes, over the limit of \(limit) bytes (\(ByteText.format(limit)))"
      )
    }
    do {
      return try Payload(validating: bytes)
    } catch {
      let (line, column) = position(of: error.offset, in: bytes)
      let hint = bytes.isEmpty ? " (the input is empty; give a JSON value such as {} or null)" : ""
      throw CallInputError(
        "\(source): not valid JSON at line \(line), column \(column): \(error.reason)\(hint)")
    }
  }

  /// 1-based line and column (in characters) of byte `offset`.
  static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
    var line = 1
    var lineStart = 0
    for (i, byte) in bytes.prefix(offset).enumerated() where byte == UInt8(ascii: "\n") {
      line += 1
      lineStart = i + 1
    }
    let prefix = bytes[lineStart..<min(max(offset, lineStart), bytes.count)]
    // Count characters, not bytes: continuation bytes of UTF-8 do not start a column.
    let column = prefix.reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    return (line, column)
  }

  static func readFile(_ path: String, source: String) throws(CallInputError) -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CallInputError("\(source): no such file; give the path of a JSON file")
    }
    guard !isDirectory.boolValue else {
      throw CallInputError("\(source): is a directory, not a JSON file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CallInputError("\(source): cannot be read (check its permissions)")
    }
    return Array(data)
  }

  static func readStandardInput() -> [UInt8] {
    Array(FileHandle.standardInput.readDataToEndOfFile())
  }
}

/// Why `--input` was refused: a sentence naming the source and the fix.
struct CallInputError: Error, Equatable {
  var message: String
  init(_ message: String) { self.message = message }
}

/// Sizes in bytes for messages.
enum ByteText {
  /// `1 MiB`, `512 KiB`, `300 bytes`.
  static func format(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
  }
}

/// One call: the run, its response, then (optionally) its background steps' outcomes. Kept apart
/// from the command so tests can drive it in-process with closure steps.
struct CallSession {
  /// How a call ended.
  enum Outcome: Equatable {
    /// The run succeeded (and every background step waited for succeeded).
    case succeeded
    /// A step failed, or background work did not settle in time.
    case failed
    /// The runtime refused the run or its input before it started.
    case refused
  }

  let runtime: Runtime
  let workflow: String

  /// Runs the workflow once with `input`; hands the response's JSON text to `respond` as soon as
  /// the blocking part is done; with `wait`, waits that long for the run to settle and hands one
  /// line per background step to `report` (with the failing step's error first if the run failed).
  func perform(
    input: Payload, wait: Duration?, signals: SignalWatch? = nil,
    respond: (String) -> Void, report: (String) -> Void
  ) async -> Outcome {
    let result: RunResult
    do {
      result = try await runBlocking(input: input, signals: signals)
    } catch let error as RuntimeError {
      report("lanes call: \(error)")
      if case .invalidInput = error { return .refused }
      return .failed
    } catch {
      report("lanes call: \(error)")
      return .failed
    }
    var failed = result.failed
    if result.failed {
      let step = result.failedStep ?? "?"
      report(
        "lanes call: the run failed: step '\(step)' failed: \(result.stepError ?? result.error ?? "failed")")
    } else {
      respond(result.response.text)
    }
    guard let wait, signals?.received == nil else { return failed ? .failed : .succeeded }
    let settled = await settle(within: wait, signals: signals)
    let snapshot = runtime.snapshot(fresh: true)
    let lines = Self.backgroundLines(snapshot: snapshot, workflow: workflow, runID: result.runID)
    for line in lines { report(line.text) }
    if lines.contains(where: { !$0.succeeded }) { failed = true }
    if !settled, signals?.received == nil {
      report(
        "lanes call: background work had not settled after \(DurationText.format(wait)); what was left is cancelled. Raise --settle-timeout to wait longer."
      )
      failed = true
    }
    return failed ? .failed : .succeeded
  }

  /// The run's blocking part, cancelled (the run then fails with "cancelled") if a signal arrives.
  private func runBlocking(input: Payload, signals: SignalWatch?) async throws -> RunResult {
    guard let signals else { return try await runtime.run(workflow: workflow, input: input) }
    return try await withThrowingTaskGroup(of: RunResult?.self) { group in
      group.addTask { try await runtime.run(workflow: workflow, input: input) }
      group.addTask {
        while signals.received == nil, !Task.isCancelled {
          try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
      }
      var result: RunResult?
      for try await value in group {
        if let value {
          result = value
          break
        }
        group.cancelAll()
      }
      group.cancelAll()
      if let result { return result }
      throw CancellationError()
    }
  }

  private func settle(within timeout: Duration, signals: SignalWatch?) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while signals?.received == nil {
      let left = deadline - ContinuousClock.now
      if left <= .zero { return false }
      if await runtime.waitUntilSettled(timeout: min(left, .milliseconds(100))) { return true }
    }
    return false
  }

  /// One background step's outcome, as printed.
  struct BackgroundLine: Equatable {
    var text: String
    var succeeded: Bool
  }

  /// A line per step that ran in the background in run `runID` (the workflow's last run: a call
  /// makes one), with the last error recorded for it.
  static func backgroundLines(snapshot: RuntimeSnapshot, workflow: String, runID: UInt64)
    -> [BackgroundLine]
  {
    guard let trace = snapshot.workflows.first(where: { $0.name == workflow })?.lastRun,
      trace.runID == runID
    else { return [] }
    return trace.steps.filter { $0.executedAs == .background }.map { step in
      let attempts = "\(step.attempts) attempt\(step.attempts == 1 ? "" : "s")"
      let took =
        if let start = step.startedAt, let end = step.endedAt {
          DurationText.format(end - start)
        } else {
          "-"
        }
      let error = snapshot.recentFailures.last { $0.workflow == workflow && $0.step == step.id }?.error
      var text = "background \(step.id): \(step.outcome.rawValue), \(attempts), \(took)"
      if step.outcome != .succeeded, let error { text += ": \(error)" }
      return BackgroundLine(text: text, succeeded: step.outcome == .succeeded)
    }
  }

  /// `json` with every character a terminal acts on (C1 controls, DEL, bidirectional marks) written
  /// as a JSON `\u` escape: the same JSON value, safe to print. Valid compact JSON holds such
  /// characters only inside strings, where the escape means the same character.
  static func terminalSafeJSON(_ json: String) -> String {
    guard json.unicodeScalars.contains(where: TerminalText.acts) else { return json }
    var out = ""
    out.reserveCapacity(json.utf8.count + 16)
    for scalar in json.unicodeScalars {
      if TerminalText.acts(scalar) {
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
