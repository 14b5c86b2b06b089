import DashboardHost
import ExecutionCore
import Foundation
import Synchronization

/// The load and settle phases of a headless command, both bounded by wall-clock time and both
/// cut short by a terminating signal.
struct LoadPhase {
  let runtime: Runtime
  let signals: SignalWatch

  /// Drives every workflow at its rate for exactly `duration` (less only if a signal arrives),
  /// or, with `runs`, until each has started that many runs; returns how long the load lasted.
  ///
  /// The generators start runs at their intended times; a rate the machine cannot keep up with
  /// leaves them behind schedule, so they are stopped at the deadline rather than left to catch
  /// up (which made a 2 s run last minutes). A slow rate's last arrival may come before the
  /// deadline: the phase still lasts `duration`, so rates are per requested second.
  func drive(
    _ workflows: [(name: String, rate: Double, arrivals: ArrivalProcess)], for duration: Duration?,
    runs: Int? = nil
  ) async -> Duration {
    let started = ContinuousClock.now
    let finished = DoneFlag()
    let drivers = Task { [runtime] in
      defer { finished.set() }
      await withTaskGroup(of: Void.self) { group in
        for workflow in workflows {
          group.addTask {
            await runtime.drive(
              workflow: workflow.name, rate: workflow.rate, arrivals: workflow.arrivals, runs: runs,
              duration: duration)
          }
        }
      }
    }
    while signals.received == nil {
      if let duration, ContinuousClock.now - started >= duration { break }
      if duration == nil, finished.isSet { break }
      let left = duration.map { $0 - (ContinuousClock.now - started) } ?? .milliseconds(20)
      try? await Task.sleep(for: max(.zero, min(left, .milliseconds(20))))
    }
    drivers.cancel()
    await drivers.value
    let elapsed = ContinuousClock.now - started
    guard let duration, signals.received == nil else { return elapsed }
    return min(duration, elapsed)
  }

  /// What to say when far fewer runs were attempted than `rate` over `duration` asks for (the
  /// generator fell behind: the machine could not start runs that fast), or nil. Poisson arrivals
  /// vary, so only a shortfall beyond 10% and three standard deviations counts.
  static func shortfall(attempted: Int, rate: Double, over duration: Duration) -> String? {
    let expected = rate * duration.seconds
    guard Double(attempted) < expected * 0.9 - 3 * expected.squareRoot() else { return nil }
    return
      "\(attempted) runs started of the \(Int(expected.rounded())) that \(FigureText.rate(rate)) for \(DurationText.format(duration)) asks for: the load generator could not keep up on this machine, so the figures are for the load it did generate. Lower --rate."
  }

  /// Waits until every run has settled (true), `timeout` has passed or a signal arrived (false).
  func settle(within timeout: Duration) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while signals.received == nil {
      let left = deadline - ContinuousClock.now
      if left <= .zero { return false }
      if await runtime.waitUntilSettled(timeout: min(left, .milliseconds(100))) { return true }
    }
    return false
  }
}

/// A flag one task sets and another reads.
private final class DoneFlag: Sendable {
  private let value = Atomic<Bool>(false)
  var isSet: Bool { value.load(ordering: .acquiring) }
  func set() { value.store(true, ordering: .releasing) }
}
