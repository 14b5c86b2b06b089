import Foundation
import Testing
import WorkflowFiles

/// A fixture file and the exact diagnostics it must produce, in order.
struct FixtureCase: Sendable, CustomTestStringConvertible {
  let file: String
  let expected: [String]

  init(_ file: String, _ expected: [String]) {
    self.file = file
    self.expected = expected
  }

  var testDescription: String { file }
}

/// One fixture per kind of mistake; each asserts every message with its line:column.
@Suite struct ValidationErrorTests {
  static let cases: [FixtureCase] = [
    FixtureCase(
      "attempts-below-one.yaml",
      [
        "attempts-below-one.yaml:5:24: error: attempts must be at least 1, got 0. attempts counts the first try too: 1 means no retry, 4 means up to 3 retries."
      ]),
    FixtureCase(
      "background-without-queue.yaml",
      [
        "background-without-queue.yaml:7:9: error: background step \"save\" has no queue. Add \"queue: <name>\" naming a queue declared under \"queues:\". Declared queues: \"history\"."
      ]),
    FixtureCase(
      "blocking-after-background.yaml",
      [
        "blocking-after-background.yaml:14:13: error: blocking step \"log\" depends on background step \"db\": the response would wait on background work, the hidden dependency Lanes forbids. Make \"log\" background, or remove \"db\" from its after list.",
        "blocking-after-background.yaml:19:13: error: blocking step \"respond\" depends on background step \"db\" through db → log → respond: the response would wait on background work, the hidden dependency Lanes forbids. Make \"respond\" background, or remove \"log\" from its after list.",
      ]),
    FixtureCase(
      "cycle.yaml",
      [
        "cycle.yaml:5:13: error: steps depend on each other in a cycle: a → b → c → a. Break the cycle: remove \"c\" from the after list of \"a\", or another link of it."
      ]),
    FixtureCase(
      "duplicate-key.yaml",
      [
        // The later "mode" is read (the first is renamed to read on), so the step is background.
        "duplicate-key.yaml:3:9: error: background step \"auth\" has no queue. Add \"queue: <name>\" naming a queue declared under \"queues:\". No queues are declared in this file.",
        "duplicate-key.yaml:4:5: error: key \"mode\" appears more than once in the same mapping. Keep one of them.",
      ]),
    FixtureCase(
      "duplicate-step-id.yaml",
      [
        "duplicate-step-id.yaml:7:9: error: step id \"auth\" is used twice, at lines 3 and 7. Give each step its own id."
      ]),
    FixtureCase(
      "duration-without-unit.yaml",
      [
        "duration-without-unit.yaml:6:16: error: latency 8 has no unit. Write a unit, e.g. 8ms or 8s."
      ]),
    FixtureCase(
      "empty.yaml",
      [
        "empty.yaml:1:1: error: the file is empty. Start with \"workflow: <name>\" and a \"steps:\" list; see examples/chat.yaml."
      ]),
    FixtureCase(
      "failure-rate-out-of-range.yaml",
      [
        "failure-rate-out-of-range.yaml:7:21: error: failure-rate must be between 0 and 1, got 1.5. It is a probability: 0.02 means 2% of attempts fail."
      ]),
    FixtureCase(
      "invalid-name.yaml",
      [
        "invalid-name.yaml:1:11: error: workflow name \"my chat\" may only use letters, digits, - and _. Write e.g. \"my-chat\".",
        "invalid-name.yaml:3:9: error: step id \"auth step\" may only use letters, digits, - and _. Write e.g. \"auth-step\".",
      ]),
    FixtureCase(
      "latency-mixed.yaml",
      [
        "latency-mixed.yaml:6:16: error: latency mixes p50/p99 with min/max. Use { p50: 35ms, p99: 120ms } for log-normal, or { min: 20ms, max: 60ms } for uniform."
      ]),
    FixtureCase(
      "max-backoff-below-backoff.yaml",
      [
        "max-backoff-below-backoff.yaml:5:53: error: max-backoff (500ms) is less than backoff (2s). Make max-backoff at least the backoff (max-backoff is 10s unless written)."
      ]),
    FixtureCase(
      "min-greater-than-max.yaml",
      [
        "min-greater-than-max.yaml:6:23: error: latency min (60ms) is more than max (20ms). Swap them, or make max at least min."
      ]),
    FixtureCase(
      "missing-fields.yaml",
      [
        "missing-fields.yaml:1:1: error: missing \"workflow\": every file names its workflow. Add \"workflow: <name>\" at the top, using letters, digits, - and _.",
        "missing-fields.yaml:3:5: error: step is missing \"id\". Add \"id: <name>\", using letters, digits, - and _.",
        "missing-fields.yaml:6:5: error: step \"retrieve\" is missing \"mode\". Add \"mode: blocking\" (the response waits for it) or \"mode: background\" (it runs later, on a queue).",
        "missing-fields.yaml:9:5: error: step \"respond\" has nothing to do: it needs one of simulate, exec or http. Add e.g. \"simulate: { latency: 10ms }\", \"exec: { args: [true] }\" or \"http: { url: http://127.0.0.1:8765/ok }\".",
      ]),
    FixtureCase(
      "no-steps.yaml",
      [
        "no-steps.yaml:3:1: error: workflow \"idle\" has no steps. Add a \"steps:\" list with at least one step."
      ]),
    FixtureCase(
      "non-positive-durations.yaml",
      [
        "non-positive-durations.yaml:5:14: error: timeout must be more than zero, got 0s. Write a positive duration, e.g. 1ms.",
        "non-positive-durations.yaml:6:36: error: backoff must be more than zero, got 0ms. Write a positive duration, e.g. 1ms.",
        "non-positive-durations.yaml:8:16: error: latency must be more than zero, got 0ms. Write a positive duration, e.g. 1ms.",
        "non-positive-durations.yaml:11:14: error: timeout must be more than zero, got -2s. Durations are never negative.",
      ]),
    FixtureCase(
      "p99-below-p50.yaml",
      [
        "p99-below-p50.yaml:6:34: error: latency p99 (20ms) is less than p50 (35ms). p99 is the slow tail: make it at least p50."
      ]),
    FixtureCase(
      "queue-on-blocking-step.yaml",
      [
        "queue-on-blocking-step.yaml:9:12: error: blocking step \"auth\" has a queue (\"history\"). Blocking steps run on the critical path, not on a queue: remove \"queue\", or make the step background."
      ]),
    FixtureCase(
      "queue-size-not-positive.yaml",
      [
        "queue-size-not-positive.yaml:4:14: error: workers must be at least 1, got 0. A queue needs at least one worker to run its steps.",
        "queue-size-not-positive.yaml:5:15: error: capacity must be at least 1, got -1. Capacity is how many steps may wait; choose what happens when it is full with \"when-full\".",
      ]),
    FixtureCase(
      "rate-not-positive.yaml",
      [
        "rate-not-positive.yaml:3:9: error: rate must be more than zero, got 0. Write runs per second, e.g. \"rate: 5\"."
      ]),
    FixtureCase(
      "syntax-error.yaml",
      [
        "syntax-error.yaml:5:4: error: YAML syntax error: did not find expected '-' indicator (while parsing a block collection at 3:3). Check the indentation, colons and quotes on this line and the one before it."
      ]),
    FixtureCase(
      "unknown-dependency.yaml",
      [
        "unknown-dependency.yaml:9:13: error: step \"respond\" is after unknown step \"retreive\". Did you mean \"retrieve\"?",
        "unknown-dependency.yaml:9:23: error: step \"respond\" is after unknown step \"auth\". Steps in this workflow: \"retrieve\".",
      ]),
    FixtureCase(
      "unknown-key.yaml",
      [
        "unknown-key.yaml:2:1: error: unknown key \"laod\" in the workflow file. Did you mean \"load\"?",
        "unknown-key.yaml:6:5: error: unknown key \"mdoe\" in a step. Did you mean \"mode\"?",
        "unknown-key.yaml:8:7: error: unknown key \"latncy\" in simulate. Did you mean \"latency\"?",
      ]),
    FixtureCase(
      "unknown-overflow-policy.yaml",
      [
        "unknown-overflow-policy.yaml:6:16: error: when-full must be reject, drop-oldest or block, got \"drop-newest\". Did you mean \"drop-oldest\"?"
      ]),
    FixtureCase(
      "unknown-queue.yaml",
      [
        "unknown-queue.yaml:12:12: error: step \"save\" uses unknown queue \"histroy\". Did you mean \"history\"? Declared queues: \"history\" and \"events\"."
      ]),
    FixtureCase(
      "wrong-type.yaml",
      [
        "wrong-type.yaml:3:9: error: rate must be a number, got \"fast\". Write runs per second, e.g. \"rate: 5\".",
        "wrong-type.yaml:4:13: error: arrivals must be constant or poisson, got \"bursty\". Write one of them.",
        "wrong-type.yaml:7:11: error: mode must be blocking or background, got \"sync\". Write one of them.",
        "wrong-type.yaml:8:12: error: after must be a list of step ids, got \"auth-check\". Write \"after: [auth-check]\".",
        "wrong-type.yaml:11:12: error: cpu must be true or false, got \"sometimes\". Write \"cpu: true\" or \"cpu: false\".",
      ]),
    FixtureCase(
      "after-duplicate.yaml",
      [
        "after-duplicate.yaml:8:16: error: after lists \"a\" twice, at 8:13 and 8:16. Keep one of them."
      ]),
    FixtureCase(
      "control-characters.yaml",
      [
        "control-characters.yaml:3:9: error: step id \"\\u{1B}[2J\\u{1B}[Hgone\" may only use letters, digits, - and _. Write e.g. \"2J-Hgone\"."
      ]),
    FixtureCase(
      "duplicate-key-and-more.yaml",
      [
        "duplicate-key-and-more.yaml:3:9: error: background step \"auth\" has no queue. Add \"queue: <name>\" naming a queue declared under \"queues:\". No queues are declared in this file.",
        "duplicate-key-and-more.yaml:4:5: error: key \"mode\" appears more than once in the same mapping. Keep one of them.",
        "duplicate-key-and-more.yaml:8:7: error: unknown key \"laetncy\" in simulate. Did you mean \"latency\"?",
        "duplicate-key-and-more.yaml:11:13: error: step \"save\" is after unknown step \"nowhere\". Steps in this workflow: \"auth\".",
        "duplicate-key-and-more.yaml:12:26: error: latency 1 has no unit. Write a unit, e.g. 1ms or 1s.",
      ]),
    FixtureCase(
      "description-control-character.yaml",
      [
        "description-control-character.yaml:2:14: error: description contains the control character U+001B. Write one line of plain text."
      ]),
    FixtureCase(
      "duplicate-queue-name.yaml",
      [
        // The later declarations are read; the renamed first ones raise no errors of their own.
        "duplicate-queue-name.yaml:3:3: error: key \"jobs\" appears more than once in the same mapping. Keep one of them.",
        "duplicate-queue-name.yaml:9:34: error: key \"A\" appears more than once in the same mapping. Keep one of them.",
      ]),
    FixtureCase(
      "duration-not-a-number.yaml",
      [
        "duration-not-a-number.yaml:5:26: error: latency must be a duration, got .nan. Write a number and a unit, e.g. 250us, 15ms, 2s or 1m.",
        "duration-not-a-number.yaml:8:14: error: timeout must be a duration, got .inf. Write a number and a unit, e.g. 250us, 15ms, 2s or 1m.",
      ]),
    FixtureCase(
      "duration-units.yaml",
      [
        "duration-units.yaml:8:26: error: latency \"5MS\" has the unit \"MS\": units are written in lower case. Write 5ms.",
        "duration-units.yaml:11:26: error: latency \"1e999ms\" does not start with a plain number. Write the number in plain digits, without an exponent, e.g. 1500ms.",
        "duration-units.yaml:14:26: error: latency \"5 sec\" has an unknown unit \"sec\". Units: ns, us, µs, ms, s, m or h.",
        "duration-units.yaml:17:26: error: latency \"5\" has no unit. Write a unit after the number: ns, us, µs, ms, s, m or h.",
        "duration-units.yaml:20:14: error: timeout 90000s is too large: the limit is 24h00m. Durations in a workflow are at most a day; check the unit.",
      ]),
    FixtureCase(
      "invalid-queue-name.yaml",
      [
        "invalid-queue-name.yaml:3:3: error: queue name \"my jobs\" may only use letters, digits, - and _. Write e.g. \"my-jobs\".",
        "invalid-queue-name.yaml:9:12: error: queue \"my jobs\" may only use letters, digits, - and _. Write e.g. \"my-jobs\".",
        "invalid-queue-name.yaml:13:12: error: step \"b\" uses unknown queue \"jobs\". The queues declared in this file have names that are not valid: fix those first.",
        "invalid-queue-name.yaml:15:9: error: background step \"c\" has no queue. Add \"queue: <name>\" naming a queue declared under \"queues:\". The queues declared in this file have names that are not valid: fix those first.",
      ]),
    FixtureCase(
      "limits-too-large.yaml",
      [
        "limits-too-large.yaml:4:14: error: workers 99999999999999999999 is too large: the limit is 1000. Each worker is a task kept for the whole run; more workers than steps in flight only cost memory.",
        "limits-too-large.yaml:5:15: error: capacity 1e9 is too large: the limit is 1000000. The queue's memory grows with what waits in it; choose what happens when it is full with \"when-full\".",
        "limits-too-large.yaml:7:14: error: workers 1001 is too large: the limit is 1000. Each worker is a task kept for the whole run; more workers than steps in flight only cost memory.",
        "limits-too-large.yaml:8:15: error: capacity must be a whole number, got 2.5. Write a whole number, e.g. \"capacity: 2\".",
        "limits-too-large.yaml:12:24: error: attempts 101 is too large: the limit is 100. Backoff doubles with each retry; a step that fails this often belongs in the dead letters.",
        "limits-too-large.yaml:13:26: error: latency 25h is too large: the limit is 24h00m. Durations in a workflow are at most a day; check the unit.",
      ]),
    FixtureCase(
      "name-too-long.yaml",
      [
        "name-too-long.yaml:1:11: error: workflow name is 83 characters long, too long: the limit is 64. Names are shown in tables and bars: write a shorter one."
      ]),
    FixtureCase(
      "non-ascii-id.yaml",
      [
        "non-ascii-id.yaml:3:9: error: step id \"café\" may only use letters, digits, - and _. Write e.g. \"cafe\".",
        "non-ascii-id.yaml:6:9: error: step id \"検索\" may only use letters, digits, - and _. Write e.g. \"name\".",
      ]),
    FixtureCase(
      "rate-too-large.yaml",
      [
        "rate-too-large.yaml:2:15: error: rate 1e9 is too large: the limit is 100000 runs per second. Above it the arrival clock cannot keep the rate; run several lanes processes for more."
      ]),
    FixtureCase(
      "tab-indentation.yaml",
      [
        "tab-indentation.yaml:4:1: error: a tab in the indentation: YAML indents with spaces only. Replace the tab with spaces (two per level, as in the examples)."
      ]),
  ]

