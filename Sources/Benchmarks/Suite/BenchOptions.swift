import ExecutionCore

/// What `lanes bench` runs and where its figures go.
public struct BenchOptions: Sendable {
  /// Where the JSON report goes.
  public enum JSONDestination: Sendable, Hashable {
    /// Standard output (print the table to standard error then).
    case stdout
    /// A file, replaced if it exists.
    case file(String)
  }

  /// Brief sizes: every case runs, under a minute in all (figures are indicative only).
  public var quick: Bool
  /// Where to write the JSON report (nil: none).
  public var json: JSONDestination?
  /// Case ids or names to run (empty: all). See `BenchSuite.caseIDs`.
  public var cases: [String]
  /// The seed for arrivals and simulated latencies.
  public var seed: UInt64
  /// How long and how big each case is; defaults from `quick`.
  public var sizes: BenchSizes
  /// The chat workflow for the all-sync vs hybrid case (the lead passes the built-in one);
  /// nil uses a chat-shaped workflow built in code.
  public var chat: WorkflowDefinition?
  /// Queues the chat workflow uses; queues it names that are missing here get a default definition.
  public var chatQueues: [QueueDefinition]
  /// Called with a line as each case starts and ends (e.g. print to standard error).
  public var progress: (@Sendable (String) -> Void)?

  /// Creates options.
  public init(
    quick: Bool = false, json: JSONDestination? = nil, cases: [String] = [], seed: UInt64 = 42,
    sizes: BenchSizes? = nil, chat: WorkflowDefinition? = nil, chatQueues: [QueueDefinition] = [],
    progress: (@Sendable (String) -> Void)? = nil
  ) {
    self.quick = quick
    self.json = json
    self.cases = cases
    self.seed = seed
    self.sizes = sizes ?? (quick ? .quick : .full)
    self.chat = chat
    self.chatQueues = chatQueues
    self.progress = progress
  }
}

/// Run counts, rates and durations for every case, so tests can run the suite in seconds.
public struct BenchSizes: Sendable, Hashable {
  /// Runs of each synthetic chain (10 × 1 ms, 5 × 10 ms) for the overhead cases.
  public var chainRuns: Int
  /// Arrivals per second for the 10 × 1 ms chain (the 5 × 10 ms chain runs at a quarter of it).
  public var chainRate: Double
  /// Runs per phase (idle, busy) in each isolation case.
  public var isolationRuns: Int
  /// No-op jobs per throughput measurement.
  public var throughputJobs: Int
  /// Repetitions of each throughput measurement, alternating bare queue and runtime (median kept).
  public var throughputRepeats: Int
  /// Background steps timed from enqueue to start.
  public var enqueueSamples: Int
  /// Steps queued for the memory case.
  public var memorySteps: Int
  /// Length of each overload phase (1× then 10×).
  public var overloadPhase: Duration
  /// Runs of the chat workflow per mode.
  public var chatRuns: Int
  /// Snapshots timed.
  public var snapshotSamples: Int
  /// Frames rendered and diffed.
  public var renderFrames: Int
  /// How long a runtime runs under load before a busy measurement (snapshot, render).
  public var busyWarmup: Duration

  /// Creates sizes.
  public init(
    chainRuns: Int, chainRate: Double, isolationRuns: Int, throughputJobs: Int, throughputRepeats: Int,
    enqueueSamples: Int, memorySteps: Int, overloadPhase: Duration, chatRuns: Int, snapshotSamples: Int,
    renderFrames: Int, busyWarmup: Duration = .seconds(1)
  ) {
    self.chainRuns = chainRuns
    self.chainRate = chainRate
    self.isolationRuns = isolationRuns
    self.throughputJobs = throughputJobs
    self.throughputRepeats = throughputRepeats
    self.enqueueSamples = enqueueSamples
    self.memorySteps = memorySteps
    self.overloadPhase = overloadPhase
    self.chatRuns = chatRuns
    self.snapshotSamples = snapshotSamples
    self.renderFrames = renderFrames
    self.busyWarmup = busyWarmup
  }

  /// For people: a few minutes in all.
  public static let full = BenchSizes(
    chainRuns: 600, chainRate: 100, isolationRuns: 500, throughputJobs: 500_000, throughputRepeats: 3,
    enqueueSamples: 3000, memorySteps: 1_000_000, overloadPhase: .seconds(10), chatRuns: 300,
    snapshotSamples: 5000, renderFrames: 500)

  /// `--quick`: every case briefly, under a minute in all.
  public static let quick = BenchSizes(
    chainRuns: 100, chainRate: 100, isolationRuns: 100, throughputJobs: 100_000, throughputRepeats: 1,
    enqueueSamples: 500, memorySteps: 100_000, overloadPhase: .seconds(1), chatRuns: 40,
    snapshotSamples: 500, renderFrames: 50, busyWarmup: .milliseconds(300))

  /// For tests: seconds in a debug build.
  public static let tiny = BenchSizes(
    chainRuns: 10, chainRate: 200, isolationRuns: 10, throughputJobs: 2000, throughputRepeats: 1,
    enqueueSamples: 50, memorySteps: 2000, overloadPhase: .milliseconds(200), chatRuns: 5,
    snapshotSamples: 3, renderFrames: 3, busyWarmup: .milliseconds(100))
}
