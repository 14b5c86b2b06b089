extension KeyTable {
  /// The footer's entries that fit in `width` columns, in table order: `label short` pairs.
  ///
  /// Entries are kept by rank (help and quit first) so the footer shortens from its least
  /// useful end; in read-only mode keys that change the runtime are left out. When anything is
  /// left out, the help entry reads `? more`, so every key stays one press away. At narrow widths
  /// each entry shows only its primary key (`t run`, not `t/⏎ run`), so more of them fit.
  public func footerEntries(width: Int, unicode: Bool, readOnly: Bool) -> [String] {
    let eligible = bindings.enumerated().filter { _, binding in
      binding.footerRank != nil && !(readOnly && binding.mutatesRuntime)
    }
    for compact in [false, true] {
      let chosen = choose(eligible, width: width, unicode: unicode, compact: compact)
      if chosen.count == eligible.count || compact { return chosen }
    }
    return []
  }

  private func choose(
    _ eligible: [(offset: Int, element: KeyBinding)], width: Int, unicode: Bool, compact: Bool
  ) -> [String] {
    func text(_ binding: KeyBinding, more: Bool) -> String {
      let label = compact ? binding.primaryKey(unicode: unicode) : binding.label(unicode: unicode)
      return "\(label) \(more && binding.action == .toggleHelp ? "more" : binding.shortDescription)"
    }
    let ranked = eligible.sorted { ($0.element.footerRank!, $0.offset) < ($1.element.footerRank!, $1.offset) }
    var chosen: [(Int, KeyBinding)] = []
    var used = 0
    for (index, binding) in ranked {
      // Reserve room for the longer "more" wording of the help entry.
      let cost = text(binding, more: true).count + (chosen.isEmpty ? 0 : Self.footerSeparator.count)
      guard used + cost <= width else { continue }
      used += cost
      chosen.append((index, binding))
    }
    let more = chosen.count < eligible.count
    return chosen.sorted { $0.0 < $1.0 }.map { text($0.1, more: more) }
  }

  /// Between footer entries.
  public static let footerSeparator = "  "
}