  @Test(arguments: cases)
  func fixtureReportsExactDiagnostics(_ fixture: FixtureCase) throws {
    #expect(try Fixture.diagnostics(fixture.file) == fixture.expected)
  }

  @Test func everyFixtureIsAsserted() throws {
    let others: Set = [
      "not-utf8.yaml", "background-only.yaml", "shared-queue-a.yaml", "shared-queue-b.yaml",
      "shared-queue-conflict.yaml", "byte-order-mark.yaml", "same-name-a.yaml", "same-name-b.yaml",
    ]
    let files = Set(try FileManager.default.contentsOfDirectory(atPath: Fixture.directory.path))
    let asserted = Self.cases.map(\.file) + StepKindValidationTests.cases.map(\.file)
    #expect(files == Set(asserted).union(others))
  }

  @Test func badUTF8IsReportedAtTheFirstBadByte() throws {
    // Written with bytes: "café" in Latin-1, so the é (0xE9) is not UTF-8.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("not-utf8.yaml")))
    #expect(bytes.contains(0xE9))
    #expect(
      try Fixture.diagnostics("not-utf8.yaml") == [
        "not-utf8.yaml:2:17: error: the file is not valid UTF-8: byte 0xE9 cannot start or continue a character. Save the file as UTF-8."
      ])
  }

  @Test func truncatedMultiByteSequenceIsReportedAtItsFirstByte() {
    // "é" is C3 A9; a lone C3 at the end of the text is cut short.
    let source = WorkflowSource(file: "cut.yaml", bytes: Array("workflow: x\n# é".utf8) + [0xC3])
    #expect(
      diagnostics(source) == [
        "cut.yaml:2:4: error: the file is not valid UTF-8: byte 0xC3 cannot start or continue a character. Save the file as UTF-8."
      ])
  }

  @Test func fileOverOneMebibyteIsRefusedWithItsSize() {
    let line = Array("# padding to make the file too large to be a workflow file\n".utf8)
    var bytes: [UInt8] = []
    while bytes.count <= WorkflowLoader.maximumFileSize { bytes += line }
    let source = WorkflowSource(file: "huge.yaml", bytes: bytes)
    #expect(
      diagnostics(source) == [
        "huge.yaml: error: the file is \(bytes.count) bytes, over the limit of 1048576 bytes (1 MiB). Workflow files are small: check the path, or split it into several workflow files."
      ])
  }

  @Test func fileOfExactlyOneMebibyteIsRead() {
    var text = "workflow: big\nsteps:\n  - id: a\n    mode: blocking\n    simulate: { latency: 1ms }\n"
    text += String(repeating: "#", count: WorkflowLoader.maximumFileSize - text.utf8.count - 1) + "\n"
    #expect(text.utf8.count == WorkflowLoader.maximumFileSize)
    #expect(diagnostics(WorkflowSource(file: "big.yaml", text: text)) == [])
  }

  @Test func workflowWithoutBlockingStepsIsValid() throws {
    let file = try WorkflowLoader.parse(Fixture.source("background-only.yaml"))
    #expect(file.workflow.steps.map(\.mode) == [.background])
  }

  @Test func everyErrorInAFileIsReportedNotJustTheFirst() {
    let text = """
      workflow: many
      load: { rate: -1, arrivals: poisson }
      steps:
        - id: a
          mode: blocking
          after: [b]
          simulate: { latency: 5 }
        - id: b
          mode: blocking
          after: [a]
          simulate: { latency: { min: 9ms, max: 1ms }, failure-rate: 2 }
      """
    #expect(
      diagnostics(WorkflowSource(file: "many.yaml", text: text)) == [
        "many.yaml:2:15: error: rate must be more than zero, got -1. Write runs per second, e.g. \"rate: 5\".",
        "many.yaml:6:13: error: steps depend on each other in a cycle: a → b → a. Break the cycle: remove \"b\" from the after list of \"a\", or another link of it.",
        "many.yaml:7:26: error: latency 5 has no unit. Write a unit, e.g. 5ms or 5s.",
        "many.yaml:11:33: error: latency min (9ms) is more than max (1ms). Swap them, or make max at least min.",
        "many.yaml:11:64: error: failure-rate must be between 0 and 1, got 2. It is a probability: 0.02 means 2% of attempts fail.",
      ])
  }

  @Test func selfDependencyIsACycleOfOne() {
    let text =
      "workflow: me\nsteps:\n  - id: a\n    mode: blocking\n    after: [a]\n    simulate: { latency: 1ms }\n"
    #expect(
      diagnostics(WorkflowSource(file: "me.yaml", text: text)) == [
        "me.yaml:5:13: error: steps depend on each other in a cycle: a → a. A step cannot wait for itself: remove \"a\" from its own after list."
      ])
  }

  @Test func blockingAfterBackgroundIsFineTheOtherWayRound() throws {
    let text = """
      workflow: ok
      queues: { q: { workers: 1, capacity: 1 } }
      steps:
        - { id: a, mode: blocking, simulate: { latency: 1ms } }
        - { id: b, mode: background, after: [a], queue: q, simulate: { latency: 1ms } }
        - { id: c, mode: background, after: [b], queue: q, simulate: { latency: 1ms } }
      """
    let file = try WorkflowLoader.parse(text: text, file: "ok.yaml")
    #expect(file.workflow.steps.map(\.id) == ["a", "b", "c"])
  }

  private func diagnostics(_ source: WorkflowSource) -> [String] {
    do throws(WorkflowFileError) {
      _ = try WorkflowLoader.parse(source)
      return []
    } catch {
      return error.diagnostics.map(\.description)
    }
  }
}
