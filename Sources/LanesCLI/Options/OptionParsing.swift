import ArgumentParser
import ExecutionCore

/// Parsers for option values, each failing with a message that names the fix.
enum OptionParsing {
  /// A duration such as `30s`; zero and negative durations are refused.
  static func positiveDuration(_ text: String) throws -> Duration {
    let duration: Duration
    do {
      duration = try DurationText.parse(text)
    } catch .negative {
      // Not the parser's "zero or more": zero is refused here too.
      throw ValidationError("'\(text)' is negative: give a duration greater than zero, e.g. 30s")
    } catch {
      throw ValidationError("\(error.description)")
    }
    guard duration > .zero else {
      throw ValidationError("'\(text)' is zero: give a duration greater than zero, e.g. 30s")
    }
    return duration
  }

  /// A rate in runs per second, greater than zero and finite.
  static func rate(_ text: String) throws -> Double {
    guard let value = Double(text.trimmingCharacters(in: " ")), value.isFinite else {
      throw ValidationError("'\(text)' is not a rate: give runs per second as a number, e.g. --rate 20")
    }
    guard value > 0 else {
      throw ValidationError("'\(text)' is not a usable rate: it must be greater than 0 runs per second")
    }
    guard value <= 100_000 else {
      throw ValidationError("'\(text)' runs per second is more than Lanes generates (at most 100000)")
    }
    return value
  }

  /// A background share: a fraction of a core from 0 to 0.5 (`RuntimeOptions.backgroundShare`).
  static func backgroundShare(_ text: String) throws -> Double {
    guard let value = Double(text.trimmingCharacters(in: " ")), value.isFinite, value >= 0,
      value <= BackgroundShare.maximum
    else {
      throw ValidationError(
        "'\(text)' is not a background share: give a fraction of a core from 0 (background work waits while other programs are busy) to 0.5, e.g. --background-share 0.25"
      )
    }
    return value
  }

  /// A percentage from 0 to 100, with or without a trailing `%`.
  static func percent(_ text: String) throws -> Double {
    var trimmed = text.trimmingCharacters(in: " ")
    if trimmed.hasSuffix("%") { trimmed.removeLast() }
    guard let value = Double(trimmed), value.isFinite, value >= 0, value <= 100 else {
      throw ValidationError(
        "'\(text)' is not a percentage: give a number from 0 to 100, e.g. --max-failed 5 (0: any failure)")
    }
    return value
  }

  /// A count of runs, at least 1.
  static func runCount(_ text: String) throws -> Int {
    guard let value = Int(text.trimmingCharacters(in: " ")), value >= 1 else {
      throw ValidationError(
        "'\(text)' is not a number of runs: give a whole number of at least 1, e.g. --runs 200")
    }
    return value
  }

  /// A seed: any unsigned 64-bit integer.
  static func seed(_ text: String) throws -> UInt64 {
    guard let value = UInt64(text.trimmingCharacters(in: " ")) else {
      throw ValidationError("'\(text)' is not a seed: give a whole number from 0 to \(UInt64.max)")
    }
    return value
  }
}

extension ExecutionMode: ExpressibleByArgument {
  public init?(argument: String) {
    self.init(rawValue: argument.lowercased())
  }

  public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension String {
  func trimmingCharacters(in set: Character) -> String {
    var slice = Substring(self)
    while slice.first == set { slice.removeFirst() }
    while slice.last == set { slice.removeLast() }
    return String(slice)
  }
}
