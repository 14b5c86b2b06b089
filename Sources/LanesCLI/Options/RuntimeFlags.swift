import ArgumentParser
import ExecutionCore

/// The runtime's flags that `run`, `dashboard` and `compare` share, written once.
struct RuntimeFlags: ParsableArguments {
  @Option(
    parsing: .unconditional, help: "Seed for simulated latencies, failures and arrivals (default: 1).",
    transform: OptionParsing.seed)
  var seed: UInt64 = 1

  @Option(
    help: """
      Share of a core a starved background thread gets while other programs keep the CPU busy, \
      0 to 0.5 (0: none; default: 0.25).
      """,
    transform: OptionParsing.backgroundShare)
  var backgroundShare: Double = BackgroundShare.defaultShare
}
