import ExecutionCore
import Foundation
import StepKinds
import Testing
import WorkflowFiles

/// A runtime for one workflow file, with no load of its own.
private func runtime(_ yaml: String, file: String = "data.yaml") throws -> Runtime {
  let parsed = try WorkflowLoader.parse(text: yaml, file: file)
  return try Runtime(
    topology: parsed.topology,
    options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false),
    clock: SystemClock())
}

/// The diagnostics of a text, as printed; empty when it parses.
private func diagnostics(_ yaml: String, file: String = "bad.yaml") -> [String] {
  do throws(WorkflowFileError) {
    _ = try WorkflowLoader.parse(text: yaml, file: file)
    return []
  } catch {
    return error.diagnostics.map(\.description)
  }
}

/// Runs go through workflow files with real exec steps: the data flows from the input through the
/// steps to the response and on to background steps.
@Suite(.serialized) struct DataFlowTests {
  @Test func shellAndPythonStepsTransformTheDataAlongAChain() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-data-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let yaml = """
      workflow: chain
      response: total
      queues:
        store: { workers: 1, capacity: 10 }
      steps:
        # sh: counts the commas in its stdin document; "3" on stdout parses as JSON: the number 3.
        - id: count
          mode: blocking
          exec: { shell: "tr -cd ',' | wc -c | tr -d ' '" }
        # python3: the input and count's output in, a JSON object out.
        - id: total
          mode: blocking
          after: [count]
          exec:
            args:
              - python3
              - -c
              - |
                import json, sys
                doc = json.load(sys.stdin)
                prices = doc["input"]["prices"]
                print(json.dumps({"sum": sum(prices), "commas": int(doc["steps"]["count"]), "step": "total"}))
        # sh in the background: stores what it sees (the total, through count).
        - id: store
          mode: background
          queue: store
          after: [total]
          exec: { shell: "cat > \(directory.path)/$LANES_STEP-$LANES_RUN_ID.json" }
      """
    let rt = try runtime(yaml)
    let result = try await rt.run(workflow: "chain", inputJSON: Array(#"{"prices": [3, 4, 5]}"#.utf8))
    #expect(!result.failed, "\(result.error ?? "")")
    // Commas in the document: {"input":{"prices":[3,4,5]},"steps":{}} has 3.
    #expect(result.response.text == #"{"sum":12,"commas":3,"step":"total"}"#)
    #expect(await rt.waitUntilSettled(timeout: .seconds(30)))
    let stored = try String(
      contentsOf: directory.appendingPathComponent("store-\(result.runID).json"), encoding: .utf8)
    #expect(
      stored
        == #"{"input":{"prices":[3,4,5]},"steps":{"count":3,"total":{"sum":12,"commas":3,"step":"total"}}}"#)
    _ = await rt.shutdown(deadline: .seconds(5))
  }

  @Test func retriesSeeTheSameInput() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-retry-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // Each attempt saves its stdin; the first two attempts fail.
    let attempt =
      "cat > \(directory.path)/$LANES_WORKFLOW-$LANES_STEP-$LANES_ATTEMPT.json; [ $LANES_ATTEMPT -ge 3 ]"
    let yaml = """
      workflow: retries
      queues:
        q: { workers: 1, capacity: 10 }
      steps:
        - id: make
          mode: blocking
          exec: { shell: "echo '{\\"made\\": true}'" }
        - id: flaky
          mode: blocking
          after: [make]
          retry: { attempts: 3, backoff: 1ms }
          exec: { shell: "\(attempt)" }
        - id: later
          mode: background
          queue: q
          after: [make]
          retry: { attempts: 3, backoff: 1ms }
          exec: { shell: "\(attempt)" }
      """
    let rt = try runtime(yaml)
    let result = try await rt.run(workflow: "retries", inputJSON: Array(#"{"n": 1}"#.utf8))
    #expect(!result.failed, "\(result.error ?? "")")
    #expect(await rt.waitUntilSettled(timeout: .seconds(30)))
    for step in ["flaky", "later"] {
      let seen = try (1...3).map {
        try String(
          contentsOf: directory.appendingPathComponent("retries-\(step)-\($0).json"), encoding: .utf8)
      }
      #expect(
        seen == Array(repeating: #"{"input":{"n":1},"steps":{"make":{"made":true}}}"#, count: 3), "\(step)")
    }
    _ = await rt.shutdown(deadline: .seconds(5))
  }

  @Test func allSyncAndHybridGiveTheSameResponse() async throws {
    let yaml = """
      workflow: modes
      queues:
        q: { workers: 1, capacity: 10 }
      steps:
        - id: double
          mode: blocking
          exec: { args: [python3, -c, "import json,sys; d=json.load(sys.stdin); print(d['input']['x'] * 2)"] }
        - id: label
          mode: blocking
          after: [double]
          exec: { shell: "python3 -c 'import json,sys; d=json.load(sys.stdin); print(\\"x2=%d\\" % d[\\"steps\\"][\\"double\\"])'" }
        - id: echo
          mode: blocking
          simulate: { latency: 1ms, echo-input: true }
        - id: audit
          mode: background
          queue: q
          after: [label]
          simulate: { latency: 1ms, output-size: 1KiB }
      """
    var responses: [String] = []
    for mode in ExecutionMode.allCases {
      let rt = try runtime(yaml)
      rt.setMode(mode)
      let result = try await rt.run(workflow: "modes", inputJSON: Array(#"{"x": 21}"#.utf8))
      #expect(!result.failed && result.mode == mode, "\(result.error ?? "")")
      responses.append(result.response.text)
      _ = await rt.shutdown(deadline: .seconds(5))
    }
    // Two blocking steps end the blocking part (label and echo): an object keyed by their ids.
    #expect(responses == Array(repeating: #"{"label":"x2=42","echo":{"x":21}}"#, count: 2))
  }

  @Test func anOutputOverTheStepsLimitFailsTheRunNamingStepSizeAndLimit() async throws {
    let yaml = """
      workflow: limits
      steps:
        - id: small
          mode: blocking
          output-limit: 1KiB
          exec: { shell: "head -c 5000 /dev/zero | tr '\\\\0' a" }
      """
    let rt = try runtime(yaml)
    let result = try await rt.run(workflow: "limits", inputJSON: Array("null".utf8))
    #expect(result.failed)
    #expect(result.failedStep == "small")
    #expect(result.stepError?.contains("output of step 'small' is over its limit of 1024 bytes") == true)
    // A simulated output of exactly the limit passes; the default limit is 1 MiB.
    let fits = try runtime(
      """
      workflow: fits
      steps:
        - id: big
          mode: blocking
          output-limit: 2KB
          simulate: { latency: 1ms, output-size: 2000 }
      """)
    let ok = try await fits.run(workflow: "fits", inputJSON: Array("{}".utf8))
    #expect(!ok.failed && ok.response.count == 2000)
    _ = await rt.shutdown(deadline: .seconds(5))
    _ = await fits.shutdown(deadline: .seconds(5))
  }

  @Test func loadedStepsCarryTheirSettings() throws {
    let file = try WorkflowLoader.parse(
      text: """
        workflow: settings
        response: b
        steps:
          - id: a
            mode: blocking
            output-limit: 256KiB
            simulate: { latency: 1ms, output-size: 4KiB }
          - id: b
            mode: blocking
            simulate: { latency: 1ms, echo-input: true }
          - id: c
            mode: blocking
            after: [a]
            http: { url: "http://127.0.0.1:9/x/${steps.a.output}", body: "${input.order}" }
        """, file: "settings.yaml")
    #expect(file.workflow.response == "b")
    #expect(file.workflow.steps.map(\.outputLimit) == [256 << 10, nil, nil])
    #expect(file.kinds["a"] == .simulate(SimulateSpec(latency: .fixed(.milliseconds(1)), outputBytes: 4096)))
    #expect(file.kinds["b"] == .simulate(SimulateSpec(latency: .fixed(.milliseconds(1)), echoInput: true)))
  }
}

/// `check` refuses references to data a step may not see, and bad values, with line:column.
@Suite struct DataCheckTests {
  @Test func aReferenceToANonDependencyIsRefusedInWords() {
    let yaml = """
      workflow: hidden
      steps:
        - id: auth
          mode: blocking
          simulate: { latency: 1ms }
        - id: fetch
          mode: blocking
          after: [auth]
          simulate: { latency: 1ms }
        - id: notify
          mode: blocking
          after: [auth]
          http: { url: "http://127.0.0.1:9/n/${steps.fetch.output.id}", headers: { X-Token: "${steps.auth.output}" } }
        - id: late
          mode: blocking
          after: [fetch]
          http: { url: "http://127.0.0.1:9/l", body: "${steps.auth.output} ${steps.nope.output} ${steps.late.output}" }
      """
    #expect(
      diagnostics(yaml) == [
        "bad.yaml:13:40: error: step \"notify\" reads the output of \"fetch\" in its url, which it does not depend on: the hidden dependency Lanes forbids. Add fetch to its after list: \"after: [auth, fetch]\".",
        "bad.yaml:17:70: error: step \"late\" reads the output of unknown step \"nope\" in its body (${steps.nope.output}). Check the step id.",
        "bad.yaml:17:91: error: step \"late\" reads its own output in its body (${steps.late.output}). A step's output exists only once it has run: read the input or a dependency's output.",
      ])
  }

  @Test func longChainsOfReadersAreChecked() {
    // Every step of a 10,000-step chain reads the first; one reads a step after it.
    var lines = [
      "workflow: long", "steps:", "  - id: s0", "    mode: blocking", "    simulate: { latency: 1ms }",
    ]
    for n in 1..<10_000 {
      let target = n == 5_000 ? "s9999" : "s0"
      lines += [
        "  - id: s\(n)", "    mode: blocking", "    after: [s\(n - 1)]",
        "    http: { url: \"http://h/${steps.\(target).output}\" }",
      ]
    }
    let found = diagnostics(lines.joined(separator: "\n"))
    #expect(found.count == 1)
    #expect(
      found.first?.hasPrefix("bad.yaml:20005:28: error: step \"s5000\" reads the output of \"s9999\"") == true
    )
  }

  @Test func aCycleIsReportedOnceNotAsHiddenReads() {
    let yaml = """
      workflow: loop
      steps:
        - id: a
          mode: blocking
          after: [b]
          http: { url: "http://h/${steps.b.output}" }
        - id: b
          mode: blocking
          after: [a]
          http: { url: "http://h/${steps.a.output}" }
      """
    let found = diagnostics(yaml)
    #expect(found.count == 1)
    #expect(found.first?.contains("cycle") == true)
  }

  @Test func responseMustNameABlockingStep() {
    let base = """
      queues:
        q: { workers: 1, capacity: 1 }
      steps:
        - id: answer
          mode: blocking
          simulate: { latency: 1ms }
        - id: save
          mode: background
          queue: q
          after: [answer]
          simulate: { latency: 1ms }
      """
    #expect(
      diagnostics("workflow: r\nresponse: save\n" + base) == [
        "bad.yaml:2:11: error: response names background step \"save\": the response is sent before background steps run. Name a blocking step, or make \"save\" blocking."
      ])
    #expect(
      diagnostics("workflow: r\nresponse: anwser\n" + base) == [
        "bad.yaml:2:11: error: response names unknown step \"anwser\". Did you mean \"answer\"?"
      ])
    #expect(diagnostics("workflow: r\nresponse: answer\n" + base) == [])
  }

  @Test func badValuesAreReportedWithLineAndColumn() {
    let yaml = """
      workflow: values
      steps:
        - id: a
          mode: blocking
          output-limit: 2 parsecs
          simulate: { latency: 1ms, output-size: -3, echo-input: maybe }
        - id: b
          mode: blocking
          output-limit: 0
          simulate: { latency: 1ms, output-size: 1 }
        - id: c
          mode: blocking
          output-limit: 1KiB
          simulate: { latency: 1ms, output-size: 2KiB }
        - id: d
          mode: blocking
          output-limit: 65MiB
          simulate: { latency: 1ms, output-size: 10, echo-input: true }
        - id: e
          mode: blocking
          http: { url: "http://h/${input.id", body: "${steps}", headers: { X: "${nope}" } }
      """
    #expect(
      diagnostics(yaml) == [
        "bad.yaml:5:19: error: output-limit 2 parsecs has an unknown unit \"parsecs\". Units: \"B\", \"KiB\", \"MiB\", \"GiB\", \"KB\", \"MB\" and \"GB\"; KiB is 1024 bytes, KB is 1000.",
        "bad.yaml:6:44: error: output-size must be a size in bytes, got -3. A size is never negative.",
        "bad.yaml:6:60: error: echo-input must be true or false, got \"maybe\". Write \"echo-input: true\" or \"echo-input: false\".",
        "bad.yaml:9:19: error: output-limit 0 is too small: it must be at least 1 byte. Write a size, e.g. \"output-limit: 256KiB\", \"output-limit: 1MiB\" or \"output-limit: 4096\" (bytes).",
        "bad.yaml:10:44: error: output-size 1 byte is too small for a JSON string (two quotes). Write 0 for no output (null), or at least 2 bytes.",
        "bad.yaml:14:44: error: output-size 2 KiB is over the step's output limit of 1 KiB: every attempt would fail. Make output-size smaller, or raise the step's output-limit (1 MiB unless written).",
        "bad.yaml:17:19: error: output-limit 65MiB is too large: the limit is 64 MiB. Step data is held in memory (and copied for each queued background step): keep it small.",
        "bad.yaml:18:48: error: simulate has both \"output-size\" and \"echo-input: true\". The output is either filler of output-size bytes or the run's input: keep one.",
        "bad.yaml:21:28: error: url: the reference starting with \"${\" has no closing \"}\". Write e.g. ${input.id}; to write a literal \"${\", write \"$${\".",
        "bad.yaml:21:48: error: body: the reference \"${steps}\" must name the step's output: ${steps.<step id>.output}. Write ${steps.<step id>.output}, or ${steps.<step id>.output.<field>} for a field of it.",
        "bad.yaml:21:74: error: header X: the reference \"${nope}\" starts with \"nope\": it must start with input or steps. Write ${input}, ${input.field}, ${steps.<step id>.output} or ${steps.<step id>.output.field}.",
      ])
  }
}
