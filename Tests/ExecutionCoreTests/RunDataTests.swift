import ExecutionCore
import Synchronization
import Testing

/// A closure step that returns `output` (a transform).
private func produce(
  _ id: String, mode: StepMode = .blocking, after: [String] = [], queue: String? = nil,
  outputLimit: Int? = nil,
  retry: RetryPolicy = .none, _ output: @escaping @Sendable (StepContext) throws -> Payload
) -> StepDefinition {
  StepDefinition(
    id: id, mode: mode, after: after, queue: mode == .background ? (queue ?? "q") : nil, retry: retry,
    outputLimit: outputLimit, action: .transform { context in try output(context) })
}

/// What steps saw, by step id and attempt.
private final class Seen: Sendable {
  let entries = Mutex<[String: [StepInput]]>([:])
  func record(_ context: StepContext) {
    let input = context.stepInput
    entries.withLock { $0[context.stepID, default: []].append(input) }
  }
  subscript(id: String) -> [StepInput] { entries.withLock { $0[id] ?? [] } }
}

private func runtime(
  _ steps: [StepDefinition], response: String? = nil,
  options: RuntimeOptions = RuntimeOptions(
    startLoad: false, snapshotRefreshInterval: .zero, isolateBackground: false),
  queues: [QueueDefinition] = [QueueDefinition(name: "q", workers: 2, capacity: 100)]
) throws -> Runtime {
  let workflow = WorkflowDefinition(
    name: "w", steps: steps, load: LoadDefinition(rate: 0), response: response)
  return try Runtime(
    topology: Topology(workflows: [workflow], queues: queues), options: options, clock: SystemClock())
}

extension AllRuntimeTests {
  @Suite struct RunDataTests {
    struct Order: Codable, Equatable {
      var id: Int
      var items: [String]
    }
    struct Priced: Codable, Equatable {
      var id: Int
      var cents: Int
    }
    struct Receipt: Codable, Equatable {
      var order: Int
      var total: Int
      var lines: Int
    }

