extension KeyTable {
  /// The footer's entries that fit in `width` columns, in table order: `label short` pairs.
  ///
  /// Entries are kept by rank (help and quit first) so the footer shortens from its least
  /// useful end; in read-only mode keys that change the runtime are left out.
  public func footerEntries(width: Int, unicode: Bool, readOnly: Bool) -> [String] {
    let candidates = bindings.enumerated().compactMap { index, binding -> (Int, Int, String)? in
      guard let rank = binding.footerRank, !(readOnly && binding.mutatesRuntime) else { return nil }
      return (rank, index, "\(binding.label(unicode: unicode)) \(binding.shortDescription)")
    }
    var chosen: [(Int, String)] = []
    var used = 0
    for (_, index, text) in candidates.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
      let cost = text.count + (chosen.isEmpty ? 0 : Self.footerSeparator.count)
      guard used + cost <= width else { continue }
      used += cost
      chosen.append((index, text))
    }
    return chosen.sorted { $0.0 < $1.0 }.map(\.1)
  }

  /// Between footer entries.
  public static let footerSeparator = "  "
}
