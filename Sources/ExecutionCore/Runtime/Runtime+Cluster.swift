/// What a runtime on a shared store keeps about the cluster.
struct ClusterLink: Sendable {
  /// The cluster as last read (nil: not read yet, or the store is not shared).
  var view: ClusterSnapshot?
  /// The queues the store had paused at the last read (at open before the first): a pause is adopted when
  /// the store's flag changes, so this node's own pause, sent to the store a moment ago, is never
  /// undone by a read that came before it arrived.
  var storePaused: Set<String>?
}

extension Runtime {
  /// True when the runtime's store is shared by several processes (`ClusterStore`): its snapshot
  /// then has a `cluster` section, and its queue figures are the whole cluster's.
  public var isClusterNode: Bool { store is any ClusterStore }

  /// How often a node publishes its report and reads the cluster.
  static let clusterInterval: Duration = .seconds(1)

  /// The task that publishes this node's report and reads the cluster's, when `store` is shared
  /// by several processes (nil otherwise). Cancelled with the store's other tasks. `pausedAtOpen`
  /// are the queues the store had paused when it opened (and this node adopted then).
  func clusterTask(_ store: any StepStore, pausedAtOpen: [String]) -> Task<Void, Never>? {
    guard let cluster = store as? any ClusterStore else { return nil }
    clusterLink.withLock { $0.storePaused = Set(pausedAtOpen) }
    // Holds the runtime only while it refreshes: a runtime dropped without `shutdown` goes away.
    return Task { [weak self] in
      while !Task.isCancelled {
        guard let self else { return }
        await self.refreshCluster(cluster)
        try? await Task.sleep(for: Self.clusterInterval)
      }
    }
  }

  /// Publishes this node's report, reads every node's, and adopts pauses made by other nodes.
  func refreshCluster(_ store: any ClusterStore) async {
    var problem: String?
    do {
      try await store.publish(nodeReport())
    } catch {
      problem = "publishing this node's report failed: \(error)"
    }
    do {
      let records = try await store.clusterNodes()
      let view = Self.clusterView(
        records, me: store.clusterNodeID, lostAfter: store.lostAfter, problem: problem)
      let before = clusterLink.withLock { link in
        defer { link.view = view }
        return link.view
      }
      if let before { announceChanges(from: before, to: view) }
    } catch {
      clusterLink.withLock { link in
        link.view?.problem = "reading the cluster failed: \(error)"
      }
    }
    if let paused = try? await store.pausedQueues() { adoptStorePauses(paused) }
  }

  /// What this node tells the others: its run rate, workers and critical-path latency.
  func nodeReport() -> NodeReport {
    let snapshot = snapshot()
    var criticalPath: [String: [StatsWindow: LatencyBuckets]] = [:]
    for window in StatsWindow.allCases {
      for (workflow, buckets) in criticalPathBuckets(window) where buckets.count > 0 {
        criticalPath[workflow, default: [:]][window] = buckets
      }
    }
    let lastMinute = criticalPath.values.compactMap { $0[.last1m] }
    let p99 = (try? LatencyBuckets.merged(lastMinute).summary()).flatMap { $0.count > 0 ? $0.p99 : nil }
    return NodeReport(
      runsPerSecond: snapshot.workflows.reduce(0) { $0 + $1.startedPerSecond },
      busyWorkers: snapshot.queues.reduce(0) { $0 + $1.busyWorkers },
      workers: snapshot.queues.reduce(0) { $0 + $1.workers }, criticalPathP99: p99,
      criticalPath: criticalPath)
  }

