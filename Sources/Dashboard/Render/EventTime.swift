import ExecutionCore
import Foundation

/// How an event's time reads: the time of day (local time) when the runtime reports its
/// wall-clock start, so a log line can be matched to other logs; the uptime when it does not.
enum EventTime {
  /// `14:03:21`, or `1:10` (uptime) when the start time is unknown (zero).
  static func text(_ time: Duration, snapshot: RuntimeSnapshot?, timeZone: TimeZone = .current) -> String {
    guard let start = snapshot?.startedAt, start > .zero else { return FigureText.uptime(time) }
    return timeOfDay(start + time, timeZone: timeZone)
  }

  /// `14:03:21 (up 1:10)`, for a detail view that has room for both.
  static func long(_ time: Duration, snapshot: RuntimeSnapshot?, timeZone: TimeZone = .current) -> String {
    guard let start = snapshot?.startedAt, start > .zero else { return "up " + FigureText.uptime(time) }
    return "\(timeOfDay(start + time, timeZone: timeZone)) (up \(FigureText.uptime(time)))"
  }

  static func timeOfDay(_ sinceEpoch: Duration, timeZone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let date = Date(timeIntervalSince1970: Double(sinceEpoch.components.seconds))
    let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
    func two(_ value: Int?) -> String {
      let value = value ?? 0
      return value < 10 ? "0\(value)" : "\(value)"
    }
    return "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
  }
}
