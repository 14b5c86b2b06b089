/// Everything wrong with one or more workflow files; never empty.
public struct WorkflowFileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The problems, in file order (file by file, then by position).
  public var diagnostics: [Diagnostic]

  /// Creates an error from at least one diagnostic.
  public init(_ diagnostics: [Diagnostic]) {
    precondition(!diagnostics.isEmpty, "an error needs at least one diagnostic")
    self.diagnostics = diagnostics
  }

  /// One diagnostic per line, ready for a terminal.
  public var description: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}
