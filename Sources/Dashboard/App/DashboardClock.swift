import Foundation

/// Where the dashboard gets the time: a monotonic clock for refreshes and expiry, and the local
/// wall-clock time for file names. Tests inject a manual one.
public protocol DashboardClock {
  /// Monotonic time since an arbitrary origin.
  func now() -> Duration
  /// The local time as `YYYYMMDD-HHMMSS`, for screen dumps.
  func timestamp() -> String
}

/// The real clocks: `ContinuousClock` and the local time zone.
public struct SystemDashboardClock: DashboardClock {
  private let origin = ContinuousClock.now

  /// Creates a clock whose `now()` starts at zero.
  public init() {}

  /// Time since this clock was created.
  public func now() -> Duration { ContinuousClock.now - origin }

  /// The local time as `YYYYMMDD-HHMMSS`.
  public func timestamp() -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    return formatter.string(from: Date())
  }
}
