/// The characters widgets draw with: a Unicode set and an ASCII fallback for terminals without UTF-8.
public struct Glyphs: Sendable, Hashable {
  /// The eight characters of a rectangle's border.
  public struct Border: Sendable, Hashable {
    /// `┌`
    public var topLeft: Character
    /// `┐`
    public var topRight: Character
    /// `└`
    public var bottomLeft: Character
    /// `┘`
    public var bottomRight: Character
    /// `─`
    public var horizontal: Character
    /// `│`
    public var vertical: Character
    /// `├`, where a divider meets the left side.
    public var teeLeft: Character
    /// `┤`, where a divider meets the right side.
    public var teeRight: Character

    /// Creates a border set from eight characters in the order of the properties.
    public init(_ characters: String) {
      let c = Array(characters)
      precondition(c.count == 8, "a border set has eight characters")
      (topLeft, topRight, bottomLeft, bottomRight) = (c[0], c[1], c[2], c[3])
      (horizontal, vertical, teeLeft, teeRight) = (c[4], c[5], c[6], c[7])
    }
  }

  /// True for the Unicode set.
  public var isUnicode: Bool
  /// An unfocused panel's border.
  public var border: Border
  /// A focused panel's border: heavier, so focus shows without colour.
  public var focusedBorder: Border
  /// Vertical fill levels, index 0 (empty) to 8 (full cell): ` ▁▂▃▄▅▆▇█`.
  public var verticalBlocks: [Character]
  /// Horizontal fill levels from the left, index 0 (empty) to `horizontalSteps` (full cell).
  public var horizontalBlocks: [Character]
  /// How many steps one cell has horizontally: 8 with Unicode (`▏▎▍▌▋▊▉█`), 1 in ASCII (`#`).
  public var horizontalSteps: Int
  /// Marks text that was cut short: `…` or `~`.
  public var ellipsis: String
  /// Points at the selected row: `▶` or `>`.
  public var selectionMarker: Character
  /// Up arrow: `▲` or `^`.
  public var arrowUp: Character
  /// Down arrow: `▼` or `v`.
  public var arrowDown: Character
  /// A solid vertical marker line: `│` or `|`.
  public var markerLine: Character
  /// A dotted vertical marker line, for events in a graph: `┊` or `:`.
  public var dottedLine: Character
  /// The y axis of a graph: `│` or `|`.
  public var axisVertical: Character
  /// A labelled tick on the y axis: `┤` or `+`.
  public var axisTick: Character
  /// Shown at the end of a bar whose values exceed its capacity: `▸` or `>`.
  public var overflow: Character
  /// A light shade, for free capacity or placeholders: `·` or `.`.
  public var lightShade: Character

  /// Box drawing and block elements.
  public static let unicode = Glyphs(
    isUnicode: true,
    border: Border("┌┐└┘─│├┤"),
    focusedBorder: Border("┏┓┗┛━┃┣┫"),
    verticalBlocks: Array(" ▁▂▃▄▅▆▇█"),
    horizontalBlocks: Array(" ▏▎▍▌▋▊▉█"),
    horizontalSteps: 8,
    ellipsis: "…",
    selectionMarker: "▶",
    arrowUp: "▲",
    arrowDown: "▼",
    markerLine: "│",
    dottedLine: "┊",
    axisVertical: "│",
    axisTick: "┤",
    overflow: "▸",
    lightShade: "·"
  )

  /// Plain ASCII for terminals without UTF-8.
  public static let ascii = Glyphs(
    isUnicode: false,
    border: Border("++++-|++"),
    focusedBorder: Border("####=|##"),
    verticalBlocks: Array(" ..:-=+*#"),
    horizontalBlocks: [" ", "#"],
    horizontalSteps: 1,
    ellipsis: "~",
    selectionMarker: ">",
    arrowUp: "^",
    arrowDown: "v",
    markerLine: "|",
    dottedLine: ":",
    axisVertical: "|",
    axisTick: "+",
    overflow: ">",
    lightShade: "."
  )

  /// The set a terminal with `capabilities` can show.
  public static func forCapabilities(_ capabilities: TerminalCapabilities) -> Glyphs {
    capabilities.unicode ? .unicode : .ascii
  }

  /// The set for `unicode` (true) or ASCII (false).
  public static func forUnicode(_ unicode: Bool) -> Glyphs { unicode ? .unicode : .ascii }

  /// The border for a focused or unfocused panel.
  public func border(focused: Bool) -> Border { focused ? focusedBorder : border }

  /// The vertical block for a fill of `eighths` (clamped to 0...8).
  public func verticalBlock(eighths: Int) -> Character {
    verticalBlocks[min(8, max(0, eighths))]
  }
}
