/// Maps theme colours to what a terminal can show. Pure, so every rule is tested without a terminal.
public enum ColorMapping {
  /// The six levels of each axis of the xterm 6x6x6 colour cube (indices 16...231).
  static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

  /// xterm's default values for the 16 ANSI colours, the palette most terminals start from.
  static let ansiPalette: [(Int, Int, Int)] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
  ]

  /// The nearest colour of the xterm 256-colour palette (cube 16...231 or grey ramp 232...255).
  ///
  /// The first 16 entries are skipped on purpose: terminals let users redefine them, so only the
  /// cube and the ramp have known values.
  public static func xterm256Index(red: UInt8, green: UInt8, blue: UInt8) -> Int {
    let (r, g, b) = (Int(red), Int(green), Int(blue))
    let (cr, cg, cb) = (cubeStep(r), cubeStep(g), cubeStep(b))
    let cube = (cubeLevels[cr], cubeLevels[cg], cubeLevels[cb])
    let cubeIndex = 16 + 36 * cr + 6 * cg + cb
    if cube == (r, g, b) { return cubeIndex }
    let average = (r + g + b) / 3
    let greyStep = average > 238 ? 23 : max(0, (average - 3) / 10)
    let grey = 8 + 10 * greyStep
    let cubeDistance = squaredDistance((r, g, b), cube)
    let greyDistance = squaredDistance((r, g, b), (grey, grey, grey))
    return greyDistance < cubeDistance ? 232 + greyStep : cubeIndex
  }

  /// The nearest of the first `count` ANSI colours (8 or 16), by the "redmean" weighted distance,
  /// which follows the eye better than plain RGB distance at low cost.
  public static func ansiIndex(red: UInt8, green: UInt8, blue: UInt8, count: Int = 16) -> Int {
    let limit = count >= 16 ? 16 : 8
    var best = 0
    var bestDistance = Int.max
    for index in 0..<limit {
      let distance = redmeanDistance((Int(red), Int(green), Int(blue)), ansiPalette[index])
      if distance < bestDistance {
        best = index
        bestDistance = distance
      }
    }
    return best
  }

  /// The terminal colour number for `color` at `depth`, or nil for the terminal's own colour
  /// (always nil in monochrome). `colors` is the terminal's colour count (COLORS), which tells
  /// 8 from 16 ANSI colours.
  ///
  /// In true colour the number is `0xRRGGBB`, as ncurses' direct-colour terminfo entries expect;
  /// those entries read numbers below 8 as ANSI colours, so such near-blacks become `0x000008`.
  public static func terminalColor(_ color: Color, depth: ColorDepth, colors: Int = 256) -> Int? {
    guard case .rgb(let red, let green, let blue) = color else { return nil }
    switch depth {
    case .monochrome:
      return nil
    case .ansi16:
      return ansiIndex(red: red, green: green, blue: blue, count: colors)
    case .palette256:
      return xterm256Index(red: red, green: green, blue: blue)
    case .trueColor:
      return max(8, Int(red) << 16 | Int(green) << 8 | Int(blue))
    }
  }

  /// The attributes to show `style` with when no colour can be shown.
  ///
  /// A coloured background lighter than its text marks a highlight (a selected row, a status
  /// bar); reverse video keeps it visible once the colours are gone. Everything else keeps its
  /// own attributes, which is why themes must carry meaning in bold/reverse/underline too.
  public static func monochromeAttributes(for style: Style) -> Attributes {
    guard case .rgb = style.background else { return style.attributes }
    let midGrey = 0.5
    let background = luminance(style.background) ?? midGrey
    let foreground = luminance(style.foreground) ?? midGrey
    return background > foreground ? style.attributes.union(.reverse) : style.attributes
  }

  /// Relative luminance in 0...1 (Rec. 709 weights), nil for the terminal default.
  static func luminance(_ color: Color) -> Double? {
    guard case .rgb(let r, let g, let b) = color else { return nil }
    return (0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)) / 255
  }

  private static func cubeStep(_ value: Int) -> Int {
    if value < 48 { return 0 }
    if value < 115 { return 1 }
    return (value - 35) / 40
  }

  private static func squaredDistance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
    let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
    return dr * dr + dg * dg + db * db
  }

  private static func redmeanDistance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
    let meanRed = (a.0 + b.0) / 2
    let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
    // Parenthesised: in Swift `>>` binds tighter than `*`.
    return (((512 + meanRed) * dr * dr) >> 8) + 4 * dg * dg + (((767 - meanRed) * db * db) >> 8)
  }
}

extension ColorDepth {
  /// The depth to use for a terminal with `colors` colours (COLORS), given whether it has colour
  /// at all (`has_colors()`) and the value of `NO_COLOR` (no-color.org: present and non-empty
  /// means no colour).
  public static func detect(colors: Int, hasColors: Bool, noColor: String?) -> ColorDepth {
    if let noColor, !noColor.isEmpty { return .monochrome }
    guard hasColors, colors >= 8 else { return .monochrome }
    if colors > 256 { return .trueColor }
    if colors >= 256 { return .palette256 }
    return .ansi16
  }
}
