import ExecutionCore
import Foundation
import Glibc
import LanesTestSupport
import Testing

@testable import StepKinds

/// Real processes. Serialized: the leak and zombie checks look at the whole test process.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ProcessStepTests {
  private func failure(_ spec: ExecSpec) async -> ProcessStepError? {
    do {
      try await ProcessStep.run(spec, context: testContext)
      return nil
    } catch let error as ProcessStepError {
      return error
    } catch {
      Issue.record("unexpected error type: \(error)")
      return nil
    }
  }

  @Test func exitStatusZeroSucceeds() async throws {
    try await ProcessStep.run(ExecSpec(arguments: ["true"]), context: testContext)
    try await ProcessStep.run(ExecSpec(shell: "echo fine; exit 0"), context: testContext)
  }

  @Test func nonZeroExitCarriesStatusAndStderrTail() async {
    let error = await failure(
      ExecSpec(shell: "echo to stdout; echo first >&2; echo 'last words' >&2; exit 3"))
    #expect(error == .exited(status: 3, tail: "first\nlast words"))
    #expect(error?.description == "exit status 3: first\nlast words")
  }

  @Test func stdoutIsTheTailWhenStderrIsEmpty() async {
    let error = await failure(ExecSpec(shell: "echo only stdout; exit 1"))
    #expect(error == .exited(status: 1, tail: "only stdout"))
    let silent = await failure(ExecSpec(shell: "exit 255"))
    #expect(silent?.description == "exit status 255 (no output)")
  }

  @Test func tailLinesLimitsTheMessage() async {
    let error = await failure(
      ExecSpec(shell: "for i in 1 2 3 4 5; do echo line$i >&2; done; exit 2", tailLines: 2))
    #expect(error == .exited(status: 2, tail: "line4\nline5"))
  }

  @Test func deathBySignalIsNamed() async {
    let error = await failure(ExecSpec(shell: "echo dying >&2; kill -USR1 $$"))
    #expect(error == .signaled(signal: SIGUSR1, tail: "dying"))
    #expect(error?.description == "killed by signal \(SIGUSR1) (SIGUSR1): dying")
  }

  @Test func argumentsArePassedWithoutAShell() async throws {
    // `$1` reaches sh intact, spaces and quotes included: nothing re-splits the arguments.
    try await ProcessStep.run(
      ExecSpec(arguments: ["/bin/sh", "-c", #"test "$1" = "a b 'c'""#, "sh", "a b 'c'"]), context: testContext
    )
    let error = await failure(ExecSpec(arguments: ["/bin/sh", "-c", "exit $1", "sh", "7"]))
    #expect(error == .exited(status: 7, tail: ""))
  }

  @Test func environmentAndWorkingDirectoryApply() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let spec = ExecSpec(
      shell: #"test "$LANES_STEP_VAR" = hello && test -n "$PATH" && pwd -P > here.txt"#,
      env: ["LANES_STEP_VAR": "hello"], cwd: directory.path)
    try await ProcessStep.run(spec, context: testContext)
    let written = try String(contentsOf: directory.appendingPathComponent("here.txt"), encoding: .utf8)
    #expect(written.trimmingCharacters(in: .newlines) == directory.resolvingSymlinksInPath().path)
  }

  @Test func stdinIsEmptyNotInherited() async throws {
    // `cat` would wait forever on an inherited terminal or pipe; /dev/null ends it at once.
    try await ProcessStep.run(ExecSpec(shell: "cat; read line && exit 9; exit 0"), context: testContext)
  }

  @Test func missingProgramIsAClearError() async {
    let error = await failure(ExecSpec(arguments: ["/nonexistent/lanes-program", "x"]))
    #expect(error == .spawnFailed(program: "/nonexistent/lanes-program", errno: ENOENT))
    #expect(error?.description.contains("cannot run \"/nonexistent/lanes-program\": no such file") == true)
    // A path is not looked up in PATH, so PATH is not mentioned.
    #expect(error?.description.contains("PATH") == false)
    let notInPath = await failure(ExecSpec(arguments: ["lanes-no-such-program-anywhere"]))
    #expect(notInPath == .spawnFailed(program: "lanes-no-such-program-anywhere", errno: ENOENT))
  }

  @Test func aProgramNotInPathSaysPATHWasSearched() async {
    let error = await failure(ExecSpec(arguments: ["lanes-no-such-program-anywhere"]))
    #expect(
      error?.description == "cannot run \"lanes-no-such-program-anywhere\": not found in any folder of PATH")
  }

  @Test func nonExecutableProgramIsAClearError() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let script = directory.appendingPathComponent("script.sh")
    try "#!/bin/sh\nexit 0\n".write(to: script, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: script.path)
    let error = await failure(ExecSpec(arguments: [script.path]))
    #expect(error == .spawnFailed(program: script.path, errno: EACCES))
    #expect(error?.description.contains("permission denied") == true)
  }

  @Test func badSpecsAreRefusedBeforeSpawning() async {
    #expect(await failure(ExecSpec(arguments: [])) == .invalidSpec("no program given (empty arguments)"))
    let nul = await failure(ExecSpec(arguments: ["echo", "a\0b"]))
    #expect(nul?.description.contains("NUL byte") == true)
    let cwd = await failure(ExecSpec(arguments: ["true"], cwd: "/nonexistent/dir"))
    #expect(cwd == .badWorkingDirectory("/nonexistent/dir"))
  }

  @Test func megabyteOfStderrDoesNotDeadlockAndKeepsTheEnd() async {
    // ~1.2 MB, far beyond a 64 KiB pipe buffer: the child blocks forever unless we read as it writes.
    let spec = ExecSpec(
      shell: #"awk 'BEGIN { for (i = 1; i <= 60000; i++) print "stderr line " i > "/dev/stderr" }'; exit 4"#,
      tailLines: 3)
    let error = await failure(spec)
    #expect(error == .exited(status: 4, tail: "stderr line 59998\nstderr line 59999\nstderr line 60000"))
  }

  @Test func megabytesOnBothStreamsAtOnce() async throws {
    let spec = ExecSpec(
      shell:
        #"awk 'BEGIN { for (i = 1; i <= 100000; i++) { print "out " i; print "err " i > "/dev/stderr" } }'"#)
    try await ProcessStep.run(spec, context: testContext)
  }

  @Test func cancellationBeforeStartSpawnsNothing() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let marker = directory.appendingPathComponent("ran")
    let task = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      try await ProcessStep.run(ExecSpec(shell: "touch '\(marker.path)'"), context: testContext)
    }
    await #expect(throws: CancellationError.self) { try await task.value }
    #expect(!FileManager.default.fileExists(atPath: marker.path))
  }

  @Test func cancellationStopsAProcessWithSIGTERM() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let pidFile = directory.appendingPathComponent("pid")
    let spec = ExecSpec(shell: "echo $$ > '\(pidFile.path)'; exec sleep 30", killGrace: .seconds(20))
    let task = Task { try await ProcessStep.run(spec, context: testContext) }
    let pid = try #require(await readPID(pidFile))
    task.cancel()
    let result = await task.result
    #expect(throws: ProcessStepError.cancelled(killedAfterGrace: nil)) { try result.get() }
    #expect(groupIsGone(pid))
  }

  @Test func processIgnoringSIGTERMIsKilledAfterTheGrace() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let pidFile = directory.appendingPathComponent("pid")
    // The pid is written after the trap is set, so the SIGTERM cannot arrive before it is ignored.
    let spec = ExecSpec(
      shell: "trap '' TERM; echo $$ > '\(pidFile.path)'; sleep 30", killGrace: .milliseconds(300))
    let task = Task { try await ProcessStep.run(spec, context: testContext) }
    let pid = try #require(await readPID(pidFile))
    task.cancel()
    let result = await task.result
    #expect(throws: ProcessStepError.cancelled(killedAfterGrace: .milliseconds(300))) { try result.get() }
    if case .failure(let error) = result {
      #expect("\(error)" == "cancelled: process group ignored SIGTERM, killed with SIGKILL after 300ms")
    }
    // The leader is reaped by us; its `sleep` child got the same SIGKILL (same group): dead within
    // moments (not at once on a busy machine: CI saw it alive right after), gone once init reaps it.
    #expect(await eventually(within: .seconds(10)) { liveMembers(ofGroup: pid).isEmpty })
    #expect(await eventually { groupIsGone(pid) })
  }

  @Test func cancellationReachesTheWholeProcessGroup() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let pidFile = directory.appendingPathComponent("pid")
    let spec = ExecSpec(shell: "sleep 30 & echo $$ > '\(pidFile.path)'; sleep 30", killGrace: .seconds(20))
    let task = Task { try await ProcessStep.run(spec, context: testContext) }
    let pgid = try #require(await readPID(pidFile))
    #expect(liveMembers(ofGroup: pgid).count >= 2)
    task.cancel()
    await #expect(throws: ProcessStepError.self) { try await task.value }
    #expect(await eventually(within: .seconds(10)) { liveMembers(ofGroup: pgid).isEmpty })
    #expect(await eventually { groupIsGone(pgid) })
  }

  @Test func leftoverChildrenDoNotOutliveASuccessfulStep() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let pidFile = directory.appendingPathComponent("pid")
    // The background sleep keeps the output pipes open: the step must still end when the shell does.
    try await ProcessStep.run(
      ExecSpec(shell: "sleep 30 & echo $$ > '\(pidFile.path)'; exit 0"), context: testContext)
    let pgid = try #require(await readPID(pidFile))
    #expect(await eventually(within: .seconds(10)) { liveMembers(ofGroup: pgid).isEmpty })
    #expect(await eventually { groupIsGone(pgid) })
  }

  @Test func thousandsOfProcessesLeakNoDescriptorsAndLeaveNoZombies() async throws {
    // Warm up lazily created things (the dlsym lookups, Foundation's environment) before counting.
    try await ProcessStep.run(ExecSpec(arguments: ["true"]), context: testContext)
    let before = openDescriptorCount(includingSockets: false)
    for index in 0..<2000 {
      if index % 2 == 0 {
        try await ProcessStep.run(ExecSpec(arguments: ["true"]), context: testContext)
      } else {
        await #expect(throws: ProcessStepError.exited(status: 1, tail: "no")) {
          try await ProcessStep.run(ExecSpec(shell: "echo no >&2; exit 1"), context: testContext)
        }
      }
    }
    let after = openDescriptorCount(includingSockets: false)
    // Each run opens 5 descriptors (two pipes, an eventfd, a pidfd); a leak of even one per run would
    // show as a thousand. Sockets are not counted: the HTTP suite opens them at the same time.
    #expect(before > 0)
    #expect(after - before < 20, "descriptors before: \(before), after: \(after)")
    #expect(zombieChildren().isEmpty)
  }

  @Test func exitAndCancellationWorkWithoutPidfd() async throws {
    try await ProcessStep.run(ExecSpec(shell: "sleep 30 & exit 0"), usePidFD: false)
    await #expect(throws: ProcessStepError.exited(status: 6, tail: "six")) {
      try await ProcessStep.run(ExecSpec(shell: "echo six >&2; exit 6"), usePidFD: false)
    }
    let task = Task {
      try await ProcessStep.run(
        ExecSpec(shell: "trap '' TERM; sleep 30", killGrace: .milliseconds(200)), usePidFD: false)
    }
    try await Task.sleep(for: .milliseconds(200))
    task.cancel()
    await #expect(throws: ProcessStepError.self) { try await task.value }
  }

  @Test func stepActionHelpersRunTheStep() async throws {
    guard case .transform(let body) = StepAction.exec(ExecSpec(shell: "exit 5")) else {
      Issue.record("exec did not make a transform")
      return
    }
    await #expect(throws: ProcessStepError.exited(status: 5, tail: "")) { try await body(testContext) }
  }
}
