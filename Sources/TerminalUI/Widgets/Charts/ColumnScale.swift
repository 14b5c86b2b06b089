/// Turns values into column heights in eighths of a cell, shared by sparklines and graphs.
enum ColumnScale {
  /// The height of `value` in eighths for a column of `rows` rows whose top is `maximum`.
  ///
  /// Any positive value gets at least one eighth, so a small non-zero value never looks like
  /// zero; NaN and negatives are zero; values above `maximum` fill the column.
  static func eighths(_ value: Double, maximum: Double, rows: Int) -> Int {
    guard rows > 0, value.isFinite, value > 0, maximum > 0 else { return 0 }
    let full = rows * 8
    // Clamp before converting: a huge ratio would overflow `Int`.
    let scaled = min(Double(full), (value / maximum * Double(full)).rounded())
    return max(1, Int(scaled))
  }

  /// The eighths shown in row `row` (0 = bottom) of a column that is `eighths` high.
  static func eighths(inRow row: Int, of eighths: Int) -> Int {
    min(8, max(0, eighths - row * 8))
  }

  /// The largest finite value, or zero.
  static func maximum<S: Sequence<Double>>(_ values: S) -> Double {
    values.reduce(0) { $1.isFinite ? max($0, $1) : $0 }
  }

  /// A round number at or above `value` (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten), so axis labels read
  /// well; zero or less stays as it is.
  static func niceCeiling(_ value: Double) -> Double {
    guard value.isFinite, value > 0 else { return value.isFinite ? value : 0 }
    var power = 1.0
    while power * 10 <= value { power *= 10 }
    while power > value { power /= 10 }
    for step in [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] where step * power >= value * (1 - 1e-12)
    {
      return step * power
    }
    return 10 * power
  }
}
