extension BenchSuite {
  /// Every case, in the order it runs. Memory-hungry cases come last so the ones before them are
  /// not measured on top of a grown heap.
  static let cases: [Case] = []
}
