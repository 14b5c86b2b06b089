/// Where a runtime keeps its background steps when they must outlive the process: the interface
/// every durable store implements (SQLite in `LanesSQLite`, PostgreSQL in `LanesPostgres`).
///
/// The store, not the process, is the truth about background work. The shape is the one trusted
/// job systems share (River, Oban, graphile-worker): a table of step rows with a state, claimed by
/// workers, ended by the worker that claimed them. A runtime with a store:
/// - inserts a run's background steps (`enqueue`) and answers the run's caller only after that
///   commit returned: the acknowledgement is the commit (many runs share one commit: group commit);
/// - feeds each queue's local workers from `claim` (a claim is a lease held by this node, on the
///   store's clock), waking on `waitForWork`; holds up to `claimAhead` claimed steps beyond its
///   idle workers (fewer while they are slow, when `claimsAheadByPace`), and calls `started` (and
///   waits for it) before each step's body runs, or `startedWithoutWaiting` when the store's
///   `startsWithoutCommit` says it may;
/// - ends each attempt with `finish`, which the store fences: an attempt whose claim is no longer
///   this node's (its lease expired and another node took the step) is refused, counted, never
///   applied;
/// - on `open`, gets back what a previous process left (`StoreRecovery`).
///
/// States a step row goes through (the same words in every store's schema):
/// `waiting` (some dependency has not succeeded yet) → `queued` → `running` (claimed, leased) →
/// `succeeded` | `retrying` (due at a time on the store's clock, then claimable again) | `dead`;
/// a step whose dependency ended without success is `skipped`. Redrive moves `dead` to `queued`.
///
/// Every method may throw `StoreError`; none may crash or hang on a lost database: they fail and
/// the runtime refuses new runs (503) until the store answers again.
public protocol StepStore: Sendable {
  /// How the store is named on the command line and in messages (`sqlite:lanes.db`, a URL
  /// without its password).
  var name: String { get }

  /// Opens the store for `topology`: checks it is a Lanes store, creates or migrates the schema
  /// (refusing a newer one), takes what makes this process the holder (SQLite: one process per
  /// file; PostgreSQL: a node row with a fresh id per boot), and recovers what a previous process
  /// left. Called once, before any other method.
  func open(_ topology: StoreTopology) async throws -> StoreRecovery

  /// Run ids this process may hand out: never used by any other process or earlier boot on this
  /// store (ids of durable runs are unique in the store, so `LANES_RUN_ID` + step id is a stable
  /// idempotency key).
  func reserveRunIDs(count: Int) async throws -> Range<UInt64>

  /// Inserts the background steps of one or more runs and returns once they are committed.
  /// A step whose dependencies have all succeeded arrives `queued`, the others `waiting`.
  func enqueue(_ steps: [NewStoredStep]) async throws

  /// Claims up to `limit` claimable steps of `queue` (queued, or retrying and due), oldest first,
  /// for this node: each becomes `running` with a lease on the store's clock. Nothing when the
  /// queue is paused. A store whose `claimAhead` is 0 counts the attempt here, in the claim's
  /// commit; one that lets a node claim ahead counts it in `started`. Either way the attempt is
  /// counted before the step's body can run (a step that kills the process every time ends dead,
  /// not in a crash loop). `ClaimedStep.claim.attempt` is the attempt the step runs as.
  func claim(queue: String, limit: Int) async throws -> [ClaimedStep]

  /// How many steps beyond its free workers a node's feeder may hold claimed and not started,
  /// per queue, at most (0: claim only for free workers, and count the attempt at claim; see
  /// `claimsAheadByPace`). Claiming ahead lets one claim commit feed many steps; a claimed-ahead step that never starts has no attempt counted: a graceful stop
  /// hands it back, and after a crash `open` returns it to its queue.
  var claimAhead: Int { get }

  /// True when other processes could run the steps this one holds claimed ahead (PostgreSQL: a
  /// cluster of nodes): the runtime then holds ahead only what its workers take in 25 ms at
  /// their recent pace (up to `claimAhead`), so one node does not sit on slow steps that idle
  /// nodes could run. False (the default; SQLite is one process per file): up to `claimAhead`.
  var claimsAheadByPace: Bool { get }

