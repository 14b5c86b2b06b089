import ExecutionCore

/// One problem in a workflow file: where it is, what is wrong, and how to fix it.
///
/// Messages quote what the file says, and a file may say anything: every control character in
/// the file name, message and hint is written as an escape (`\u{1B}`), so no diagnostic can move
/// the cursor, clear the screen or reorder text when printed to a terminal.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
  /// A 1-based position in a file.
  public struct Location: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, counted in Unicode scalars (as libYAML counts).
    public var column: Int

    /// Creates a location.
    public init(line: Int, column: Int) {
      self.line = line
      self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    /// Earlier in the file first.
    public static func < (lhs: Location, rhs: Location) -> Bool {
      (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
  }

  /// The file as the caller named it (a path, or a built-in workflow's file name).
  public var file: String
  /// Where in the file; nil for problems with the whole file (unreadable, too large, unknown name).
  public var location: Location?
  /// What is wrong.
  public var message: String
  /// How to fix it, as a sentence.
  public var hint: String?

  /// Creates a diagnostic; control characters in the texts are escaped.
  public init(file: String, location: Location?, message: String, hint: String? = nil) {
    self.file = Self.escaped(file)
    self.location = location
    self.message = Self.escaped(message)
    self.hint = hint.map(Self.escaped)
  }

  /// The line, from 1, or nil for whole-file problems.
  public var line: Int? { location?.line }
  /// The column, from 1, or nil for whole-file problems.
  public var column: Int? { location?.column }

  /// `path:line:column: error: message. Hint.` on one line, the way compilers print errors.
  public var description: String {
    let place = location.map { "\(Self.escaped(file)):\($0.line):\($0.column)" } ?? Self.escaped(file)
    var text = "\(place): error: \(Self.escaped(message))"
    if let hint, !hint.isEmpty {
      if let last = text.last, !".!?".contains(last) { text += "." }
      text += " " + Self.escaped(hint)
    }
    return text
  }

  /// `text` with every character a terminal would act on written as a Swift-style escape: C0 and
  /// C1 controls, DEL, and the bidirectional overrides that reorder what follows them.
  public static func escaped(_ text: String) -> String {
    TerminalText.escaped(text, keepingLines: false)
  }
}
