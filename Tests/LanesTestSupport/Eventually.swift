/// Polls `condition` every `interval` until it holds or `limit` passes; returns whether it held.
///
/// For states that tasks or processes reach on their own time: a busy machine can delay them by
/// seconds, so the limit is generous and the test never sleeps a fixed time. A short interval
/// (1 ms) suits in-process state; the 10 ms default suits processes and files.
public func eventually(
  within limit: Duration = .seconds(20), every interval: Duration = .milliseconds(10),
  _ condition: () -> Bool
) async -> Bool {
  let deadline = ContinuousClock.now + limit
  while ContinuousClock.now < deadline {
    if condition() { return true }
    try? await Task.sleep(for: interval)
  }
  return condition()
}
