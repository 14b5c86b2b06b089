/// The dashboard's panels between the header and the status line.
public enum PanelKind: String, Sendable, Hashable, CaseIterable {
  /// Per-workflow state, rates and latency percentiles.
  case workflows
  /// Critical-path p50/p99 over time for the selected workflow.
  case latency
  /// The latest run of the selected workflow, step by step on one time axis.
  case waterfall
  /// Per-queue depth, workers, wait and run times.
  case queues
  /// Background outcomes and the latest failures.
  case outcomes
  /// The event log.
  case events
  /// The nodes of the cluster (only when the runtime's store is shared by several processes).
  case nodes
}