  /// Counts the attempt of claimed steps that are about to begin, and returns once that is
  /// committed (the runtime starts a step's body only after this returned: at-least-once with
  /// every run counted). Returns the claims that are no longer this node's (do not run those).
  /// The default does nothing: stores whose `claimAhead` is 0 counted the attempt at claim.
  func started(_ claims: [StepClaim]) async throws -> [StepClaim]

  /// True when the runtime may run a step as soon as `startedWithoutWaiting` returned, and hand
  /// each step's `finish` to the store without waiting for it (a bounded number in flight per
  /// worker). SQLite with durability `process` records the start in a journal in the page cache,
  /// as its commits are; PostgreSQL with durability `process` hands it to its group commit, which
  /// commits it within a round trip (a node that dies in that round trip leaves the step
  /// `claimed`: it returns uncounted, and is dead-lettered once that happened `orphanLimit`
  /// times). False (the default): a worker waits for `finish(_:_:thenStart:)` before the next step.
  var startsWithoutCommit: Bool { get }

  /// `started`, for a store whose `startsWithoutCommit` is true: returns once the start is
  /// recorded as far as that store promises, not once it is committed. A claim lost meanwhile may
  /// not be reported here; the fenced `finish` refuses it then (counted stale). The default is
  /// `started`.
  func startedWithoutWaiting(_ claims: [StepClaim]) async throws -> [StepClaim]

  /// `finish`, then `started` for the steps the worker begins next: what a worker does between
  /// two steps, so that a store can commit both in one write (a throw means neither was applied).
  /// Returns `finish`'s answer and the `next` claims no longer this node's. The default makes the
  /// two calls (for a store whose `started` does nothing, that is `finish` alone; a store whose
  /// `started` can fail must implement this in one write).
  func finish(_ claim: StepClaim, _ ending: StepEnding, thenStart next: [StepClaim]) async throws -> (
    fresh: Bool, lost: [StepClaim]
  )

  /// Ends the attempt `claim` holds. Returns false when the claim is stale (no longer this
  /// node's: the lease expired and the step was rescued or taken by someone else); the store
  /// counted it and changed nothing. A success makes the run's dependents whose dependencies have
  /// now all succeeded `queued` in the same commit; a dead step skips its dependents.
  func finish(_ claim: StepClaim, _ ending: StepEnding) async throws -> Bool

  /// Extends the leases of running steps; returns the claims that are no longer this node's.
  func extendLeases(_ claims: [StepClaim]) async throws -> [StepClaim]

  /// Pauses or resumes a queue for every process using the store (persisted: a restart keeps it).
  func setPaused(queue: String, _ paused: Bool) async throws

  /// Moves `queue`'s dead steps back to `queued` (attempts start again); returns how many.
  func redrive(queue: String) async throws -> Int

  /// Deletes `queue`'s dead steps; returns how many.
  func deleteDeadLetters(queue: String) async throws -> Int

  /// `queue`'s dead steps, oldest first, at most `limit`.
  func deadLetters(queue: String, limit: Int) async throws -> [StoredDeadLetter]

  /// Every queue's rows by state and its totals since the store was created.
  func stats() async throws -> [String: StoredQueueStats]

  /// Returns when `queue` may have claimable steps (a step was enqueued, a retry fell due, a
  /// queue resumed) or after `timeout` (the polling fallback: a lost notification only slows
  /// pick-up to this interval), whichever is first.
  func waitForWork(queue: String, timeout: Duration) async

  /// Hands back this node's running steps (graceful stop) and releases what `open` took.
  func close() async

  /// How long a claim holds a step without an extension: the runtime extends the leases of its
  /// running steps every third of this (default: 30 seconds).
  var lease: Duration { get }
}

extension StepStore {
  /// 30 seconds, for a store that does not say.
  public var lease: Duration { .seconds(30) }

  /// 0: a store that does not say claims only for free workers (and counts attempts at claim).
  public var claimAhead: Int { 0 }

  /// False: claiming ahead hurts no other process.
  public var claimsAheadByPace: Bool { false }

  /// Nothing to do for a store that counts the attempt at claim.
  public func started(_ claims: [StepClaim]) async throws -> [StepClaim] { [] }

  /// False: `started` (or the finish it shares a write with) is waited for.
  public var startsWithoutCommit: Bool { false }

  /// `started`.
  public func startedWithoutWaiting(_ claims: [StepClaim]) async throws -> [StepClaim] {
    try await started(claims)
  }

