import ExecutionCore
import Foundation
import Testing

@testable import StepKinds

/// A context that sees `input` and the outputs `steps` (id, JSON text), as the runtime builds it.
private func context(
  step: String = "s", attempt: Int = 1, input: String = "null", steps: [(String, String)] = []
) throws -> StepContext {
  StepContext(
    runID: 42, stepID: step, attempt: attempt, executedAs: .blocking, input: try Payload(json: input),
    dependencyOutputs: try steps.map { DependencyOutput(id: $0.0, output: try Payload(json: $0.1)) })
}

/// Exec steps: the stdin document, the environment, stdout as the output, the output limit.
@Suite(.serialized) struct ExecDataTests {
  @Test func stdinIsTheDocumentOfInputAndDependencyOutputs() async throws {
    let seen = try context(input: #"{"order": 7}"#, steps: [("price", "250"), ("name", #""Ada""#)])
    let output = try await ProcessStep.run(ExecSpec(arguments: ["cat"]), context: seen)
    #expect(output.text == #"{"input":{"order":7},"steps":{"price":250,"name":"Ada"}}"#)
  }

  @Test func environmentNamesRunWorkflowStepAndAttempt() async throws {
    let spec = ExecSpec(
      shell: #"printf '%s|%s|%s|%s' "$LANES_RUN_ID" "$LANES_WORKFLOW" "$LANES_STEP" "$LANES_ATTEMPT""#,
      env: ["LANES_STEP": "the step's env cannot hide it"])
    let output = try await ProcessStep.run(
      spec, context: try context(step: "charge", attempt: 3), workflow: "orders")
    #expect(output == .string("42|orders|charge|3"))
  }

  @Test func stdoutIsJSONWhenItParsesElseTextWithOneNewlineTrimmed() async throws {
    let cases: [(String, String)] = [
      ("echo 42", "42"),
      (#"echo '{ "a" : [1, 2] }'"#, #"{"a":[1,2]}"#),
      ("echo hello", #""hello""#),
      (#"printf 'two\n\n'"#, #""two\n""#),
      ("printf 'tab\\there'", #""tab\there""#),
      ("true", "null"),
    ]
    for (line, expected) in cases {
      let output = try await ProcessStep.run(ExecSpec(shell: line), context: try context())
      #expect(output.text == expected, "\(line)")
    }
  }

  @Test func aProcessThatNeverReadsStdinDoesNotHangOrCrash() async throws {
    // 2 MiB of input: far more than a pipe holds, so the writer meets a full pipe and then EPIPE.
    let big = try context(input: "\"" + String(repeating: "x", count: 2 << 20) + "\"")
    #expect(try await ProcessStep.run(ExecSpec(arguments: ["true"]), context: big) == .null)
    #expect(
      try await ProcessStep.run(ExecSpec(shell: "sleep 0.2; echo done"), context: big) == .string("done"))
    // Reads a little, then closes stdin and goes on.
    let partial = try await ProcessStep.run(
      ExecSpec(shell: "head -c 9; exec 0<&-; echo; echo more"), context: big)
    #expect(partial == .string(#"{"input":"# + "\nmore"))
    await #expect(throws: ProcessStepError.exited(status: 3, tail: "")) {
      try await ProcessStep.run(ExecSpec(shell: "exit 3"), context: big)
    }
  }

  @Test func largeInputReachesPythonWhole() async throws {
    let items = (0..<20_000).map { #"{"sku":"item-\#($0)","qty":\#($0 % 5)}"# }.joined(separator: ",")
    let seen = try context(input: #"{"items":[\#(items)]}"#)
    let script = """
      import json, sys
      doc = json.load(sys.stdin)
      items = doc["input"]["items"]
      print(json.dumps({"count": len(items), "qty": sum(i["qty"] for i in items)}))
      """
    let output = try await ProcessStep.run(ExecSpec(arguments: ["python3", "-c", script]), context: seen)
    #expect(output.text == #"{"count":20000,"qty":40000}"#)
  }

  @Test func megabytesOnStdoutAndStderrAtOnceStayWhole() async throws {
    // 3 MiB on stdout (the output) while 3 MiB go to stderr: neither pipe may block the other.
    let spec = ExecSpec(
      shell: "head -c 3145728 /dev/zero | tr '\\0' e >&2 & head -c 3145728 /dev/zero | tr '\\0' o; wait")
    let output = try await ProcessStep.run(spec, context: try context(), outputLimit: 4 << 20)
    #expect(output.count == (3 << 20) + 2)
    #expect(output.bytes.dropFirst().prefix(3) == Array("ooo".utf8)[...])
  }

  @Test func stdoutOverTheLimitStopsTheProcessAndNamesStepSizeAndLimit() async throws {
    do {
      try await ProcessStep.run(
        ExecSpec(arguments: ["yes"]), context: try context(step: "chatty"), outputLimit: 1000)
      Issue.record("an endless writer passed its output limit")
    } catch let error as ProcessStepError {
      guard case .outputOverLimit(let step, let bytes, let limit) = error else {
        Issue.record("wrong error: \(error)")
        return
      }
      #expect(step == "chatty" && limit == 1000 && bytes > 1000)
      #expect(error.description.contains("output of step 'chatty' is over its limit of 1000 bytes"))
    }
    // Exactly at the limit is fine.
    let exact = try await ProcessStep.run(
      ExecSpec(shell: "printf 1234"), context: try context(), outputLimit: 4)
    #expect(exact.text == "1234")
  }

  @Test func stepActionReturnsTheOutput() async throws {
    guard case .transform(let body) = StepAction.exec(ExecSpec(shell: "cat"), workflow: "w") else {
      Issue.record("exec did not make a transform")
      return
    }
    let output = try await body(try context(input: "[1,2]"))
    #expect(output.text == #"{"input":[1,2],"steps":{}}"#)
  }
}

/// References (`${input.id}`) and the JSON paths they follow.
@Suite struct DataTemplateTests {
  @Test func readsEveryForm() throws {
    let template = try DataTemplate(
      parsing: "http://h/${input.order.id}/${steps.auth.output.token}?all=${steps.fetch.output}&x=$${lit}$5")
    #expect(
      template.references == [
        DataReference(source: .input, path: ["order", "id"]),
        DataReference(source: .step("auth"), path: ["token"]),
        DataReference(source: .step("fetch")),
      ])
    #expect(template.render { "<\($0)>" }.hasSuffix("&x=${lit}$5"))
    #expect(try DataTemplate(parsing: "${input}").references == [DataReference(source: .input)])
    #expect(try DataTemplate(parsing: "plain $ text").isLiteral)
  }

  @Test func malformedReferencesNameTheirOffset() {
    let cases: [(String, Int, String)] = [
      ("ab${input", 2, "no closing"),
      ("${}", 0, "empty"),
      ("x ${steps.fetch}", 2, "must name the step's output"),
      ("${output.fetch}", 0, "must start with input or steps"),
      ("${input..id}", 0, "empty name"),
      ("${input.a b}", 0, "\"a b\""),
    ]
    for (text, offset, words) in cases {
      #expect(throws: DataTemplateError.self, "\(text)") { try DataTemplate(parsing: text) }
      do { _ = try DataTemplate(parsing: text) } catch {
        #expect(error.offset == offset, "\(text)")
        #expect(error.message.contains(words), "\(text): \(error.message)")
      }
    }
  }

  @Test func resolvesFieldsAndElements() throws {
    let seen = try context(
      input: #"{"a":{"b":[10,{"c":"x\"y"}],"d e":1},"n":null}"#, steps: [("s1", #"{"token":"t"}"#)])
    func value(_ reference: DataReference) throws -> String { try reference.resolve(in: seen).text }
    #expect(try value(DataReference(source: .input, path: ["a", "b", "0"])) == "10")
    #expect(try value(DataReference(source: .input, path: ["a", "b", "1", "c"])) == #""x\"y""#)
    #expect(try value(DataReference(source: .input, path: ["n"])) == "null")
    #expect(try value(DataReference(source: .step("s1"), path: ["token"])) == #""t""#)
    #expect(throws: DataReferenceError.self) { try value(DataReference(source: .input, path: ["a", "zz"])) }
    #expect(throws: StepDataError.self) { try value(DataReference(source: .step("other"))) }
    do { _ = try value(DataReference(source: .input, path: ["a", "b", "5"])) } catch {
      #expect(
        "\(error)"
          == "${input.a.b.5} names nothing in this run: ${input.a.b} is an array without an element 5")
    }
  }

  @Test func decodesEscapedStrings() {
    #expect(JSONPath.decodeString(Array(#""a\nb\u00e9\ud83d\ude00""#.utf8)[...]) == "a\nbé😀")
  }

  @Test func percentEncodesEverythingButUnreserved() {
    #expect(HTTPStep.percentEncoded("a b/c?d#é~_.-") == "a%20b%2Fc%3Fd%23%C3%A9~_.-")
  }
}

/// HTTP steps against the fixture server: references in the URL, headers and body; the response
/// body as the output.
@Suite struct HTTPDataTests {
  @Test func bodyURLAndHeaderCarryReferencedData() async throws {
    let server = try FixtureServer.get()
    let spec = HTTPSpec(
      method: "POST", url: server.baseURL + "/json/items/${input.id}?user=${steps.auth.output.user}",
      headers: ["Authorization": "Bearer ${steps.auth.output.token}"],
      body: #"{"order": ${input}, "price": ${steps.price.output}}"#)
    let seen = try context(
      input: #"{"id":"a b/c","n":2}"#,
      steps: [("auth", #"{"token":"tok-1","user":7}"#), ("price", "250")])
    let output = try await HTTPStep.run(spec, context: seen)
    let reply = try output.decode([String: JSONValue].self)
    #expect(reply["method"] == .string("POST"))
    #expect(reply["path"] == .string("/json/items/a%20b%2Fc?user=7"))
    #expect(
      reply["body"]
        == .object(["order": .object(["id": .string("a b/c"), "n": .number(2)]), "price": .number(250)]))
    guard case .object(let headers) = reply["headers"] else {
      Issue.record("no headers in \(output)")
      return
    }
    #expect(headers["authorization"] == .string("Bearer tok-1"))
    #expect(headers["content-type"] == .string("application/json"))
  }

  @Test func wholeBodyFromADependencyAndTextResponses() async throws {
    let server = try FixtureServer.get()
    let seen = try context(steps: [("fetch", #"[1,"two",{"three":3}]"#)])
    let json = try await HTTPStep.run(
      HTTPSpec(method: "PUT", url: server.baseURL + "/json", body: "${steps.fetch.output}"), context: seen)
    #expect(
      try json.decode([String: JSONValue].self)["body"]
        == .array([.number(1), .string("two"), .object(["three": .number(3)])]))
    // A text body is a JSON string; an empty one is null.
    #expect(try await HTTPStep.run(HTTPSpec(url: server.baseURL + "/ok"), context: seen) == .string("ok"))
    #expect(
      try await HTTPStep.run(HTTPSpec(method: "HEAD", url: server.baseURL + "/ok"), context: seen) == .null)
  }

  @Test func missingFieldsAndUnusableValuesFailTheAttemptInWords() async throws {
    let server = try FixtureServer.get()
    let seen = try context(input: #"{"id":{"deep":1},"line":"a\nb"}"#)
    await #expect {
      try await HTTPStep.run(HTTPSpec(url: server.baseURL + "/json/${input.nope}"), context: seen)
    } throws: {
      "\($0)".contains(
        "${input.nope} names nothing in this run: ${input} is an object without a member \"nope\"")
    }
    await #expect {
      try await HTTPStep.run(HTTPSpec(url: server.baseURL + "/json/${input.id}"), context: seen)
    } throws: { "\($0)".contains("${input.id} cannot go in the url: it is an object") }
    await #expect {
      try await HTTPStep.run(
        HTTPSpec(url: server.baseURL + "/json", headers: ["X-Line": "${input.line}"]), context: seen)
    } throws: { "\($0)".contains("line break") }
  }

  @Test func responseOverTheLimitFailsNamingStepSizeAndLimit() async throws {
    let server = try FixtureServer.get()
    await #expect(throws: HTTPStepError.outputOverLimit(step: "big", bytes: 5000, limit: 4096)) {
      try await HTTPStep.run(
        HTTPSpec(url: server.baseURL + "/bytes/5000"), context: try context(step: "big"), outputLimit: 4096)
    }
    let fits = try await HTTPStep.run(
      HTTPSpec(url: server.baseURL + "/bytes/4096"), context: try context(), outputLimit: 4096)
    #expect(fits.count == 4098)
  }
}

/// Any JSON value, to compare replies structurally.
enum JSONValue: Codable, Equatable {
  case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .number(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}

/// Exec and http steps in one runtime: sh makes a token, http sends the input and the token to the
/// fixture server, python3 reads what the server answered.
@Suite struct MixedChainTests {
  @Test func shHTTPAndPythonPassDataAlongARun() async throws {
    let server = try FixtureServer.get()
    let python = """
      import json, sys
      reply = json.load(sys.stdin)["steps"]["post"]
      print(json.dumps({"server_saw": reply["body"], "auth": reply["headers"]["authorization"]}))
      """
    let steps = [
      StepDefinition(
        id: "token", mode: .blocking,
        action: .exec(ExecSpec(shell: #"echo "{\"token\": \"t-$LANES_RUN_ID\"}""#))),
      StepDefinition(
        id: "post", mode: .blocking, after: ["token"],
        action: .http(
          HTTPSpec(
            method: "POST", url: server.baseURL + "/json/orders/${input.id}",
            headers: ["Authorization": "Bearer ${steps.token.output.token}"], body: "${input}"))),
      StepDefinition(
        id: "read", mode: .blocking, after: ["post"],
        action: .exec(ExecSpec(arguments: ["python3", "-c", python]))),
    ]
    let rt = try Runtime(
      topology: Topology(
        workflows: [WorkflowDefinition(name: "mixed", steps: steps, load: LoadDefinition(rate: 0))],
        queues: []),
      options: RuntimeOptions(startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false),
      clock: SystemClock())
    let result = try await rt.run(workflow: "mixed", inputJSON: Array(#"{"id": 9, "qty": 2}"#.utf8))
    #expect(!result.failed, "\(result.error ?? "")")
    #expect(result.response.text == #"{"server_saw":{"id":9,"qty":2},"auth":"Bearer t-\#(result.runID)"}"#)
    _ = await rt.shutdown(deadline: .seconds(5))
  }
}
