/// Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps
/// (`laod` → `load` is one edit). The one implementation behind every "did you mean" in Lanes
/// (workflow files, theme files, names on the command line).
public func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
  for i in 0...a.count { table[i][0] = i }
  for j in 0...b.count { table[0][j] = j }
  for i in 1...a.count {
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      var value = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        value = min(value, table[i - 2][j - 2] + 1)
      }
      table[i][j] = value
    }
  }
  return table[a.count][b.count]
}
