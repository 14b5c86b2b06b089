/// A run of text in one style.
public struct Span: Sendable, Hashable, ExpressibleByStringLiteral {
  /// The text.
  public var text: String
  /// How it looks.
  public var style: Style

  /// Creates a span.
  public init(_ text: String, style: Style = .plain) {
    self.text = text
    self.style = style
  }

  /// A plain span from a literal.
  public init(stringLiteral value: String) { self.init(value) }
}

/// One row of text made of styled spans.
public struct StyledLine: Sendable, Hashable, ExpressibleByStringLiteral {
  /// The spans, left to right.
  public var spans: [Span]

  /// Creates a line from spans.
  public init(_ spans: [Span]) { self.spans = spans }

  /// Creates a line of one span.
  public init(_ text: String, style: Style = .plain) { spans = [Span(text, style: style)] }

  /// A plain line from a literal.
  public init(stringLiteral value: String) { self.init(value) }

  /// The columns the line takes.
  public var width: Int { spans.reduce(0) { $0 + $1.text.count } }

  /// The text without styles.
  public var plainText: String { spans.map(\.text).joined() }
}
