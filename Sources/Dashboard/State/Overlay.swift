/// What is drawn over the panels, if anything.
public enum Overlay: Sendable, Hashable {
  /// Nothing.
  case none
  /// Every key, from the key table.
  case help
  /// The side-by-side summary of a finished comparison; stays until dismissed.
  case comparison(ComparisonResult)
  /// A text to read whole (an event, the latest failures), wrapped to the screen.
  case detail(title: String, lines: [String])
}
