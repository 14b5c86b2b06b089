import Dashboard
import Synchronization

/// A clock that moves only when told, so frames never depend on the wall clock.
final class ManualDashboardClock: DashboardClock {
  private let time = Mutex(Duration.zero)

  func now() -> Duration { time.withLock { $0 } }
  func timestamp() -> String { "20260102-030405" }
  func advance(by duration: Duration) { time.withLock { $0 += duration } }
}
