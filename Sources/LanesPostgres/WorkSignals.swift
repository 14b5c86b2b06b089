import Synchronization

/// Why `waitForWork` returned.
public enum WakeReason: Sendable, Hashable {
  /// A notification named the queue (a step was enqueued, redriven, handed back, a queue resumed).
  case notified
  /// The listener connection came back after being lost: anything may have happened meanwhile.
  case reconnected
  /// The timeout ran out (the polling fallback), or a retry fell due.
  case timeout
  /// The waiting task was cancelled, or the store closed.
  case cancelled
}

/// Workers of this process waiting for work, by queue, woken by notifications.
///
/// A notification that arrives while no worker of its queue waits is remembered, so a worker that
/// found nothing to claim just before the notification and starts waiting just after it returns at
/// once instead of sleeping through a whole poll interval.
final class WorkSignals: Sendable {
  struct Waiter {
    var id: UInt64
    var queue: String
    var continuation: CheckedContinuation<WakeReason, Never>
    var timer: Task<Void, Never>?
  }

  struct State {
    var waiters: [UInt64: Waiter] = [:]
    var signalled: Set<String> = []
    var nextID: UInt64 = 0
    var closed = false
  }

  let state = Mutex(State())

  func wait(queue: String, timeout: Duration) async -> WakeReason {
    let id = state.withLock { s -> UInt64 in
      s.nextID += 1
      return s.nextID
    }
    return await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let immediate = state.withLock { s -> WakeReason? in
          if s.closed || Task.isCancelled { return .cancelled }
          if s.signalled.remove(queue) != nil { return .notified }
          // The timer starts once the waiter is registered, so that it cannot fire before.
          let timer = Task {
            try? await Task.sleep(for: timeout)
            self.resume(id, with: .timeout)
          }
          s.waiters[id] = Waiter(id: id, queue: queue, continuation: continuation, timer: timer)
          return nil
        }
        if let immediate { continuation.resume(returning: immediate) }
      }
    } onCancel: {
      self.resume(id, with: .cancelled)
    }
  }

  private func resume(_ id: UInt64, with reason: WakeReason) {
    let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
    waiter?.timer?.cancel()
    waiter?.continuation.resume(returning: reason)
  }

  /// Wakes `queue`'s waiters, or remembers the signal when none waits.
  func notify(queue: String) {
    let woken = state.withLock { s -> [Waiter] in
      let matching = s.waiters.values.filter { $0.queue == queue }
      if matching.isEmpty {
        s.signalled.insert(queue)
      } else {
        for waiter in matching { s.waiters[waiter.id] = nil }
      }
      return matching
    }
    for waiter in woken {
      waiter.timer?.cancel()
      waiter.continuation.resume(returning: .notified)
    }
  }

  /// Wakes every waiter with `reason` (the listener reconnected, the store closes).
  func wakeAll(_ reason: WakeReason, close: Bool = false) {
    let woken = state.withLock { s -> [Waiter] in
      if close { s.closed = true }
      defer { s.waiters = [:] }
      return Array(s.waiters.values)
    }
    for waiter in woken {
      waiter.timer?.cancel()
      waiter.continuation.resume(returning: reason)
    }
  }
}
