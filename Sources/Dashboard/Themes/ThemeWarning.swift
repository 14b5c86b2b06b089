/// One problem found in a theme file: where it is, what is wrong, and how to fix it.
///
/// Printed as `path:line: problem; fix`, or `path: problem; fix` for problems with the whole file.
public struct ThemeWarning: Sendable, Hashable, CustomStringConvertible {
  /// The file as the user named it (or as the search path found it).
  public var path: String
  /// The 1-based line, or nil when the whole file is at fault.
  public var line: Int?
  /// What is wrong.
  public var problem: String
  /// What to do about it.
  public var fix: String

  /// Creates a warning.
  public init(path: String, line: Int?, problem: String, fix: String) {
    self.path = path
    self.line = line
    self.problem = problem
    self.fix = fix
  }

  /// `path:line: problem; fix`.
  public var description: String {
    let place = line.map { "\(path):\($0)" } ?? path
    return "\(place): \(problem); \(fix)"
  }
}
