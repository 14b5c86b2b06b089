import Foundation
import LanesTestSupport
import Testing

/// Faults and bad input against the built binary (issue 11): closed and full streams, signals to
/// headless runs, `--duration` kept at any rate, untrusted text escaped, plain messages.
@Suite(.serialized)
struct FaultTests {
  // MARK: Streams

  @Test func aClosedStderrIsNotACrash() throws {
    let run = try LanesBinary.run(["run", "nosuch"], streams: .stderrClosed)
    #expect(run.status == 1, "a crash exits 132 (SIGILL)")
    let check = try LanesBinary.run(
      ["check", "Tests/WorkflowFilesTests/Fixtures/cycle.yaml"], streams: .stderrClosed)
    #expect(check.status == 1)
    #expect(check.stdout.contains("cycle.yaml:5:13: error:"))
  }

  @Test(arguments: [
    ["run", "chat", "--duration", "1s", "--rate", "5"],
    ["run", "chat", "--duration", "1s", "--rate", "5", "--json"],
    ["workflows"],
    ["themes"],
    ["check", "examples/chat.yaml"],
  ])
  func aFullStdoutIsReportedAndExits74(arguments: [String]) throws {
    let result = try LanesBinary.run(arguments, streams: .stdoutFull)
    #expect(result.status == 74, "stderr:\n\(result.stderr)")
    #expect(
      result.stderr.contains("lanes: cannot write to standard output: No space left on device"),
      "stderr:\n\(result.stderr)")
  }

  @Test func aClosedStdoutIsReportedAndExits74() throws {
    let result = try LanesBinary.run(["workflows"], streams: .stdoutClosed)
    #expect(result.status == 74)
    #expect(result.stderr.contains("cannot write to standard output: it is closed"))
  }

  @Test func checkPrintsItsSummaryAfterTheErrorsWhenBothStreamsGoToOnePlace() throws {
    let result = try LanesBinary.run(
      ["check", "Tests/WorkflowFilesTests/Fixtures/cycle.yaml", "examples/chat.yaml"], streams: .merged)
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.last == "1 error in 1 file", "output:\n\(result.stdout)")
    #expect(lines.first?.contains("cycle.yaml:5:13: error:") == true)
  }

  @Test func compareChecksTheCSVPathBeforeItRuns() throws {
    // 30 s per mode if the comparison ran first: the test's 60 s limit would kill it (-9).
    let result = try LanesBinary.run(
      ["compare", "chat", "--duration", "30s", "--csv", "/no/such/folder/out.csv"], timeout: 60)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "cannot write --csv /no/such/folder/out.csv: the folder /no/such/folder does not exist"),
      "stderr:\n\(result.stderr)")
    #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    #expect(result.stdout.isEmpty)
  }

  @Test func compareReportsAFailedCSVWrite() throws {
    let result = try LanesBinary.run([
      "compare", "ingest", "--runs", "2", "--rate", "50", "--csv", "/dev/full",
    ])
    #expect(result.status == 1)
    #expect(result.stderr.contains("cannot write --csv /dev/full: no space left on the device"))
  }

  // MARK: Untrusted text

  @Test func controlCharactersInArgumentsAreEscaped() throws {
    let evil = "\u{1B}[2J\u{1B}]0;pwned\u{07}evil"
    for arguments in [["run", evil], ["check", evil], ["run", "--rate", evil]] {
      let result = try LanesBinary.run(arguments)
      #expect(result.status != 0)
      #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
      #expect(result.stdout.unicodeScalars.allSatisfy { $0.value != 0x1B })
      #expect(
        (result.stderr + result.stdout).contains("\\u{1B}[2J\\u{1B}]0;pwned\\u{7}evil"),
        "\(arguments[0]): \(result.stderr)")
    }
  }

  // MARK: Messages

  @Test func aNegativeDurationIsToldToBeGreaterThanZero() throws {
    for value in ["-1s", "0s"] {
      let result = try LanesBinary.run(["run", "--duration=\(value)"])
      #expect(result.status == 64)
      #expect(result.stderr.contains("greater than zero"), "stderr:\n\(result.stderr)")
      #expect(!result.stderr.contains("zero or more"))
    }
  }

  @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
  func aFolderWithoutSearchPermissionIsNotCalledMissing() throws {
    // As root every folder can be searched, so lanes runs as nobody (setpriv) here.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-noexec-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("flow.yaml")
    try FileManager.default.copyItem(
      at: LanesBinary.packageRoot.appendingPathComponent("examples/chat.yaml"), to: file)
    chmod(folder.path, 0o600)  // readable, not searchable
    defer { chmod(folder.path, 0o700) }
    let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")
    let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", LanesBinary.url.path]
    for command in ["check", "run"] {
      let result = try ChildProcess.run(
        setpriv, asNobody + [command, file.path], directory: URL(fileURLWithPath: "/"))
      #expect(result.status == 1)
      #expect(
        result.stdout.contains("permission denied to search the folder \(folder.path)")
          || result.stderr.contains("permission denied to search the folder \(folder.path)"),
        "\(command): \(result.stdout)\(result.stderr)")
      #expect(!(result.stdout + result.stderr).contains("no such file"))
    }
  }

  // MARK: --duration

  @Test func theLoadPhaseLastsTheRequestedDurationAtASlowRate() throws {
    let result = try LanesBinary.run(["run", "chat", "--rate", "1", "--duration", "2s", "--json"])
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["elapsed_s"] as? Double == 2.0)
    let chat = try #require((json["workflows"] as? [[String: Any]])?.first)
    let responded = try #require(chat["runs_responded"] as? Int)
    #expect(chat["throughput_per_s"] as? Double == (Double(responded) / 2 * 100).rounded() / 100)
  }

  @Test func aRateTheMachineCannotKeepUpWithEndsOnTimeAndSaysSo() throws {
    // Before the fix this ran for minutes: the generators caught up on every missed arrival.
    let result = try LanesBinary.run(
      [
        "run", "chat", "--rate", "100000", "--duration", "1s", "--settle-timeout", "1s",
        "--max-in-flight", "300", "--json",
      ], timeout: 60)
    #expect(result.status == 0, "stderr:\n\(result.stderr)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["elapsed_s"] as? Double == 1.0)
    let chat = try #require((json["workflows"] as? [[String: Any]])?.first)
    #expect((chat["runs_rejected"] as? Int ?? 0) > 0, "the overload is shed and counted")
    #expect(
      result.stderr.contains("runs were refused (counted as rejected): 300 runs were already in flight"))
    #expect(result.stderr.contains("the load generator could not keep up"))
  }

  // MARK: Signals

  /// A workflow whose steps are processes that run for minutes (one ignores SIGTERM), each
  /// writing its pid to `pids` first.
  static func sleeperWorkflow(in folder: URL) throws -> URL {
    let pids = folder.appendingPathComponent("pids").path
    let text = """
      workflow: sleeper
      load:
        rate: 20
      queues:
        slow:
          workers: 2
          capacity: 10
      steps:
        - id: nap
          mode: blocking
          timeout: 120s
          exec:
            shell: "echo $$ >> \(pids); exec sleep 300"
        - id: stubborn
          mode: background
          queue: slow
          exec:
            shell: "trap '' TERM; echo $$ >> \(pids); sleep 300"
            kill-grace: 300ms
      """
    let file = folder.appendingPathComponent("sleeper.yaml")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file
  }

  @Test(arguments: [SIGTERM, SIGINT, SIGHUP, SIGQUIT])
  func aSignalToAHeadlessRunEndsItsStepProcesses(signal: Int32) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lanes-signal-\(getpid())-\(signal)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try Self.sleeperWorkflow(in: folder)
    let pidsFile = folder.appendingPathComponent("pids")
    let lanes = try LanesBinary.start(["run", file.path, "--duration", "120s"])
    func pids() -> [pid_t] {
      ((try? String(contentsOf: pidsFile, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
        pid_t($0)
      }
    }
    // Both kinds of step process are running.
    #expect(await eventually(within: .seconds(60)) { pids().count >= 4 })
    lanes.signal(signal)
    let result = lanes.wait(timeout: 60)
    #expect(result.status == 128 + signal, "stderr:\n\(result.stderr)")
    #expect(result.stderr.contains("stopped by SIG"))
    #expect(!result.stderr.contains("Crash") && !result.stderr.contains("backtrace"))
    #expect(result.stdout.contains("lanes run: hybrid mode"), "the summary is printed")
    let started = pids()
    #expect(!started.isEmpty)
    for pid in started {
      #expect(!isRunning(pid), "step process \(pid) outlived lanes")
    }
  }
}
