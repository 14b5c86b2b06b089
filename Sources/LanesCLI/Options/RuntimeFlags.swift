import ArgumentParser
import ExecutionCore

/// The runtime's flags that `run`, `dashboard`, `compare`, `call` and `serve` share, written once.
/// Kept optional so a command can tell a flag given from its default (`dashboard --connect` refuses
/// them: it runs no runtime of its own).
struct RuntimeFlags: ParsableArguments {
  @Option(
    name: .customLong("seed"), parsing: .unconditional,
    help: "Seed for simulated latencies, failures and arrivals (default: 1).", transform: OptionParsing.seed)
  var givenSeed: UInt64?

  @Option(
    name: .customLong("background-share"),
    help: """
      Share of a core a starved background thread gets while other programs keep the CPU busy, \
      0 to 0.5 (0: none; default: 0.25).
      """,
    transform: OptionParsing.backgroundShare)
  var givenBackgroundShare: Double?

  /// The seed (1 unless given).
  var seed: UInt64 { givenSeed ?? 1 }

  /// The background share (`BackgroundShare.defaultShare` unless given).
  var backgroundShare: Double { givenBackgroundShare ?? BackgroundShare.defaultShare }

  /// The flags given on the command line, as written there.
  var given: [String] {
    (givenSeed == nil ? [] : ["--seed"]) + (givenBackgroundShare == nil ? [] : ["--background-share"])
  }
}
