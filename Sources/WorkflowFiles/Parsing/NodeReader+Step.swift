import ExecutionCore
import Yams

extension NodeReader {
  /// One entry of `steps`.
  mutating func readStep(_ node: Node) -> ParsedStep {
    var step = ParsedStep(node: node)
    guard let fields = fields(node, of: "a step", allowed: FormatKeys.step) else { return step }
    if let idNode = fields["id"] {
      if let id = identifier(idNode, "step id") { step.id = (id, idNode) }
    } else if fields.isMissing("id") {
      report(at: node, "step is missing \"id\"", hint: "Add \"id: <name>\", using letters, digits, - and _.")
    }
    let name = step.displayName
    if let modeNode = fields["mode"] {
      if let word = choice(modeNode, "mode", from: StepMode.allCases.map(\.rawValue)) {
        step.mode = StepMode(rawValue: word)
      }
    } else if fields.isMissing("mode") {
      report(
        at: node, "\(name) is missing \"mode\"",
        hint:
          "Add \"mode: blocking\" (the response waits for it) or \"mode: background\" (it runs later, on a queue)."
      )
    }
    if let afterNode = fields["after"] { step.after = readAfter(afterNode) }
    if let queueNode = fields["queue"] {
      step.queueWritten = true
      if let queue = identifier(queueNode, "queue") { step.queue = (queue, queueNode) }
    }
    if let timeoutNode = fields["timeout"] { step.timeout = duration(timeoutNode, "timeout") }
    if let retryNode = fields["retry"] { step.retry = readRetry(retryNode) }
    if let limitNode = fields["output-limit"] {
      step.outputLimit = byteSize(
        limitNode, "output-limit", minimum: 1, maximum: WorkflowLimits.outputLimit)
    }
    pendingReferences = []
    step.kind = readKind(fields, of: name)
    step.references = pendingReferences
    pendingReferences = []
    if case .simulate(let spec) = step.kind,
      let sizeNode = fields["simulate"].flatMap({ child($0, "output-size") })
    {
      let limit = step.outputLimit ?? StepDefinition.defaultOutputLimit
      if spec.outputBytes > limit {
        report(
          at: sizeNode,
          "output-size \(Self.sizeText(spec.outputBytes)) is over the step's output limit of \(Self.sizeText(limit)): every attempt would fail",
          hint: "Make output-size smaller, or raise the step's output-limit (1 MiB unless written).")
        step.kind = nil
      }
    }
    return step
  }

  /// The one kind of a step: `simulate`, `exec` or `http`. Each one written is read (so its own
  /// mistakes are reported too), but a step with two is an error.
  private mutating func readKind(_ fields: Fields, of name: String) -> StepKind? {
    let written = FormatKeys.kinds.compactMap { key in fields.entries[key].map { (key: key, nodes: $0) } }
    if written.isEmpty {
      if FormatKeys.kinds.allSatisfy(fields.isMissing) {
        report(
          at: fields.node, "\(name) has nothing to do: it needs one of simulate, exec or http",
          hint:
            "Add e.g. \"simulate: { latency: 10ms }\", \"exec: { args: [true] }\" or \"http: { url: http://127.0.0.1:8765/ok }\"."
        )
      }
      return nil
    }
    var kinds: [StepKind?] = []
    for entry in written {
      switch entry.key {
      case "simulate": kinds.append(readSimulate(entry.nodes.value).map(StepKind.simulate))
      case "exec": kinds.append(readExec(entry.nodes.value).map(StepKind.exec))
      default: kinds.append(readHTTP(entry.nodes.value).map(StepKind.http))
      }
    }
    guard written.count == 1 else {
      // Point at the kind written last: the first one reads as the step's intent.
      let ordered = written.sorted { location(of: $0.nodes.key) < location(of: $1.nodes.key) }
      report(
        at: ordered[ordered.count - 1].nodes.key,
        "\(name) has more than one kind: \(Suggestion.list(ordered.map(\.key)))",
        hint: "A step does one thing: keep one, or split it into steps joined by \"after\".")
      return nil
    }
    return kinds[0]
  }

  /// `after: [a, b]`.
  private mutating func readAfter(_ node: Node) -> [(id: String, node: Node)] {
    if isNull(node) { return [] }
    guard case .sequence(let sequence) = node else {
      let example = if case .scalar(let scalar) = node { scalar.string } else { "a, b" }
      report(
        at: node, "after must be a list of step ids, got \(describe(node))",
        hint: "Write \"after: [\(example)]\".")
      return []
    }
    var seen: [String: Node] = [:]
    var after: [(id: String, node: Node)] = []
    for entry in sequence {
      guard let id = identifier(entry, "step id") else { continue }
      if let first = seen[id] {
        report(
          at: entry, "after lists \"\(id)\" twice, at \(location(of: first)) and \(location(of: entry))",
          hint: "Keep one of them.")
        continue
      }
      seen[id] = entry
      after.append((id, entry))
    }
    return after
  }

