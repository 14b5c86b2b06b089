import DequeModule
import Synchronization

/// A bounded log of notable events that evicts routine events before failures.
///
/// Routine events (info, warning) are evicted first once the log is full, down to a floor of a
/// quarter of the capacity, so a flood of retries cannot push out the run failures, and a flood of
/// failures cannot erase every pause or mode change.
final class EventLog: Sendable {
  private struct State {
    var errors = Deque<RuntimeEvent>()
    var routine = Deque<RuntimeEvent>()
    var sequence: UInt64 = 0
  }

  private let state = Mutex(State())
  private let capacity: Int

  init(capacity: Int) { self.capacity = max(1, capacity) }

  /// Appends an event, evicting as described above.
  func add(time: Duration, severity: EventSeverity, kind: EventKind, message: String) {
    state.withLock { state in
      state.sequence += 1
      let event = RuntimeEvent(
        sequence: state.sequence, time: time, severity: severity, kind: kind, message: message)
      if severity == .error { state.errors.append(event) } else { state.routine.append(event) }
      while state.errors.count + state.routine.count > capacity {
        if !state.routine.isEmpty && (state.routine.count > capacity / 4 || state.errors.isEmpty) {
          state.routine.removeFirst()
        } else {
          state.errors.removeFirst()
        }
      }
    }
  }

  /// The sequence number of the latest event added (0: none yet).
  var lastSequence: UInt64 { state.withLock { $0.sequence } }

  /// All kept events, oldest first.
  func events() -> [RuntimeEvent] {
    state.withLock { state in
      var merged: [RuntimeEvent] = []
      merged.reserveCapacity(state.errors.count + state.routine.count)
      var e = state.errors.startIndex
      var r = state.routine.startIndex
      while e < state.errors.endIndex || r < state.routine.endIndex {
        if r == state.routine.endIndex
          || (e < state.errors.endIndex && state.errors[e].sequence < state.routine[r].sequence)
        {
          merged.append(state.errors[e])
          e += 1
        } else {
          merged.append(state.routine[r])
          r += 1
        }
      }
      return merged
    }
  }
}
