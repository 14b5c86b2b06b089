/// Why runs of a workflow failed: the blocking step that failed and its error, with how many runs
/// failed that way. Errors of one shape (the same text but for its numbers: attempt counts,
/// durations, pids) count together; `error` is the first message seen of that shape.
public struct FailureCause: Sendable, Hashable, Codable {
  /// The failing step's id; `FailureCause.otherStep` for the failures beyond the kinds kept.
  public var step: String
  /// The first error message of this shape.
  public var error: String
  /// Runs that failed this way.
  public var count: Int

  /// The step of the entry that counts failures of kinds beyond `FailureCauses.capacity`.
  public static let otherStep = "*"

  /// Creates a cause.
  public init(step: String, error: String, count: Int) {
    self.step = step
    self.error = error
    self.count = count
  }
}

/// The failure causes of one workflow, bounded: a workflow whose errors all differ (each names a
/// request id, say) keeps `capacity` kinds and counts the rest together, so memory stays fixed.
struct FailureCauses: Sendable {
  /// Kinds kept; further kinds count in `other`.
  static let capacity = 32

  struct Key: Hashable {
    var step: Int
    var shape: String
  }

  struct Entry {
    var order: Int
    var example: String
    var count: Int
  }

  private var entries: [Key: Entry] = [:]
  private var other = 0

  /// Counts one failed run: step `step` (by index) failed with `error`.
  mutating func record(step: Int, error: String) {
    let key = Key(step: step, shape: Self.shape(of: error))
    if entries[key] != nil {
      entries[key]!.count += 1
    } else if entries.count < Self.capacity {
      entries[key] = Entry(order: entries.count, example: error, count: 1)
    } else {
      other += 1
    }
  }

  /// The causes, most frequent first (first seen first among equals); `stepID` names a step by index.
  func causes(stepID: (Int) -> String) -> [FailureCause] {
    var list = entries.sorted { ($0.value.count, -$0.value.order) > ($1.value.count, -$1.value.order) }
      .map { FailureCause(step: stepID($0.key.step), error: $0.value.example, count: $0.value.count) }
    if other > 0 {
      list.append(
        FailureCause(
          step: FailureCause.otherStep,
          error: "other errors (beyond the \(Self.capacity) kinds kept)", count: other))
    }
    return list
  }

  var isEmpty: Bool { entries.isEmpty }

  /// `error` with every run of digits as `#`: messages that differ only in their numbers are one kind.
  static func shape(of error: String) -> String {
    var out = ""
    out.reserveCapacity(error.utf8.count)
    var inDigits = false
    for scalar in error.unicodeScalars {
      if scalar.properties.numericType == .decimal {
        if !inDigits { out.append("#") }
        inDigits = true
      } else {
        out.unicodeScalars.append(scalar)
        inDigits = false
      }
    }
    return out
  }
}