  /// `retry: { attempts, backoff, max-backoff }`.
  private mutating func readRetry(_ node: Node) -> RetryPolicy {
    var policy = RetryPolicy()
    guard let fields = fields(node, of: "retry", allowed: FormatKeys.retry) else { return policy }
    if let node = fields["attempts"],
      let attempts = count(
        node, "attempts", limit: WorkflowLimits.attempts,
        tooSmall: "attempts counts the first try too: 1 means no retry, 4 means up to 3 retries.",
        tooLarge: "Backoff doubles with each retry; a step that fails this often belongs in the dead letters."
      )
    {
      policy.attempts = attempts
    }
    if let node = fields["backoff"], let backoff = duration(node, "backoff") { policy.backoff = backoff }
    if let node = fields["max-backoff"], let maxBackoff = duration(node, "max-backoff") {
      policy.maxBackoff = maxBackoff
    }
    if policy.maxBackoff < policy.backoff {
      let written = fields.entries["max-backoff"]?.value ?? fields.entries["backoff"]?.value ?? node
      report(
        at: written,
        "max-backoff (\(DurationText.format(policy.maxBackoff))) is less than backoff (\(DurationText.format(policy.backoff)))",
        hint: "Make max-backoff at least the backoff (max-backoff is 10s unless written).")
    }
    return policy
  }

  /// `simulate: { latency, failure-rate, cpu }`.
  private mutating func readSimulate(_ node: Node) -> SimulateSpec? {
    guard let fields = fields(node, of: "simulate", allowed: FormatKeys.simulate) else { return nil }
    var latency: LatencyModel?
    if let node = fields["latency"] {
      latency = readLatency(node)
    } else if fields.isMissing("latency") {
      report(
        at: node, "simulate is missing \"latency\"",
        hint: "Add \"latency: 10ms\", or { p50: 30ms, p99: 120ms }, or { min: 5ms, max: 20ms }.")
    }
    var failureRate = 0.0
    let rateHint = "It is a probability: 0.02 means 2% of attempts fail."
    if let node = fields["failure-rate"], let rate = number(node, "failure-rate", hint: rateHint) {
      if (0...1).contains(rate) {
        failureRate = rate
      } else {
        report(
          at: node, "failure-rate must be between 0 and 1, got \(describe(node))", hint: rateHint)
      }
    }
    var cpu = false
    if let node = fields["cpu"], let value = boolean(node, "cpu") { cpu = value }
    var outputBytes = 0
    var valid = true
    if let node = fields["output-size"] {
      if let size = byteSize(node, "output-size", minimum: 0, maximum: WorkflowLimits.outputLimit) {
        if size == 1 {
          report(
            at: node, "output-size 1 byte is too small for a JSON string (two quotes)",
            hint: "Write 0 for no output (null), or at least 2 bytes.")
          valid = false
        }
        outputBytes = size
      } else {
        valid = false
      }
    }
    var echoInput = false
    if let node = fields["echo-input"], let value = boolean(node, "echo-input") { echoInput = value }
    if echoInput, let sizeNode = fields.entries["output-size"] {
      let later =
        location(of: sizeNode.key) > location(of: fields.entries["echo-input"]!.key)
        ? sizeNode.key : fields.entries["echo-input"]!.key
      report(
        at: later, "simulate has both \"output-size\" and \"echo-input: true\"",
        hint: "The output is either filler of output-size bytes or the run's input: keep one.")
      valid = false
    }
    guard valid else { return nil }
    return latency.map {
      SimulateSpec(
        latency: $0, failureRate: failureRate, cpu: cpu, outputBytes: outputBytes, echoInput: echoInput)
    }
  }

  /// `8ms`, `{ p50, p99 }` or `{ min, max }`.
  private mutating func readLatency(_ node: Node) -> LatencyModel? {
    guard case .mapping = node else {
      return duration(node, "latency").map(LatencyModel.fixed)
    }
    guard let fields = fields(node, of: "latency", allowed: FormatKeys.latency) else { return nil }
    let hasPercentiles = fields["p50"] != nil || fields["p99"] != nil
    let hasRange = fields["min"] != nil || fields["max"] != nil
    let shapes = "Use { p50: 35ms, p99: 120ms } for log-normal, or { min: 20ms, max: 60ms } for uniform."
    if hasPercentiles && hasRange {
      report(at: node, "latency mixes p50/p99 with min/max", hint: shapes)
      return nil
    }
    let (lowKey, highKey) = hasRange ? ("min", "max") : ("p50", "p99")
    var missing = false
    for key in [lowKey, highKey] where fields[key] == nil {
      guard fields.isMissing(key) else {
        missing = true
        continue
      }
      report(at: node, "latency is missing \"\(key)\"", hint: shapes)
      missing = true
    }
    guard !missing, let lowNode = fields[lowKey], let highNode = fields[highKey] else { return nil }
    let low = duration(lowNode, "latency \(lowKey)")
    let high = duration(highNode, "latency \(highKey)")
    guard let low, let high else { return nil }
    if hasRange {
      guard low <= high else {
        report(
          at: lowNode,
          "latency min (\(DurationText.format(low))) is more than max (\(DurationText.format(high)))",
          hint: "Swap them, or make max at least min.")
        return nil
      }
      return .uniform(min: low, max: high)
    }
    guard high >= low else {
      report(
        at: highNode,
        "latency p99 (\(DurationText.format(high))) is less than p50 (\(DurationText.format(low)))",
        hint: "p99 is the slow tail: make it at least p50.")
      return nil
    }
    return .logNormal(p50: low, p99: high)
  }
}