  /// The two calls, one after the other.
  public func finish(_ claim: StepClaim, _ ending: StepEnding, thenStart next: [StepClaim]) async throws -> (
    fresh: Bool, lost: [StepClaim]
  ) {
    let fresh = try await finish(claim, ending)
    return (fresh, try await started(next))
  }
}

/// The workflows and queues a store serves: what it needs to move dependents along, to count
/// attempts against limits, and to dead-letter steps whose workflow or step no longer exists.
public struct StoreTopology: Sendable, Hashable {
  /// One background step of a workflow.
  public struct Step: Sendable, Hashable {
    /// The step's id.
    public var id: String
    /// Its queue.
    public var queue: String
    /// Attempts allowed (1: no retry).
    public var maxAttempts: Int
    /// The ids of its dependencies (blocking ones included).
    public var dependencies: [String]

    /// Creates a step.
    public init(id: String, queue: String, maxAttempts: Int, dependencies: [String]) {
      self.id = id
      self.queue = queue
      self.maxAttempts = maxAttempts
      self.dependencies = dependencies
    }
  }

  /// Background steps by workflow name.
  public var workflows: [String: [Step]]
  /// Queue names.
  public var queues: [String]

  /// Creates a topology.
  public init(workflows: [String: [Step]], queues: [String]) {
    self.workflows = workflows
    self.queues = queues
  }
}

/// A background step to insert.
public struct NewStoredStep: Sendable, Hashable {
  /// The run (unique in the store: from `reserveRunIDs`).
  public var runID: UInt64
  /// Workflow name.
  public var workflow: String
  /// Step id.
  public var step: String
  /// Queue name.
  public var queue: String
  /// Dependencies not yet succeeded when inserted (0: `queued`).
  public var pendingDependencies: Int
  /// What the step sees: the run's input and the outputs of its dependencies known at insertion.
  /// Outputs of background dependencies that succeed later are added by the store at claim time.
  public var data: StepInput

  /// Creates a step to insert.
  public init(
    runID: UInt64, workflow: String, step: String, queue: String, pendingDependencies: Int, data: StepInput
  ) {
    self.runID = runID
    self.workflow = workflow
    self.step = step
    self.queue = queue
    self.pendingDependencies = pendingDependencies
    self.data = data
  }
}

/// Which attempt of which step a node holds: what fencing compares.
public struct StepClaim: Sendable, Hashable {
  /// The store's row id.
  public var id: Int64
  /// The attempt this claim is for (1-based; counted at claim, or at `started` by a store that
  /// claims ahead).
  public var attempt: Int

  /// Creates a claim.
  public init(id: Int64, attempt: Int) {
    self.id = id
    self.attempt = attempt
  }
}

/// A step this node claimed.
public struct ClaimedStep: Sendable, Hashable {
  /// The claim to end it with.
  public var claim: StepClaim
  /// The run.
  public var runID: UInt64
  /// Workflow name.
  public var workflow: String
  /// Step id.
  public var step: String
  /// What the step sees (its background dependencies' outputs included).
  public var data: StepInput
  /// When it became claimable (enqueued, due, or redriven), as the store's clock says, in
  /// nanoseconds since the epoch: the queue wait is measured from here.
  public var readySinceNs: Int64

  /// Creates a claimed step.
  public init(
    claim: StepClaim, runID: UInt64, workflow: String, step: String, data: StepInput, readySinceNs: Int64
  ) {
    self.claim = claim
    self.runID = runID
    self.workflow = workflow
    self.step = step
    self.data = data
    self.readySinceNs = readySinceNs
  }
}

/// How an attempt ended.
public enum StepEnding: Sendable, Hashable {
  /// Succeeded with this output (null: none).
  case succeeded(output: Payload)
  /// Failed; claimable again after `delay` on the store's clock.
  case retry(error: String, delay: Duration)
  /// Failed for good.
  case dead(error: String)
  /// Not run to an end (this process is stopping, or the queue paused before a claimed-ahead step
  /// started): back to `queued`, the attempt not counted.
  case handedBack
}

/// A dead step as the store keeps it.
public struct StoredDeadLetter: Sendable, Hashable {
  /// Row id.
  public var id: Int64
  /// The run.
  public var runID: UInt64
  /// Workflow name.
  public var workflow: String
  /// Step id.
  public var step: String
  /// Attempts made.
  public var attempts: Int
  /// The last error.
  public var error: String
  /// When it died, nanoseconds since the epoch on the store's clock.
  public var diedAtNs: Int64

