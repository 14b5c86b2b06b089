import Foundation
import Testing
import WorkflowFiles

/// Sizes at and over the documented limits, inputs built to be slow, and files given together the
/// way `run` loads them.
@Suite struct LimitsAndHostileInputTests {
  private func diagnostics(_ text: String, file: String = "big.yaml") -> [Diagnostic] {
    do throws(WorkflowFileError) {
      _ = try WorkflowLoader.parse(text: text, file: file)
      return []
    } catch {
      return error.diagnostics
    }
  }

  /// `count` steps on one line each; `after(i)` gives step i's dependencies.
  private func workflow(
    steps count: Int, queues: String = "", mode: (Int) -> String = { _ in "blocking" },
    after: (Int) -> [Int]
  ) -> String {
    var text = "workflow: big\n\(queues)steps:\n"
    for index in 0..<count {
      let list = after(index).map { "s\($0)" }.joined(separator: ", ")
      let queue = mode(index) == "background" ? ", queue: q" : ""
      text +=
        "  - { id: s\(index), mode: \(mode(index))\(queue), after: [\(list)], simulate: { latency: 1ms } }\n"
    }
    return text
  }

  // A 10,000-step chain took over 30 s when each blocking step searched the graph on its own
  // (quadratic); at this size a quadratic check takes minutes, a linear one well under a second.
  @Test func longChainAtTheStepLimitIsValid() throws {
    let text = workflow(steps: WorkflowLimits.steps) { $0 == 0 ? [] : [$0 - 1] }
    let file = try WorkflowLoader.parse(text: text, file: "chain.yaml")
    #expect(file.workflow.steps.count == 10_000)
    #expect(file.workflow.steps.last?.after == ["s9998"])
  }

  @Test func wideFanOutAndFanInAtTheStepLimitAreValid() throws {
    let count = WorkflowLimits.steps
    let text = workflow(steps: count) { index in
      index == 0 ? [] : index == count - 1 ? Array(1..<(count - 1)) : [0]
    }
    let file = try WorkflowLoader.parse(text: text, file: "fan.yaml")
    #expect(file.workflow.steps.count == count)
    #expect(file.workflow.steps.last?.after.count == count - 2)
  }

