import ExecutionCore

extension DashboardState {
  /// Opens the event at the log's cursor (events focused) or the latest failures, whole.
  mutating func openDetail(context: ActionContext) {
    guard let snapshot = context.snapshot else {
      say("nothing to open yet", .warning, context)
      return
    }
    helpScroll = 0
    if focus == .events {
      guard !snapshot.events.isEmpty else {
        say("no events to open", .warning, context)
        return
      }
      let index = max(0, snapshot.events.count - 1 - min(eventScroll, snapshot.events.count - 1))
      let event = snapshot.events[index]
      overlay = .detail(
        title: "Event #\(event.sequence)",
        lines: [
          "time      \(EventTime.long(event.time, snapshot: snapshot))",
          "severity  \(event.severity)",
          "kind      \(event.kind.rawValue)",
          "",
        ] + [event.message])
      return
    }
    let failures = snapshot.recentFailures.reversed()
    guard !failures.isEmpty else {
      say(
        "no failures to open (\(context.key(.focusNext)) to the events, then \(context.key(.openDetail)))",
        .info, context)
      return
    }
    var lines: [String] = []
    for failure in failures {
      if !lines.isEmpty { lines.append("") }
      lines.append(
        "\(EventTime.text(failure.time, snapshot: snapshot))  \(failure.workflow) › \(failure.step) on "
          + "\(failure.queue), attempt \(failure.attempt)\(failure.dead ? ", dead-lettered" : "")")
      lines.append(failure.error)
    }
    overlay = .detail(title: "Latest failures, newest first", lines: lines)
  }
}