  /// Creates a dead letter.
  public init(
    id: Int64, runID: UInt64, workflow: String, step: String, attempts: Int, error: String, diedAtNs: Int64
  ) {
    self.id = id
    self.runID = runID
    self.workflow = workflow
    self.step = step
    self.attempts = attempts
    self.error = error
    self.diedAtNs = diedAtNs
  }
}

/// One queue as the store has it.
public struct StoredQueueStats: Sendable, Hashable {
  /// Rows waiting for a dependency.
  public var waiting = 0
  /// Rows claimable now.
  public var queued = 0
  /// Rows claimed and running.
  public var running = 0
  /// Rows waiting for a retry's due time.
  public var retrying = 0
  /// Dead letters.
  public var dead = 0
  /// Age of the oldest claimable step, nanoseconds (0: none).
  public var oldestReadyAgeNs: Int64 = 0
  /// Paused (for every process).
  public var paused = false
  /// Steps inserted since the store was created (totals continue across restarts).
  public var accepted = 0
  /// Steps that succeeded.
  public var succeeded = 0
  /// Failed attempts that will be retried.
  public var retried = 0
  /// Steps that died.
  public var deadLettered = 0
  /// Finishes refused because the claim was stale (fencing).
  public var staleCompletions = 0
  /// Steps skipped because a dependency died (inserted, never run).
  public var skipped = 0
  /// Dead letters deleted (accepted, and gone for good).
  public var deadLettersDeleted = 0

  /// Creates empty stats.
  public init() {}
}

/// What `open` found a previous process left.
public struct StoreRecovery: Sendable, Hashable {
  /// Steps waiting to run, in order.
  public var queued = 0
  /// Steps a dead process held running: back to `queued`, their attempt counted.
  public var running = 0
  /// Steps a dead process had claimed ahead and not started: back to `queued`, no attempt counted
  /// (not in `queued`, which counts the steps that were queued already).
  public var claimedAhead = 0
  /// Steps waiting to retry, keeping their due times.
  public var retrying = 0
  /// Dead letters kept.
  public var dead = 0
  /// Steps dead-lettered now because their attempts were used up by processes that died while
  /// running them (a poison step), because processes died holding them claimed too many times, or
  /// because their workflow or step no longer exists.
  public var deadLetteredAtOpen = 0
  /// Queues that stay paused.
  public var pausedQueues: [String] = []
  /// Totals per queue, so counters continue where they were.
  public var totals: [String: StoredQueueStats] = [:]

  /// Creates an empty recovery.
  public init() {}

  /// "recovered 37 steps: 30 queued, 5 running, 2 waiting to retry", or nil when nothing was.
  public var summary: String? {
    let total = queued + running + claimedAhead + retrying
    guard total > 0 || dead > 0 || deadLetteredAtOpen > 0 else { return nil }
    var parts: [String] = []
    if queued > 0 { parts.append("\(queued) queued") }
    if running > 0 { parts.append("\(running) running") }
    if claimedAhead > 0 { parts.append("\(claimedAhead) claimed ahead, not started") }
    if retrying > 0 { parts.append("\(retrying) waiting to retry") }
    if dead > 0 { parts.append("\(dead) dead letter\(dead == 1 ? "" : "s")") }
    if deadLetteredAtOpen > 0 { parts.append("\(deadLetteredAtOpen) dead-lettered at open") }
    return "recovered \(total) step\(total == 1 ? "" : "s"): " + parts.joined(separator: ", ")
  }
}

/// Why a store could not do what was asked: each names the store and says what to do.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem.
  public enum Kind: Sendable, Hashable {
    /// Another process holds the store (SQLite: one process per file).
    case held
    /// Not a Lanes store, or damaged.
    case notAStore
    /// Written by a newer Lanes (schema version higher than this binary knows).
    case newerSchema
    /// Cannot write (read-only file or directory, permissions).
    case readOnly
    /// No space left.
    case full
    /// The database cannot be reached (now or any more).
    case unavailable
    /// Anything else.
    case other
  }

  /// The kind.
  public var kind: Kind
  /// The whole message: the store, the problem, the fix.
  public var message: String

  /// Creates an error.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}
