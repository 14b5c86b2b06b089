import Histogram

extension Runtime {
  /// Each workflow's critical-path latency over `window`, by workflow name, as buckets that merge
  /// with other runtimes' (`LatencyBuckets.merged`): the same values the snapshot's percentiles
  /// summarise (runs under a comparison left out), but exact as of now.
  ///
  /// Not free: it merges up to 31 histograms per workflow for the longest window (a few
  /// microseconds each), so a server computes it only when asked (`?histograms=1`).
  public func criticalPathBuckets(_ window: StatsWindow) -> [String: LatencyBuckets] {
    let now = nowNs
    let second = second(now)
    var result: [String: LatencyBuckets] = [:]
    for workflow in workflows {
      // The slots are copied under the lock (they share storage) and merged outside it.
      let slots = workflow.metrics.withLock {
        $0.criticalPathWindows.slots(window, second: second, nowNs: now)
      }
      let recorded = slots.histograms.filter { $0.totalCount > 0 }
      var merged = recorded.first
      for other in recorded.dropFirst() { merged!.add(other) }
      result[workflow.name] = LatencyBuckets(merged)
    }
    return result
  }

  /// How old the snapshot's percentiles may be (`RuntimeOptions.snapshotRefreshInterval`): a
  /// server may reuse an encoded snapshot for as long.
  public var snapshotRefreshInterval: Duration { options.snapshotRefreshInterval }

  /// Every workflow's critical-path buckets over every window, as `?histograms=1` serves them.
  public func snapshotHistograms() -> SnapshotHistograms {
    var criticalPath: [String: [StatsWindow: LatencyBuckets]] = [:]
    for window in StatsWindow.allCases {
      for (workflow, buckets) in criticalPathBuckets(window) {
        criticalPath[workflow, default: [:]][window] = buckets
      }
    }
    return SnapshotHistograms(criticalPath: criticalPath)
  }
}
