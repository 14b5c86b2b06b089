import ExecutionCore
import Foundation
import StepKinds
import Yams

extension NodeReader {
  /// The units a size may be written in, with their bytes: binary (KiB = 1024) and decimal (KB =
  /// 1000), as people write them.
  static let sizeUnits: [(suffix: String, bytes: Int)] = [
    ("B", 1), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1_000), ("MB", 1_000_000),
    ("GB", 1_000_000_000),
  ]

  /// A size in bytes: a whole number (bytes) or a number and a unit (`256KiB`, `1MiB`, `4KB`, `512B`),
  /// from `minimum` to `maximum` bytes.
  mutating func byteSize(_ node: Node, _ name: String, minimum: Int, maximum: Int) -> Int? {
    let example = "Write a size, e.g. \"\(name): 256KiB\", \"\(name): 1MiB\" or \"\(name): 4096\" (bytes)."
    guard case .scalar(let scalar) = node, !isNull(node) else {
      report(at: node, "\(name) must be a size in bytes, got \(describe(node))", hint: example)
      return nil
    }
    let written = scalar.string.replacingUnderscores().trimmingCharacters(in: .whitespaces)
    let unitStart = written.lastIndex { !$0.isLetter }.map(written.index(after:)) ?? written.startIndex
    let unitText = String(written[unitStart...])
    let number = String(written[..<unitStart]).trimmingCharacters(in: .whitespaces)
    let units = Self.sizeUnits.map(\.suffix)
    guard !number.isEmpty else {
      report(at: node, "\(name) must be a size in bytes, got \(describe(node))", hint: example)
      return nil
    }
    var scale = 1
    if !unitText.isEmpty {
      guard let unit = Self.sizeUnits.first(where: { $0.suffix == unitText }) else {
        let guess =
          Self.sizeUnits.first { $0.suffix.lowercased() == unitText.lowercased() }.map {
            "Did you mean \(number)\($0.suffix)? "
          } ?? ""
        report(
          at: node, "\(name) \(scalar.string) has an unknown unit \"\(unitText)\"",
          hint: "\(guess)Units: \(Suggestion.list(units)); KiB is 1024 bytes, KB is 1000.")
        return nil
      }
      scale = unit.bytes
    }
    guard number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
      number.filter({ $0 == "." }).count <= 1,
      number != ".", let value = Double(number)
    else {
      let hint =
        number.hasPrefix("-")
        ? "A size is never negative." : "Write a plain number before the unit, e.g. 64KiB."
      report(at: node, "\(name) must be a size in bytes, got \(describe(node))", hint: hint)
      return nil
    }
    let bytes = value * Double(scale)
    guard bytes.rounded() == bytes else {
      report(
        at: node, "\(name) \(scalar.string) is not a whole number of bytes",
        hint: "Write it in a smaller unit, e.g. \(Int(bytes.rounded()))B.")
      return nil
    }
    guard bytes >= Double(minimum) else {
      report(
        at: node, "\(name) \(scalar.string) is too small: it must be at least \(Self.sizeText(minimum))",
        hint: example)
      return nil
    }
    guard bytes <= Double(maximum) else {
      report(
        at: node, "\(name) \(scalar.string) is too large: the limit is \(Self.sizeText(maximum))",
        hint: "Step data is held in memory (and copied for each queued background step): keep it small.")
      return nil
    }
    return Int(bytes)
  }

  /// `1 MiB`, `256 KiB` or `700 bytes`, as a size is best read.
  static func sizeText(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return bytes == 1 ? "1 byte" : "\(bytes) bytes"
  }

  /// Reads a text with references in it (`${input.id}`), reporting a malformed one at its own column
  /// when the scalar is on one line; the references are kept, with the node, for `checkReferences`.
  mutating func dataTemplate(_ node: Node, _ text: String, _ name: String) -> DataTemplate? {
    do {
      let template = try DataTemplate(parsing: text)
      for reference in template.references { pendingReferences.append((reference, node, name)) }
      return template
    } catch {
      diagnostics.append(
        Diagnostic(
          file: file, location: location(of: node, characterOffset: error.offset),
          message: "\(name): \(error.message)", hint: error.hint))
      return nil
    }
  }

  /// The position of character `offset` of a scalar written on one line (plain or quoted); the
  /// scalar's own position otherwise (block scalars, escapes before it).
  func location(of node: Node, characterOffset offset: Int) -> Diagnostic.Location {
    let start = location(of: node)
    guard case .scalar(let scalar) = node, !scalar.string.contains("\n") else { return start }
    switch scalar.style {
    case .plain: return Diagnostic.Location(line: start.line, column: start.column + offset)
    case .singleQuoted where !scalar.string.contains("'"):
      return Diagnostic.Location(line: start.line, column: start.column + 1 + offset)
    case .doubleQuoted where !scalar.string.contains(where: { $0 == "\\" || $0 == "\"" }):
      return Diagnostic.Location(line: start.line, column: start.column + 1 + offset)
    default: return start
    }
  }
}

extension NodeReader {
  /// The value of `key` in a mapping node, if it is one and has it.
  func child(_ node: Node, _ key: String) -> Node? {
    guard case .mapping(let mapping) = node else { return nil }
    return mapping[key]
  }
}