  @Test func everyBlockingStepOfALongChainOnBackgroundWorkIsReportedBriefly() {
    let text = workflow(
      steps: WorkflowLimits.steps, queues: "queues: { q: { workers: 1, capacity: 1 } }\n",
      mode: { $0 == 0 ? "background" : "blocking" }, after: { $0 == 0 ? [] : [$0 - 1] })
    let found = diagnostics(text)
    #expect(found.count == WorkflowLimits.steps - 1)
    #expect(
      found.last?.description
        == "big.yaml:10003:42: error: blocking step \"s9999\" depends on background step \"s0\" through s0 → … (9996 more) … → s9997 → s9998 → s9999: the response would wait on background work, the hidden dependency Lanes forbids. Make \"s9999\" background, or remove \"s9998\" from its after list."
    )
    #expect(found.allSatisfy { $0.description.count < 400 })
  }

  @Test func longCycleIsReportedOnceWithoutDeepRecursion() {
    let count = WorkflowLimits.steps
    let text = workflow(steps: count) { $0 == 0 ? [count - 1] : [$0 - 1] }
    let found = diagnostics(text)
    #expect(found.count == 1)
    #expect(
      found.first?.message.hasPrefix("steps depend on each other in a cycle: s0 → s1 → s2 → … (") == true)
  }

  @Test func oneStepOverTheLimitIsRefusedWithTheLimit() {
    let text = workflow(steps: WorkflowLimits.steps + 1) { _ in [] }
    #expect(
      diagnostics(text).map(\.description) == [
        "big.yaml:3:3: error: the workflow has 10001 steps, too many: the limit is 10000. Each step has its own metrics, history and dashboard row: split the workflow into several files."
      ])
  }

  @Test func oneQueueOverTheLimitIsRefusedWithTheLimit() {
    let queues = (0...WorkflowLimits.queues).map { "  q\($0): { workers: 1, capacity: 1 }\n" }.joined()
    let text =
      "workflow: big\nqueues:\n\(queues)steps:\n  - { id: a, mode: blocking, simulate: { latency: 1ms } }\n"
    #expect(
      diagnostics(text).map(\.description) == [
        "big.yaml:3:3: error: 1001 queues are declared, too many: the limit is 1000. Each queue has its own workers, metrics and dashboard bar: let steps share queues."
      ])
  }

  @Test func workersOfAllFilesTogetherAreLimited() {
    let sources = (0...10).map { index in
      WorkflowSource(
        file: "w\(index).yaml",
        text: """
          workflow: w\(index)
          queues: { q\(index): { workers: 1000, capacity: 1 } }
          steps:
            - { id: a, mode: background, queue: q\(index), simulate: { latency: 1ms } }
          """)
    }
    do throws(WorkflowFileError) {
      _ = try WorkflowLoader.load(sources: sources)
      Issue.record("11,000 workers were accepted")
    } catch {
      #expect(
        error.diagnostics.map(\.description) == [
          "w10.yaml:2:11: error: queue \"q10\" brings the workers of all queues to 11000, too many: the limit is 10000. Each worker is a task kept for the whole run: give the queues fewer workers."
        ])
    }
  }

  @Test func deepNestingNamesTheLimitNotTheParser() {
    let found = diagnostics(String(repeating: "[", count: 100_000), file: "deep.yaml")
    #expect(found.count == 1)
    #expect(found.first?.location != nil)
    #expect(found.first?.message.contains("the limit is \(WorkflowLimits.nesting)") == true)
    #expect(found.first?.description.contains("yaml_") == false)
  }

  @Test func controlCharactersAreEscapedInEveryText() {
    let diagnostic = Diagnostic(
      file: "a\u{1B}b.yaml", location: .init(line: 1, column: 1), message: "id \"\u{1B}[2J\u{7}\u{9B}\"",
      hint: "x\u{202E}y\nz")
    #expect(
      diagnostic.description == "a\\u{1B}b.yaml:1:1: error: id \"\\u{1B}[2J\\u{7}\\u{9B}\". x\\u{202E}y\\nz")
    #expect(Diagnostic.escaped("plain café") == "plain café")
  }

  // `check FILE...` must refuse what `run FILE...` refuses.
  @Test func checkAppliesTheRulesBetweenFiles() {
    let names = WorkflowLoader.check(arguments: [
      Fixture.path("same-name-a.yaml"), Fixture.path("same-name-b.yaml"),
    ])
    #expect(names.map(\.diagnostics.count) == [0, 1])
    #expect(
      names.last?.diagnostics.first?.description
        == "\(Fixture.path("same-name-b.yaml")):1:11: error: workflow \"twin\" is also defined at \(Fixture.path("same-name-a.yaml")):1:11. Workflow names must be unique across files: rename one."
    )
    let queues = WorkflowLoader.check(arguments: [
      Fixture.path("shared-queue-a.yaml"), Fixture.path("shared-queue-conflict.yaml"),
    ])
    #expect(queues.map(\.diagnostics.count) == [0, 1])
    #expect(queues.last?.diagnostics.first?.message.hasPrefix("queue \"shared\" is declared as") == true)
  }

  @Test func theSameFileGivenTwiceIsNamedAsSuch() {
    let checked = WorkflowLoader.check(arguments: ["chat", "chat"])
    #expect(
      checked.map { $0.diagnostics.map(\.description) } == [
        [], ["chat: error: is given twice. Name each workflow file once."],
      ])
    let path = Fixture.path("same-name-a.yaml")
    let dotted = Fixture.directory.path + "/./same-name-a.yaml"
    do throws(WorkflowFileError) {
      _ = try WorkflowLoader.load(arguments: [path, dotted])
      Issue.record("one file given twice was loaded")
    } catch {
      #expect(
        error.diagnostics.map(\.description) == [
          "\(dotted): error: is the same file as \(path), given before it. Name each workflow file once."
        ])
    }
  }

  @Test func byteOrderMarkIsAccepted() throws {
    let file = try WorkflowLoader.parse(Fixture.source("byte-order-mark.yaml"))
    #expect(file.workflow.name == "bom")
  }

  @Test func identifierSuggestionsAreThemselvesValid() throws {
    for id in ["café", "検索", "a b", "ÆØÅ-x", "naïve résumé"] {
      let text = "workflow: w\nsteps:\n  - { id: \"\(id)\", mode: blocking, simulate: { latency: 1ms } }\n"
      let hint = try #require(diagnostics(text).first?.hint)
      let suggested = try #require(hint.split(separator: "\"").dropFirst().first.map(String.init))
      #expect(suggested != id)
      let fixed =
        "workflow: w\nsteps:\n  - { id: \"\(suggested)\", mode: blocking, simulate: { latency: 1ms } }\n"
      #expect(diagnostics(fixed).isEmpty, "suggestion \(suggested) for \(id) is refused")
    }
  }
}

/// What `.ci/fuzz` asserts of every input, asserted here of every fixture (the fuzzer's seeds).
@Suite struct FuzzPropertyTests {
  @Test func everyFixtureDiagnosticHasAPlaceAndNoRawControlCharacter() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Fixture.directory.path).sorted()
    #expect(names.count > 50)
    for name in names {
      for line in try Fixture.diagnostics(name) {
        #expect(line.hasPrefix(name + ":"), "\(line)")
        let position = line.dropFirst(name.count + 1).prefix { $0 != " " }
        #expect(position.split(separator: ":").count == 2, "no line:column in \(line)")
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
      }
    }
  }
}
