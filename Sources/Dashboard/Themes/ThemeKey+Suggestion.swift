import ExecutionCore

extension ThemeKey {
  /// The key `name` was probably meant to be, or nil if none is close.
  ///
  /// Close means few edits (a swapped pair counts as one) ignoring case and `-` versus `_`; the
  /// allowance grows with the key's length so `bg` does not match everything.
  static func suggestion(for name: Substring) -> ThemeKey? {
    let typed = name.lowercased().map { $0 == "-" ? "_" : $0 }
    guard !typed.isEmpty, typed.count <= 64 else { return nil }
    var best: (key: ThemeKey, distance: Int)?
    for key in allCases {
      let candidate = Array(key.rawValue)
      let allowed = max(1, candidate.count / 3)
      let distance = editDistance(typed, candidate)
      if distance <= allowed, distance < (best?.distance ?? .max) { best = (key, distance) }
    }
    return best?.key
  }
}
