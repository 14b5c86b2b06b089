/// Whether a step runs on the critical path or later, on a background queue.
public enum StepMode: String, Sendable, Hashable, Codable, CaseIterable {
  /// Runs as soon as its dependencies are done; the run's response waits for it.
  case blocking
  /// Put on a bounded queue when its dependencies are done; the response never waits for it.
  case background
}

/// How a run executes its steps.
public enum ExecutionMode: String, Sendable, Hashable, Codable, CaseIterable {
  /// Steps run as declared: blocking on the critical path, background on queues.
  case hybrid
  /// Every step runs as blocking: the anti-pattern Lanes compares against.
  case allSync = "all-sync"
}

/// How long a simulated step takes.
public enum LatencyModel: Sendable, Hashable {
  /// Always the same duration.
  case fixed(Duration)
  /// Uniformly distributed between `min` and `max`.
  case uniform(min: Duration, max: Duration)
  /// Log-normal, fitted so that its median is `p50` and its 99th percentile `p99`.
  case logNormal(p50: Duration, p99: Duration)
}

/// A simulated step: a latency, a failure rate, whether it burns CPU or sleeps, and its output.
public struct SimulateSpec: Sendable, Hashable {
  /// The latency distribution.
  public var latency: LatencyModel
  /// Probability, 0...1, that an attempt fails.
  public var failureRate: Double
  /// Burn CPU for the latency instead of sleeping (real CPU-bound work).
  public var cpu: Bool
  /// Size in bytes of the output, a JSON string of deterministic filler (0: the output is `null`;
  /// otherwise at least 2, the quotes). Lets demos and benchmarks carry realistic payloads.
  public var outputBytes: Int
  /// The output is the run's input (takes precedence over `outputBytes`).
  public var echoInput: Bool

  /// Creates a simulated step.
  public init(
    latency: LatencyModel, failureRate: Double = 0, cpu: Bool = false, outputBytes: Int = 0,
    echoInput: Bool = false
  ) {
    self.latency = latency
    self.failureRate = failureRate
    self.cpu = cpu
    self.outputBytes = outputBytes
    self.echoInput = echoInput
  }
}

/// Context handed to a step body written in Swift: who it is, and the data it may see (the run's
/// input and the outputs of the steps it depends on, directly or through others; see
/// `output(of:)`, `outputs`, `decodeInput(_:)`).
public struct StepContext: Sendable {
  /// The run this attempt belongs to.
  public var runID: UInt64
  /// The step's id.
  public var stepID: String
  /// `RUNID-STEPID`: the same for every attempt of this step of this run, and (with a durable
  /// store, whose run ids never repeat) unique in the store: what a background step passes to the
  /// systems it changes so that running it twice (at-least-once) does the change once.
  public var idempotencyKey: String { "\(runID)-\(stepID)" }
  /// The attempt number, starting at 1.
  public var attempt: Int
  /// How the step is executing (as declared, or blocking in all-sync mode).
  public var executedAs: StepMode
  /// The run's input (JSON `null` when the run was started without one).
  public var input: Payload
  /// Where the dependencies' outputs are read from.
  var source: StepDataSource

  /// Creates a context that sees `input` and `dependencyOutputs` (for running a step body outside a
  /// runtime, in tests or another executor).
  public init(
    runID: UInt64, stepID: String, attempt: Int, executedAs: StepMode, input: Payload = .null,
    dependencyOutputs: [DependencyOutput] = []
  ) {
    self.init(
      runID: runID, stepID: stepID, attempt: attempt, executedAs: executedAs, input: input,
      source: .copied(dependencyOutputs))
  }

  init(
    runID: UInt64, stepID: String, attempt: Int, executedAs: StepMode, input: Payload,
    source: StepDataSource
  ) {
    self.runID = runID
    self.stepID = stepID
    self.attempt = attempt
    self.executedAs = executedAs
    self.input = input
    self.source = source
  }
}

/// What a step does.
/// A step written in Swift. It runs on the executor of whoever runs the step (the caller's task for
/// a blocking step, a background thread for a background one) without a hop of its own.
public typealias StepClosure = nonisolated(nonsending) @Sendable (StepContext) async throws -> Void

/// A step written in Swift that produces an output (run like `StepClosure`).
public typealias StepTransform = nonisolated(nonsending) @Sendable (StepContext) async throws -> Payload

public enum StepAction: Sendable {
  /// Simulated work (latency, failures, optional CPU burn, an optional output).
  case simulate(SimulateSpec)
  /// A Swift closure, for programs that embed Lanes. Throwing fails the attempt; its output is `null`.
  case closure(StepClosure)
  /// A Swift closure that returns the step's output. Throwing fails the attempt. See also
  /// `codable(_:)`, which works in the program's own `Codable` types.
  case transform(StepTransform)
}

