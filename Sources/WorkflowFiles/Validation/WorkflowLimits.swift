/// The sizes `check` and `run` accept, each with the reason for it. A file over a limit is refused
/// with the limit in the message before anything runs: the runtime's memory follows what a file
/// declares (workers, queues, steps), so an unbounded number would be an unbounded allocation.
public enum WorkflowLimits {
  /// The largest workflow file, in bytes (1 MiB): files are written by hand; a bigger one is a
  /// wrong path, and it is refused before it is read.
  public static let fileBytes = SourceText.maximumBytes
  /// Steps in one workflow: each step has its own metrics, history and dashboard row.
  public static let steps = 10_000
  /// Queues declared in one file: each queue has its own workers, metrics and dashboard bar.
  public static let queues = 1_000
  /// Workers of one queue: each worker is a task that lives as long as the run.
  public static let workers = 1_000
  /// Workers of all queues loaded together (`run a.yaml b.yaml`), for the same reason.
  public static let totalWorkers = 10_000
  /// Steps that may wait in one queue: the queue's memory grows with what waits in it.
  public static let capacity = 1_000_000
  /// Attempts of one step (the first try included): backoff doubles with each retry.
  public static let attempts = 100
  /// Runs per second in `load.rate`: above it the arrival clock cannot keep the rate.
  public static let rate = 100_000.0
  /// Any duration (latency, timeout, backoff, kill grace): 24 hours; longer is a mistyped unit.
  public static let duration = Duration.seconds(24 * 3600)
  /// Characters in a workflow name, step id or queue name: they are shown in tables and bars.
  public static let nameLength = 64
  /// A step's `output-limit` (and a simulated `output-size`): 64 MiB. Outputs are held in memory,
  /// and each queued background step holds a copy of the outputs it may read.
  public static let outputLimit = 64 << 20
  /// How deep lists and mappings may nest: the YAML parser's own limit, which keeps a deeply nested
  /// file from exhausting the stack. A workflow file needs six levels.
  public static let nesting = 1_000
}