  /// The cluster as `records` have it, seen from node `me`: liveness, whether each runs this
  /// node's workflows, and critical-path latency merged across the live nodes' reports (what the
  /// snapshot's `cluster` section is made from; public for tools reading a store directly).
  public static func clusterView(
    _ records: [ClusterNodeRecord], me: String, lostAfter: Duration, problem: String? = nil
  ) -> ClusterSnapshot {
    let mine = records.first { $0.id == me }?.workflows
    var problems: [String] = problem.map { [$0] } ?? []
    var parts: [String: [StatsWindow: [LatencyBuckets]]] = [:]
    var nodes: [ClusterNodeSnapshot] = []
    for record in records {
      let alive = record.heartbeatAge <= lostAfter
      let report = record.report
      nodes.append(
        ClusterNodeSnapshot(
          id: record.id, address: record.address, isSelf: record.id == me, uptime: record.uptime,
          heartbeatAge: record.heartbeatAge, alive: alive,
          // An empty fingerprint is unknown (a row a store re-created), not a different set.
          sameWorkflows: mine == nil || record.workflows.isEmpty || record.workflows == mine,
          reported: report != nil,
          runsPerSecond: report?.runsPerSecond ?? 0, busyWorkers: report?.busyWorkers ?? 0,
          workers: report?.workers ?? 0, criticalPathP99: report?.criticalPathP99))
      guard alive, let report else { continue }
      for (workflow, windows) in report.criticalPath {
        for (window, buckets) in windows {
          parts[workflow, default: [:]][window, default: []].append(buckets)
        }
      }
    }
    var criticalPath: [String: [StatsWindow: LatencySummary]] = [:]
    var all: [StatsWindow: [LatencyBuckets]] = [:]
    for (workflow, windows) in parts {
      for (window, buckets) in windows {
        do {
          let merged = try LatencyBuckets.merged(buckets)
          criticalPath[workflow, default: [:]][window] = try merged.summary()
          all[window, default: []].append(merged)
        } catch {
          problems.append("\(workflow) \(window.label): \(error)")
        }
      }
    }
    var criticalPathAll: [StatsWindow: LatencySummary] = [:]
    for (window, buckets) in all {
      criticalPathAll[window] = try? LatencyBuckets.merged(buckets).summary()
    }
    return ClusterSnapshot(
      nodeID: me, nodes: nodes, lostAfter: lostAfter, criticalPath: criticalPath,
      criticalPathAll: criticalPathAll,
      problem: problems.isEmpty ? nil : problems.sorted().joined(separator: "; "))
  }

  /// Says in the event log which nodes joined, came back, left or were lost since the last read.
  func announceChanges(from before: ClusterSnapshot, to after: ClusterSnapshot) {
    let old = Dictionary(before.nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let new = Set(after.nodes.map(\.id))
    for node in after.nodes where !node.isSelf {
      let workflows = node.sameWorkflows ? "" : "; it runs other workflows than this node (check its files)"
      switch (old[node.id], node.alive) {
      case (nil, _):
        event(
          node.sameWorkflows ? .info : .warning, .nodeJoined,
          "node \(node.label) joined the cluster\(workflows)")
      case (let was?, false) where was.alive:
        event(
          .warning, .nodeLost,
          "node \(node.label) lost: no heartbeat for \(DurationText.format(node.heartbeatAge)) "
            + "(its running steps return to their queues as their leases expire)")
      case (let was?, true) where !was.alive:
        event(.info, .nodeJoined, "node \(node.label) is back (heartbeat again)")
      default: break
      }
    }
    for node in before.nodes where !node.isSelf && !new.contains(node.id) {
      event(.info, .nodeLeft, "node \(node.label) left the cluster")
    }
  }

  /// Pauses and resumes made through other nodes (the store's flag changed since the last read)
  /// are shown here too: the store already stopped this node's claims, this says so.
  func adoptStorePauses(_ paused: Set<String>) {
    let changed = clusterLink.withLock { link -> [(String, Bool)] in
      defer { link.storePaused = paused }
      // Before the first read: what `openStore` adopted.
      let before = link.storePaused ?? paused
      return queues.map(\.definition.name).compactMap { name in
        paused.contains(name) == before.contains(name) ? nil : (name, paused.contains(name))
      }
    }
    for (name, pause) in changed {
      guard let q = queueIndex[name] else { continue }
      if pause {
        guard let state = queues[q].pause() else { continue }
        event(.info, .queuePausing, "\(name): pausing (paused for every node, through the store)")
        if state == .paused { event(.info, .queuePaused, "\(name): paused (no step running)") }
      } else if queues[q].resume() {
        event(.info, .queueResumed, "\(name): resumed (for every node, through the store)")
      }
    }
  }
}
