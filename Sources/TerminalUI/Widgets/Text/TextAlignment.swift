/// Where text sits in a wider space.
public enum TextAlignment: Sendable, Hashable {
  /// Flush left, padded on the right.
  case left
  /// Flush right, padded on the left (numbers).
  case right
  /// Centred; an odd leftover column goes to the right.
  case center
}