/// Retries for a failed attempt: exponential backoff with full jitter.
public struct RetryPolicy: Sendable, Hashable {
  /// Total attempts, including the first. 1 means no retry.
  public var attempts: Int
  /// The base delay: attempt n waits a random time in 0...min(maxBackoff, backoff * 2^(n-1)).
  public var backoff: Duration
  /// The cap on any one delay.
  public var maxBackoff: Duration

  /// Creates a retry policy.
  public init(attempts: Int = 1, backoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(10))
  {
    self.attempts = attempts
    self.backoff = backoff
    self.maxBackoff = maxBackoff
  }

  /// No retries.
  public static let none = RetryPolicy(attempts: 1)
}

/// One step of a workflow.
public struct StepDefinition: Sendable {
  /// Unique within its workflow.
  public var id: String
  /// Blocking or background.
  public var mode: StepMode
  /// Ids of the steps that must finish before this one starts.
  public var after: [String]
  /// The queue a background step goes on (required for background, ignored for blocking).
  public var queue: String?
  /// Cancel an attempt that runs longer than this.
  public var timeout: Duration?
  /// What happens when an attempt fails.
  public var retry: RetryPolicy
  /// What the step does.
  public var action: StepAction
  /// The largest output, in bytes of JSON text, an attempt may produce; a larger one fails the
  /// attempt. Nil: `StepDefinition.defaultOutputLimit`.
  public var outputLimit: Int?

  /// The output limit of a step that sets none: 1 MiB.
  public static let defaultOutputLimit = 1 << 20

  /// Creates a step.
  public init(
    id: String, mode: StepMode, after: [String] = [], queue: String? = nil,
    timeout: Duration? = nil, retry: RetryPolicy = .none, outputLimit: Int? = nil, action: StepAction
  ) {
    self.id = id
    self.mode = mode
    self.after = after
    self.queue = queue
    self.timeout = timeout
    self.retry = retry
    self.outputLimit = outputLimit
    self.action = action
  }
}

/// What a full queue does with a new step.
public enum OverflowPolicy: String, Sendable, Hashable, Codable, CaseIterable {
  /// Refuse the new step, visibly (counted, logged, the run records it).
  case reject
  /// Make room by dropping the oldest queued step, visibly.
  case dropOldest = "drop-oldest"
  /// Make the producer wait for room: the critical path waits on the background.
  case block
}

/// A named, bounded queue with its own workers. Several workflows may share one.
public struct QueueDefinition: Sendable, Hashable {
  /// Unique name.
  public var name: String
  /// Steps run at once.
  public var workers: Int
  /// Steps that may wait (not counting the running ones).
  public var capacity: Int
  /// What happens when it is full.
  public var whenFull: OverflowPolicy

  /// Creates a queue definition.
  public init(name: String, workers: Int, capacity: Int, whenFull: OverflowPolicy = .reject) {
    self.name = name
    self.workers = workers
    self.capacity = capacity
    self.whenFull = whenFull
  }
}

/// How runs arrive under load.
public enum ArrivalProcess: String, Sendable, Hashable, Codable, CaseIterable {
  /// Evenly spaced, 1/rate apart.
  case constant
  /// Exponentially distributed gaps with mean 1/rate.
  case poisson
}

/// A workflow's default load.
public struct LoadDefinition: Sendable, Hashable {
  /// Runs per second.
  public var rate: Double
  /// How arrivals are spaced.
  public var arrivals: ArrivalProcess

  /// Creates a load.
  public init(rate: Double, arrivals: ArrivalProcess = .poisson) {
    self.rate = rate
    self.arrivals = arrivals
  }
}

/// A workflow: steps joined by dependencies (a DAG).
public struct WorkflowDefinition: Sendable {
  /// Unique name.
  public var name: String
  /// One line for people.
  public var description: String
  /// The steps, in file order.
  public var steps: [StepDefinition]
  /// The default load.
  public var load: LoadDefinition
  /// The blocking step whose output is the run's response. Nil: the output of the one blocking step
  /// no other blocking step depends on, or, when there are several, an object keyed by their ids
  /// (`null` when the workflow has no blocking step).
  public var response: String?

  /// Creates a workflow.
  public init(
    name: String, description: String = "", steps: [StepDefinition], load: LoadDefinition,
    response: String? = nil
  ) {
    self.name = name
    self.description = description
    self.steps = steps
    self.load = load
    self.response = response
  }
}

/// Everything a runtime runs: workflows and the queues they use.
public struct Topology: Sendable {
  /// The workflows.
  public var workflows: [WorkflowDefinition]
  /// The queues, each named once.
  public var queues: [QueueDefinition]

  /// Creates a topology.
  public init(workflows: [WorkflowDefinition], queues: [QueueDefinition]) {
    self.workflows = workflows
    self.queues = queues
  }
}
