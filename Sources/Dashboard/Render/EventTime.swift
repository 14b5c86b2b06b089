import ExecutionCore

/// How an event's time reads: the time of day when the runtime knows its wall-clock start, with
/// the uptime beside it, so a log line can be matched to other logs.
enum EventTime {
  static func text(_ time: Duration, snapshot: RuntimeSnapshot?) -> String {
    Format.uptime(time)
  }
}
