import ExecutionCore
import StepKinds
import Yams

extension NodeReader {
  /// `exec: { args | shell, env, cwd, kill-grace }`.
  mutating func readExec(_ node: Node) -> ExecSpec? {
    guard let fields = fields(node, of: "exec", allowed: FormatKeys.exec) else { return nil }
    let commandHint =
      "Write \"args: [program, arg, ...]\" to run a program directly, or \"shell: <command line>\" to run it with /bin/sh -c."
    var command: ExecSpec.Command?
    var valid = true
    switch (fields.entries["args"], fields.entries["shell"]) {
    case (let args?, let shell?):
      let later = location(of: args.key) < location(of: shell.key) ? shell.key : args.key
      report(
        at: later, "exec has both \"args\" and \"shell\"",
        hint:
          "Use \"args\" to run a program without a shell, or \"shell\" for a /bin/sh command line, not both.")
      valid = false
    case (let args?, nil):
      command = readArgs(args.value).map(ExecSpec.Command.arguments)
    case (nil, let shell?):
      if let line = text(shell.value, "shell") {
        if line.allSatisfy(\.isWhitespace) {
          report(at: shell.value, "shell is empty", hint: commandHint)
        } else {
          command = .shell(line)
        }
      }
    case (nil, nil):
      if fields.isMissing("args") && fields.isMissing("shell") {
        report(at: node, "exec needs \"args\" or \"shell\"", hint: commandHint)
      }
      valid = false
    }
    let env = fields["env"].flatMap { textMapping($0, "env", example: "env: { LC_ALL: C }") } ?? [:]
    var cwd: String?
    if let node = fields["cwd"] { cwd = text(node, "cwd") }
    var killGrace = Duration.seconds(2)
    if let node = fields["kill-grace"], let grace = duration(node, "kill-grace") { killGrace = grace }
    guard valid, let command else { return nil }
    return ExecSpec(command: command, env: env, cwd: cwd, killGrace: killGrace)
  }

  /// `args: [program, arg, ...]`: a non-empty list of text, never a shell line.
  private mutating func readArgs(_ node: Node) -> [String]? {
    guard case .sequence(let sequence) = node else {
      let line = if case .scalar(let scalar) = node, !isNull(node) { scalar.string } else { "program arg" }
      let listed = line.split(separator: " ").joined(separator: ", ")
      report(
        at: node, "args must be a list, got \(describe(node))",
        hint: "Write \"args: [\(listed)]\", or \"shell: \(line)\" to run it with /bin/sh -c.")
      return nil
    }
    guard !sequence.isEmpty else {
      report(
        at: node, "args is empty: it needs at least the program to run",
        hint: "Write e.g. \"args: [gzip, -k, big.log]\".")
      return nil
    }
    let arguments = sequence.map { text($0, "each of args") }
    guard arguments.allSatisfy({ $0 != nil }) else { return nil }
    return arguments.compactMap { $0 }
  }

  /// A mapping of names to text (`env`, `headers`); numbers and booleans are taken as written.
  mutating func textMapping(_ node: Node, _ name: String, example: String) -> [String: String]? {
    if isNull(node) { return [:] }
    guard case .mapping(let mapping) = node else {
      report(
        at: node, "\(name) must be a mapping of names to values, got \(describe(node))",
        hint: "Write e.g. \"\(example)\".")
      return nil
    }
    var values: [String: String] = [:]
    var valid = true
    for (key, value) in mapping {
      if case .scalar(let scalar) = key, renamedDuplicateKeys.contains(scalar.string) { continue }
      guard let key = text(key, "each name in \(name)"), let value = text(value, "\(name) \"\(key)\"") else {
        valid = false
        continue
      }
      values[key] = value
    }
    return valid ? values : nil
  }
}
