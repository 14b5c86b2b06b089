import CNcursesw
import TerminalUI

/// What one `wget_wch` result means, as a pure function of its status and code.
public enum NCursesKeyMap {
  /// The result of one read.
  public enum Reading: Sendable, Hashable {
    /// A key the dashboard knows.
    case key(Key)
    /// The terminal was resized.
    case resize
    /// Nothing usable (a key with no mapping, or no input).
    case ignored
  }

  /// Maps a `wget_wch` status (`OK` for a character, `KEY_CODE_YES` for a function key) and the
  /// code it stored.
  public static func reading(status: Int32, code: UInt32) -> Reading {
    if status == Int32(nc_key_code_yes()) { return functionKey(Int32(bitPattern: code)) }
    guard status == Int32(nc_ok()) else { return .ignored }
    return character(code).map(Reading.key) ?? .ignored
  }

  /// A character code: control codes become named keys or `.control(letter)`.
  static func character(_ code: UInt32) -> Key? {
    switch code {
    case 9: return .tab
    case 10, 13: return .enter
    case 27: return .escape
    // Terminals send DEL (127) or ^H (8) for the backspace key; ^H is never wanted as Ctrl-H.
    case 8, 127: return .backspace
    case 1...26: return .control(Character(Unicode.Scalar(UInt8(code) + 0x60)))
    case 28...31: return .control(Character(Unicode.Scalar(UInt8(code) + 0x40)))
    case 0..<32, 0x80..<0xA0: return nil
    default: return Unicode.Scalar(code).map { .character(Character($0)) }
    }
  }

  /// A `KEY_*` code from a `KEY_CODE_YES` read.
  static func functionKey(_ code: Int32) -> Reading {
    if code == Int32(nc_key_resize()) { return .resize }
    if let key = namedKeys[code] { return .key(key) }
    let f0 = Int32(nc_key_f0())
    if code > f0, code <= f0 + 63 { return .key(.function(Int(code - f0))) }
    return .ignored
  }

  private static let namedKeys: [Int32: Key] = [
    Int32(nc_key_up()): .up, Int32(nc_key_down()): .down,
    Int32(nc_key_left()): .left, Int32(nc_key_right()): .right,
    Int32(nc_key_home()): .home, Int32(nc_key_end()): .end,
    Int32(nc_key_ppage()): .pageUp, Int32(nc_key_npage()): .pageDown,
    Int32(nc_key_enter()): .enter, Int32(nc_key_backspace()): .backspace,
    Int32(nc_key_btab()): .backTab,
  ]
}
