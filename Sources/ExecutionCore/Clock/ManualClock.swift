import Synchronization

/// A clock that moves only when a test tells it to, so timing tests never sleep for real.
///
/// Sleepers whose deadline has been reached resume in deadline order when the clock advances.
/// `waitForSleepers(count:)` lets a test wait until the tasks it expects are parked on the clock.
public final class ManualClock: LanesClock {
  private struct Sleeper {
    var deadline: Duration
    var continuation: UnsafeContinuation<Void, any Error>
  }

  private struct State {
    var now: Duration
    var nextID: UInt64 = 0
    var sleepers: [UInt64: Sleeper] = [:]
  }

  private let state: Mutex<State>

  /// Creates a clock reading `now`.
  public init(now: Duration = .zero) { state = Mutex(State(now: now)) }

  /// The current manual time.
  public var now: Duration { state.withLock { $0.now } }

  /// Always false: CPU-burn steps sleep instead.
  public var isRealTime: Bool { false }

  /// Tasks sleeping on this clock now.
  public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

  /// The earliest deadline of a sleeping task, if any.
  public var nextDeadline: Duration? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

  /// Suspends until the clock has been advanced to `deadline`.
  public func sleep(until deadline: Duration) async throws {
    try Task.checkCancellation()
    let id = state.withLock { state -> UInt64 in
      state.nextID += 1
      return state.nextID
    }
    try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
        // Checking cancellation under the lock closes the race with `onCancel` below: the flag is
        // set before the handler runs, and the handler looks the sleeper up under the same lock.
        let immediate: (any Error)?? = state.withLock { state in
          if Task.isCancelled { return .some(CancellationError()) }
          if deadline <= state.now { return .some(nil) }
          state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
          return nil
        }
        if let immediate {
          if let error = immediate { continuation.resume(throwing: error) } else { continuation.resume() }
        }
      }
    } onCancel: {
      let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
      sleeper?.continuation.resume(throwing: CancellationError())
    }
  }

  /// Moves time forward by `duration`, resuming every sleeper whose deadline is reached.
  public func advance(by duration: Duration) {
    advance(to: now + duration)
  }

  /// Moves time to `target` (never backwards), resuming due sleepers in deadline order.
  public func advance(to target: Duration) {
    let due = state.withLock { state -> [Sleeper] in
      if target > state.now { state.now = target }
      let now = state.now
      let dueIDs = state.sleepers.filter { $0.value.deadline <= now }
        .sorted { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }.map(\.key)
      return dueIDs.compactMap { state.sleepers.removeValue(forKey: $0) }
    }
    for sleeper in due { sleeper.continuation.resume() }
  }

  /// Waits (in real time, up to `timeout`) until at least `count` tasks sleep on this clock.
  @discardableResult
  public func waitForSleepers(count: Int, timeout: Duration = .seconds(10)) async -> Bool {
    let limit = ContinuousClock.now + timeout
    while sleeperCount < count {
      if ContinuousClock.now >= limit { return false }
      try? await Task.sleep(for: .microseconds(200))
    }
    return true
  }

  /// Waits until the number of sleepers stops changing for a while (real time): a heuristic
  /// for tests that cannot name the exact count.
  public func settle(quiet: Duration = .milliseconds(20), timeout: Duration = .seconds(10)) async {
    let limit = ContinuousClock.now + timeout
    var last = sleeperCount
    var stableSince = ContinuousClock.now
    while ContinuousClock.now < limit {
      try? await Task.sleep(for: .milliseconds(1))
      let count = sleeperCount
      if count != last {
        last = count
        stableSince = ContinuousClock.now
      } else if ContinuousClock.now - stableSince >= quiet {
        return
      }
    }
  }
}
