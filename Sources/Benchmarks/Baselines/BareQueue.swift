import DequeModule
import Foundation
import Synchronization

/// The baseline queue: a `Mutex<Deque>` of closures served by N dedicated worker threads, with
/// nothing else (no bounds, metrics, retries or timeouts). Idle workers park on a semaphore.
///
/// It is what the runtime's background queues are compared with, measured in the same run.
public final class BareQueue: Sendable {
  /// A job: a closure run once by one worker.
  public typealias Job = @Sendable () -> Void

  private struct State {
    var jobs = Deque<Job>()
    var paused: Bool
    var stopping = false
    /// Workers parked (or about to park) on `wake`.
    var parked = 0
  }

  private enum Next {
    case run(Job)
    case park
    case stop
  }

  private let state: Mutex<State>
  private let wake = DispatchSemaphore(value: 0)
  private let exited = DispatchSemaphore(value: 0)
  private let completed = Atomic<Int>(0)
  private let target = Atomic<Int>(Int.max)
  private let reachedTarget = DispatchSemaphore(value: 0)
  /// Worker threads.
  public let workers: Int

  /// Starts `workers` threads; with `paused`, they take nothing until `resume()`.
  public init(workers: Int, paused: Bool = false) {
    self.workers = max(1, workers)
    state = Mutex(State(paused: paused))
    for index in 0..<self.workers {
      let thread = Thread { [self] in work() }
      thread.name = "bare-queue-\(index)"
      thread.start()
    }
  }

  /// Appends a job and wakes a parked worker if there is one.
  public func enqueue(_ job: @escaping Job) {
    let wakeOne = state.withLock { state -> Bool in
      state.jobs.append(job)
      guard !state.paused, state.parked > 0 else { return false }
      state.parked -= 1
      return true
    }
    if wakeOne { wake.signal() }
  }

  /// Lets workers take jobs again.
  public func resume() {
    let toWake = state.withLock { state -> Int in
      state.paused = false
      defer { state.parked = 0 }
      return state.parked
    }
    for _ in 0..<toWake { wake.signal() }
  }

  /// Jobs finished since the start.
  public var completedCount: Int { completed.load(ordering: .acquiring) }

  /// Blocks the calling thread until `count` jobs have finished since the start.
  public func waitUntilCompleted(_ count: Int) {
    target.store(count, ordering: .sequentiallyConsistent)
    // Whoever takes the target back (this thread or the worker that reached it) owns the signal,
    // so a signal is sent only when someone will wait for it.
    if completed.load(ordering: .sequentiallyConsistent) >= count,
      target.compareExchange(expected: count, desired: Int.max, ordering: .sequentiallyConsistent).exchanged
    {
      return
    }
    reachedTarget.wait()
  }

  /// Finishes the queued jobs, then stops and joins the workers.
  public func shutdown() {
    let toWake = state.withLock { state -> Int in
      state.stopping = true
      state.paused = false
      defer { state.parked = 0 }
      return state.parked
    }
    for _ in 0..<toWake { wake.signal() }
    for _ in 0..<workers { exited.wait() }
  }

  private func work() {
    while true {
      let next = state.withLock { state -> Next in
        if !state.paused, let job = state.jobs.popFirst() { return .run(job) }
        if state.stopping { return .stop }
        state.parked += 1
        return .park
      }
      switch next {
      case .run(let job):
        job()
        let done = completed.add(1, ordering: .sequentiallyConsistent).newValue
        if done >= target.load(ordering: .sequentiallyConsistent),
          target.compareExchange(expected: done, desired: Int.max, ordering: .sequentiallyConsistent)
            .exchanged
        {
          reachedTarget.signal()
        }
      case .park:
        wake.wait()
      case .stop:
        exited.signal()
        return
      }
    }
  }
}
