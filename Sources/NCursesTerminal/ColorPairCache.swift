/// Colour pairs allocated on demand: each (foreground, background) combination gets a pair
/// number the first time it is drawn and keeps it.
struct ColorPairCache {
  /// A combination of terminal colour numbers; -1 is the terminal's default.
  struct Combination: Hashable {
    var foreground: Int32
    var background: Int32
  }

  /// How many pairs the terminal has (COLOR_PAIRS); pair 0 is fixed to the defaults.
  let capacity: Int
  private var assigned: [Combination: Int32] = [:]
  private var next: Int32 = 1

  init(capacity: Int) { self.capacity = capacity }

  /// How many pairs were allocated.
  var count: Int { assigned.count }

  /// The pair for `combination`, calling `allocate(pair, foreground, background)` for a new one.
  /// When the terminal's pairs run out, or `allocate` fails, pair 0 (the default colours) is used,
  /// so text stays readable instead of turning black on black.
  mutating func pair(
    for combination: Combination, allocate: (Int32, Int32, Int32) -> Bool
  ) -> Int32 {
    if combination.foreground == -1, combination.background == -1 { return 0 }
    if let pair = assigned[combination] { return pair }
    guard Int(next) < capacity,
      allocate(next, combination.foreground, combination.background)
    else { return 0 }
    assigned[combination] = next
    next += 1
    return next - 1
  }
}