    @Test func chainOfCodableClosuresTransformsData() async throws {
      let rt = try runtime([
        StepDefinition(
          id: "price", mode: .blocking,
          action: .codable { (order: Order, _) -> Priced in
            Priced(id: order.id, cents: 250 * order.items.count)
          }),
        StepDefinition(
          id: "tax", mode: .blocking, after: ["price"],
          action: .codable { (_: Order, context) -> Priced in
            var priced = try context.decodeOutput(of: "price", as: Priced.self)
            priced.cents += priced.cents / 10
            return priced
          }),
        StepDefinition(
          id: "receipt", mode: .blocking, after: ["tax"],
          action: .codable { (order: Order, context) -> Receipt in
            let taxed = try context.decodeOutput(of: "tax", as: Priced.self)
            return Receipt(order: order.id, total: taxed.cents, lines: order.items.count)
          }),
      ])
      let result = try await rt.run(
        workflow: "w", input: try Payload(encoding: Order(id: 9, items: ["a", "b"])))
      #expect(!result.failed)
      #expect(try result.response.decode(Receipt.self) == Receipt(order: 9, total: 550, lines: 2))
      // An input that does not decode fails the attempt, naming the step.
      let bad = try await rt.run(workflow: "w", inputJSON: Array(#"{"id":"nine"}"#.utf8))
      #expect(bad.failed)
      #expect(bad.failedStep == "price")
      #expect(bad.response == .null)
      _ = await rt.shutdown(deadline: .seconds(5))
    }

    @Test func stepsSeeTheirDependenciesTransitivelyAndNothingElse() async throws {
      let seen = Seen()
      let refusals = Mutex<[String]>([])
      let probe: @Sendable (StepContext) throws -> Payload = { context in
        seen.record(context)
        for other in ["a", "b", "c", "d", "e"] where other != context.stepID {
          do { _ = try context.output(of: other) } catch {
            refusals.withLock { $0.append("\(context.stepID)->\(other): \(error)") }
          }
        }
        return .string(context.stepID)
      }
      let rt = try runtime([
        produce("a", probe), produce("d", probe), produce("b", after: ["a"], probe),
        produce("c", after: ["b"], probe), produce("e", mode: .background, after: ["c"], probe),
      ])
      let result = try await rt.run(workflow: "w", input: try Payload(json: #"{"q":1}"#))
      #expect(await rt.waitUntilSettled(timeout: .seconds(20)))
      #expect(!result.failed)
      #expect(seen["c"].first?.dependencyOutputs.map(\.id) == ["a", "b"])
      #expect(seen["c"].first?.dependencyOutputs.map(\.output) == [.string("a"), .string("b")])
      #expect(seen["c"].first?.input.text == #"{"q":1}"#)
      #expect(seen["e"].first?.dependencyOutputs.map(\.id) == ["a", "b", "c"])
      #expect(seen["d"].first?.dependencyOutputs == [])
      let refused = refusals.withLock { $0 }
      // c may not read d or e (blocking, read from the run); e may not read d (background, a copy).
      #expect(
        refused.contains {
          $0.hasPrefix("c->d: step 'c' read the output of 'd', which it does not depend on")
        })
      #expect(refused.contains { $0.hasPrefix("e->d:") && $0.contains("its dependencies: 'a', 'b', 'c'") })
      #expect(!refused.contains { $0.hasPrefix("c->a") || $0.hasPrefix("e->a") || $0.hasPrefix("e->c") })
      _ = await rt.shutdown(deadline: .seconds(5))
    }

    @Test func voidClosuresAndPlainSimulatedStepsYieldNull() async throws {
      let seen = Seen()
      let rt = try runtime([
        StepDefinition(id: "a", mode: .blocking, action: .closure { _ in }),
        StepDefinition(id: "s", mode: .blocking, after: ["a"], action: fixed(0)),
        produce("b", after: ["s"]) { context in
          seen.record(context)
          return try context.output(of: "a")
        },
      ])
      let result = try await rt.run(workflow: "w")
      #expect(result.response == .null)
      #expect(
        seen["b"].first
          == StepInput(
            input: .null,
            dependencyOutputs: [
              DependencyOutput(id: "a", output: .null), DependencyOutput(id: "s", output: .null),
            ]))
      _ = await rt.shutdown(deadline: .seconds(5))
    }

    @Test func responseIsTheNamedStepTheSingleSinkOrAnObjectOfSinks() async throws {
      let steps = [
        produce("a") { _ in .string("A") }, produce("b", after: ["a"]) { _ in .string("B") },
        produce("c", after: ["a"]) { _ in .string("C") },
        produce("x", mode: .background, after: ["b"]) { _ in .string("X") },
      ]
      let named = try runtime(steps, response: "a")
      #expect(try await named.run(workflow: "w").response == .string("A"))
      let sinks = try runtime(steps)
      #expect(try await sinks.run(workflow: "w").response.text == #"{"b":"B","c":"C"}"#)
      let single = try runtime(Array(steps[0...1]) + [steps[3]])
      #expect(try await single.run(workflow: "w").response == .string("B"))
      let none = try runtime([produce("x", mode: .background) { _ in .string("X") }])
      #expect(try await none.run(workflow: "w").response == .null)
      for rt in [named, sinks, single, none] { _ = await rt.shutdown(deadline: .seconds(5)) }
    }

    @Test func responseMustNameAnExistingBlockingStep() {
      let steps = [produce("a") { _ in .null }, produce("x", mode: .background, after: ["a"]) { _ in .null }]
      #expect(throws: RuntimeError.invalidTopology("workflow 'w': the response names unknown step 'nope'")) {
        try runtime(steps, response: "nope")
      }
      #expect {
        try runtime(steps, response: "x")
      } throws: { error in
        "\(error)".contains("the response names background step 'x'") && "\(error)".contains("blocking step")
      }
    }

