/// The panels that take focus; the arrows and j/k act on the focused one.
public enum FocusPanel: String, Sendable, Hashable, CaseIterable {
  /// The workflow table: selects the workflow the graph, waterfall and workflow keys act on.
  case workflows
  /// The queue table: selects the queue that P and r act on.
  case queues
  /// The event log: the arrows scroll it.
  case events
}
