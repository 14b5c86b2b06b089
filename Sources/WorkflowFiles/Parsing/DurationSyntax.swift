import ExecutionCore

/// Reads a duration as the workflow format writes it, with a specific message for each way it can
/// be wrong. It accepts exactly what `DurationText.parse` accepts (a plain decimal number, spaces
/// allowed before the unit, a lower-case unit), and takes the value from it, so files and command
/// options agree; the checks here only make the refusals precise.
enum DurationSyntax {
  /// Why a text is not a usable duration: the message follows the option's name.
  struct Problem: Error, Equatable {
    /// E.g. `"5MS" has the unit "MS": units are lower case`.
    var message: String
    /// How to fix it.
    var hint: String
  }

  /// The units, as `DurationText` knows them.
  static let units = DurationText.units.map(\.suffix)

  /// The duration `text` means, or the problem with it.
  static func read(_ text: String) -> Result<Duration, Problem> {
    let example = "Write a number and a unit, e.g. 250us, 15ms, 2s or 1m."
    let trimmed = Substring(text).drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace)
    let written = String(trimmed.reversed())
    // The unit is the trailing run of letters; the number is what comes before it.
    let unitStart = written.lastIndex { !$0.isLetter }.map(written.index(after:)) ?? written.startIndex
    let unit = String(written[unitStart...])
    let number = String(written[..<unitStart]).trimmingCharacters(while: \.isWhitespace)
    let unitList = Suggestion.either(units)
    guard !number.isEmpty else {
      return .failure(Problem(message: "must be a duration, got \"\(text)\"", hint: example))
    }
    guard !unit.isEmpty else {
      return .failure(
        Problem(message: "\"\(text)\" has no unit", hint: "Write a unit after the number: \(unitList)."))
    }
    guard units.contains(unit) else {
      if units.contains(unit.lowercased()) {
        return .failure(
          Problem(
            message: "\"\(text)\" has the unit \"\(unit)\": units are written in lower case",
            hint: "Write \(number)\(unit.lowercased())."))
      }
      let guess = Suggestion.didYouMean(unit, in: units).map { $0 + " " } ?? ""
      return .failure(
        Problem(message: "\"\(text)\" has an unknown unit \"\(unit)\"", hint: "\(guess)Units: \(unitList)."))
    }
    let sign = number.first == "-" ? "-" : ""
    let digits = number.first == "-" || number.first == "+" ? String(number.dropFirst()) : number
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
      digits.filter({ $0 == "." }).count <= 1, digits != "."
    else {
      let hint =
        number.contains(where: { $0 == "e" || $0 == "E" })
        ? "Write the number in plain digits, without an exponent, e.g. 1500ms."
        : "Write a plain number before the unit, e.g. 1.5\(unit)."
      return .failure(Problem(message: "\"\(text)\" does not start with a plain number", hint: hint))
    }
    guard sign.isEmpty else {
      return .failure(
        Problem(message: "must be more than zero, got \(text)", hint: "Durations are never negative."))
    }
    let scale = DurationText.units.first { $0.suffix == unit }?.nanoseconds ?? 1
    let nanoseconds = (Double(digits) ?? .infinity) * scale
    let limit = WorkflowLimits.duration
    guard nanoseconds <= limit.nanoseconds else {
      return .failure(
        Problem(
          message: "\(written) is too large: the limit is \(DurationText.format(limit))",
          hint: "Durations in a workflow are at most a day; check the unit."))
    }
    guard let value = try? DurationText.parse(written) else {
      return .failure(Problem(message: "must be a duration, got \"\(text)\"", hint: example))
    }
    guard value > .zero else {
      return .failure(
        Problem(message: "must be more than zero, got \(text)", hint: "Write a positive duration, e.g. 1ms."))
    }
    return .success(value)
  }
}

extension String {
  /// Without leading and trailing characters matching `predicate`.
  fileprivate func trimmingCharacters(while predicate: (Character) -> Bool) -> String {
    guard let first = firstIndex(where: { !predicate($0) }), let last = lastIndex(where: { !predicate($0) })
    else { return "" }
    return String(self[first...last])
  }
}