    @Test func backgroundRetriesAndAllSyncSeeTheSameData() async throws {
      func steps(_ seen: Seen) -> [StepDefinition] {
        [
          produce("a") { context in .object([("got", context.input)]) },
          StepDefinition(
            id: "echo", mode: .blocking, after: ["a"],
            action: .simulate(SimulateSpec(latency: .fixed(.zero), echoInput: true))),
          produce(
            "store", mode: .background, after: ["echo"],
            retry: RetryPolicy(attempts: 3, backoff: .milliseconds(1))
          ) {
            context in
            seen.record(context)
            if context.attempt < 3 {
              throw StepDataError.notADependency(step: "fail", requested: "", dependencies: [])
            }
            return .null
          },
        ]
      }
      let input = try Payload(json: #"{"user":"ada","text":"hello"}"#)
      var responses: [Payload] = []
      var copies: [[StepInput]] = []
      for mode in ExecutionMode.allCases {
        let seen = Seen()
        let rt = try runtime(
          steps(seen), options: RuntimeOptions(mode: mode, startLoad: false, isolateBackground: false))
        let result = try await rt.run(workflow: "w", input: input)
        #expect(await rt.waitUntilSettled(timeout: .seconds(20)))
        #expect(!result.failed)
        responses.append(result.response)
        copies.append(seen["store"])
        _ = await rt.shutdown(deadline: .seconds(5))
      }
      #expect(responses[0] == responses[1])
      #expect(responses[0].text == #"{"user":"ada","text":"hello"}"#)
      let expected = StepInput(
        input: input,
        dependencyOutputs: [
          DependencyOutput(id: "a", output: try Payload(json: #"{"got":{"user":"ada","text":"hello"}}"#)),
          DependencyOutput(id: "echo", output: input),
        ])
      // Three attempts in each mode (hybrid on a queue, all-sync inline), all seeing the same data.
      #expect(copies[0] == Array(repeating: expected, count: 3))
      #expect(copies[1] == Array(repeating: expected, count: 3))
    }

    @Test func outputsOverTheLimitFailTheAttemptNamingStepSizeAndLimit() async throws {
      let rt = try runtime([
        produce("big", outputLimit: 50) { _ in .filler(size: 100) },
        produce("after", after: ["big"]) { _ in .null },
      ])
      let result = try await rt.run(workflow: "w")
      #expect(result.failed)
      #expect(result.failedStep == "big")
      #expect(
        result.stepError == "output of step 'big' is 100 bytes, over its limit of 50 bytes (outputLimit)")
      #expect(result.error?.contains("step 'big'") == true)
      let simulated = try runtime([
        StepDefinition(
          id: "sim", mode: .background, queue: "q", outputLimit: 1000,
          action: .simulate(SimulateSpec(latency: .fixed(.zero), outputBytes: 1001)))
      ])
      _ = try await simulated.run(workflow: "w")
      #expect(await simulated.waitUntilSettled(timeout: .seconds(20)))
      let failure = try #require(simulated.snapshot(fresh: true).recentFailures.first)
      #expect(failure.error.contains("1001 bytes, over its limit of 1000 bytes"))
      #expect(simulated.snapshot(fresh: true).queue("q").deadLettered == 1)
      _ = await rt.shutdown(deadline: .seconds(5))
      _ = await simulated.shutdown(deadline: .seconds(5))
    }

    @Test func defaultOutputLimitIsOneMebibyte() async throws {
      let rt = try runtime([
        produce("ok") { _ in .filler(size: 1 << 20) },
        produce("over", after: ["ok"]) { _ in .filler(size: (1 << 20) + 1) },
      ])
      let result = try await rt.run(workflow: "w")
      #expect(result.failedStep == "over")
      _ = await rt.shutdown(deadline: .seconds(5))
    }

    @Test func inputsOverTheLimitOrMalformedAreRefusedBeforeTheRunStarts() async throws {
      let rt = try runtime(
        [produce("a") { $0.input }],
        options: RuntimeOptions(startLoad: false, isolateBackground: false, inputLimit: 16))
      await #expect(
        throws: RuntimeError.invalidInput(
          workflow: "w",
          reason: "the input is 20 bytes, over the limit of 16 bytes (RuntimeOptions.inputLimit)")
      ) {
        try await rt.run(workflow: "w", input: .string(String(repeating: "x", count: 18)))
      }
      await #expect(
        throws: RuntimeError.invalidInput(
          workflow: "w", reason: "invalid JSON at byte 5: expected a value, found the end of the text")
      ) {
        try await rt.run(workflow: "w", inputJSON: Array(#"{"a":"#.utf8))
      }
      #expect(rt.snapshot(fresh: true).w.runsStarted == 0)
      let ok = try await rt.run(workflow: "w", inputJSON: Array(" [1, 2] ".utf8))
      #expect(ok.response.text == "[1,2]")
      _ = await rt.shutdown(deadline: .seconds(5))
    }

    @Test func simulatedStepsCarryFillerOrEchoTheInput() async throws {
      let rt = try runtime([
        StepDefinition(
          id: "fill", mode: .blocking,
          action: .simulate(SimulateSpec(latency: .fixed(.zero), outputBytes: 1024))),
        StepDefinition(
          id: "echo", mode: .blocking,
          action: .simulate(SimulateSpec(latency: .fixed(.zero), echoInput: true))),
      ])
      let result = try await rt.run(workflow: "w", input: .string("in"))
      let object = try result.response.decode([String: String].self)
      #expect(object["fill"]?.utf8.count == 1022)
      #expect(object["echo"] == "in")
      #expect(throws: RuntimeError.self) {
        try runtime([
          StepDefinition(
            id: "x", mode: .blocking, action: .simulate(SimulateSpec(latency: .fixed(.zero), outputBytes: 1)))
        ])
      }
      _ = await rt.shutdown(deadline: .seconds(5))
    }
  }
}
