import Testing
import WorkflowFiles

/// One fixture per mistake in an `exec` or `http` step, and per kind conflict; exact messages.
@Suite struct StepKindValidationTests {
  static let cases: [FixtureCase] = [
    FixtureCase(
      "two-kinds.yaml",
      [
        "two-kinds.yaml:6:5: error: step \"compress\" has more than one kind: \"simulate\" and \"exec\". A step does one thing: keep one, or split it into steps joined by \"after\"."
      ]),
    FixtureCase(
      "exec-empty-args.yaml",
      [
        "exec-empty-args.yaml:6:13: error: args is empty: it needs at least the program to run. Write e.g. \"args: [gzip, -k, big.log]\".",
        "exec-empty-args.yaml:10:14: error: shell is empty. Write \"args: [program, arg, ...]\" to run a program directly, or \"shell: <command line>\" to run it with /bin/sh -c.",
      ]),
    FixtureCase(
      "exec-args-and-shell.yaml",
      [
        "exec-args-and-shell.yaml:7:7: error: exec has both \"args\" and \"shell\". Use \"args\" to run a program without a shell, or \"shell\" for a /bin/sh command line, not both."
      ]),
    FixtureCase(
      "exec-no-command.yaml",
      [
        "exec-no-command.yaml:6:7: error: exec needs \"args\" or \"shell\". Write \"args: [program, arg, ...]\" to run a program directly, or \"shell: <command line>\" to run it with /bin/sh -c."
      ]),
    FixtureCase(
      "exec-wrong-types.yaml",
      [
        "exec-wrong-types.yaml:6:13: error: args must be a list, got \"gzip -k big.log\". Write \"args: [gzip, -k, big.log]\", or \"shell: gzip -k big.log\" to run it with /bin/sh -c.",
        "exec-wrong-types.yaml:7:12: error: env must be a mapping of names to values, got a list. Write e.g. \"env: { LC_ALL: C }\".",
        "exec-wrong-types.yaml:8:12: error: cwd must be text, got a list",
      ]),
    FixtureCase(
      "step-kind-unknown-keys.yaml",
      [
        "step-kind-unknown-keys.yaml:8:7: error: unknown key \"arg\" in exec. Did you mean \"args\"?",
        "step-kind-unknown-keys.yaml:9:7: error: unknown key \"kill-grase\" in exec. Did you mean \"kill-grace\"?",
        "step-kind-unknown-keys.yaml:15:7: error: unknown key \"methd\" in http. Did you mean \"method\"?",
      ]),
    FixtureCase(
      "http-bad-url.yaml",
      [
        "http-bad-url.yaml:5:18: error: url \"127.0.0.1:8765/ok\" is not a valid URL. Write an absolute URL, e.g. http://127.0.0.1:8765/ok.",
        "http-bad-url.yaml:8:18: error: url \"http:///ok\" has no host. Write an absolute URL, e.g. http://127.0.0.1:8765/ok.",
      ]),
    FixtureCase(
      "http-bad-scheme.yaml",
      [
        "http-bad-scheme.yaml:6:12: error: url scheme must be http or https, got \"ftp\". An http step speaks HTTP only; use an exec step for anything else."
      ]),
    FixtureCase(
      "http-bad-method.yaml",
      [
        "http-bad-method.yaml:6:15: error: method must be GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS, got \"PSOT\". Did you mean \"POST\"?"
      ]),
    FixtureCase(
      "http-bad-expect.yaml",
      [
        "http-bad-expect.yaml:7:21: error: expect entry \"2xy\" is not a status. Write a status (404), a class (2xx) or a range (200-204), from 100 to 599.",
        "http-bad-expect.yaml:7:26: error: expect entry 600 is not a status. Write a status (404), a class (2xx) or a range (200-204), from 100 to 599.",
        "http-bad-expect.yaml:7:31: error: expect entry \"204-200\" is not a status. Write a status (404), a class (2xx) or a range (200-204), from 100 to 599.",
        "http-bad-expect.yaml:12:15: error: expect is empty: no status would count as success. Leave it out for 2xx, or write e.g. \"expect: [2xx, 304]\".",
      ]),
    FixtureCase(
      "http-missing-url.yaml",
      [
        "http-missing-url.yaml:6:7: error: http is missing \"url\". Add e.g. \"url: http://127.0.0.1:8765/ok\"."
      ]),
    FixtureCase(
      "http-body-not-text.yaml",
      [
        "http-body-not-text.yaml:8:13: error: body must be text, got a mapping. Quote it, e.g. body: '{\"event\":\"done\"}'."
      ]),
    FixtureCase(
      "step-kind-non-positive-durations.yaml",
      [
        "step-kind-non-positive-durations.yaml:7:19: error: kill-grace must be more than zero, got 0s. Write a positive duration, e.g. 1ms.",
        "step-kind-non-positive-durations.yaml:12:16: error: timeout must be more than zero, got -1s. Durations are never negative.",
      ]),
  ]

  @Test(arguments: cases)
  func fixtureReportsExactDiagnostics(_ fixture: FixtureCase) throws {
    #expect(try Fixture.diagnostics(fixture.file) == fixture.expected)
  }

  @Test func aMisspelledKindIsReportedOnceNotAlsoAsMissing() throws {
    let text = "workflow: w\nsteps:\n  - id: a\n    mode: blocking\n    exce: { args: [true] }\n"
    do throws(WorkflowFileError) {
      _ = try WorkflowLoader.parse(text: text, file: "w.yaml")
      Issue.record("expected an error")
    } catch {
      #expect(
        error.diagnostics.map(\.description) == [
          "w.yaml:5:5: error: unknown key \"exce\" in a step. Did you mean \"exec\"?"
        ])
    }
  }

  @Test func threeKindsAreNamedTogetherAtTheLastOne() throws {
    let text = """
      workflow: w
      steps:
        - id: a
          mode: blocking
          http: { url: http://127.0.0.1/ }
          exec: { args: [true] }
          simulate: { latency: 1ms }
      """
    do throws(WorkflowFileError) {
      _ = try WorkflowLoader.parse(text: text, file: "w.yaml")
      Issue.record("expected an error")
    } catch {
      #expect(
        error.diagnostics.map(\.description) == [
          "w.yaml:7:5: error: step \"a\" has more than one kind: \"http\", \"exec\" and \"simulate\". A step does one thing: keep one, or split it into steps joined by \"after\"."
        ])
    }
  }
}
