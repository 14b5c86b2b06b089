import CNcursesw
import TerminalUI
import Testing

@testable import NCursesTerminal

@Suite("NCursesKeyMap")
struct NCursesKeyMapTests {
  let ok = Int32(nc_ok())
  let functionKey = Int32(nc_key_code_yes())

  func character(_ code: UInt32) -> NCursesKeyMap.Reading {
    NCursesKeyMap.reading(status: ok, code: code)
  }

  func special(_ code: Int32) -> NCursesKeyMap.Reading {
    NCursesKeyMap.reading(status: functionKey, code: UInt32(bitPattern: code))
  }

  @Test func printableCharactersKeepTheirCase() {
    #expect(character(0x71) == .key(.character("q")))
    #expect(character(0x51) == .key(.character("Q")))
    #expect(character(0x20) == .key(.character(" ")))
    #expect(character(0xE9) == .key(.character("é")))
    #expect(character(0x65E5) == .key(.character("日")))
  }

  @Test func controlCodes() {
    #expect(character(9) == .key(.tab))
    #expect(character(10) == .key(.enter))
    #expect(character(13) == .key(.enter))
    #expect(character(27) == .key(.escape))
    #expect(character(127) == .key(.backspace))
    #expect(character(8) == .key(.backspace))
    #expect(character(1) == .key(.control("a")))
    #expect(character(3) == .key(.control("c")))
    #expect(character(12) == .key(.control("l")))
    #expect(character(26) == .key(.control("z")))
    #expect(character(0) == .ignored)
    #expect(character(0x85) == .ignored)
  }

  @Test func functionKeys() {
    #expect(special(Int32(nc_key_up())) == .key(.up))
    #expect(special(Int32(nc_key_down())) == .key(.down))
    #expect(special(Int32(nc_key_left())) == .key(.left))
    #expect(special(Int32(nc_key_right())) == .key(.right))
    #expect(special(Int32(nc_key_ppage())) == .key(.pageUp))
    #expect(special(Int32(nc_key_npage())) == .key(.pageDown))
    #expect(special(Int32(nc_key_home())) == .key(.home))
    #expect(special(Int32(nc_key_end())) == .key(.end))
    #expect(special(Int32(nc_key_btab())) == .key(.backTab))
    #expect(special(Int32(nc_key_backspace())) == .key(.backspace))
    #expect(special(Int32(nc_key_enter())) == .key(.enter))
    #expect(special(Int32(nc_key_f(1))) == .key(.function(1)))
    #expect(special(Int32(nc_key_f(12))) == .key(.function(12)))
    #expect(special(Int32(nc_key_resize())) == .resize)
    #expect(special(Int32(nc_key_f0())) == .ignored)
  }

  @Test func anErrorReadIsIgnored() {
    #expect(NCursesKeyMap.reading(status: Int32(nc_err()), code: 0x71) == .ignored)
  }

  @Test func timeoutsBecomeWholeMilliseconds() {
    #expect(NCursesTerminal.milliseconds(.milliseconds(250)) == 250)
    #expect(NCursesTerminal.milliseconds(.seconds(2)) == 2000)
    #expect(NCursesTerminal.milliseconds(.microseconds(1500)) == 1)
    #expect(NCursesTerminal.milliseconds(.zero) == 0)
    #expect(NCursesTerminal.milliseconds(.milliseconds(-5)) == 0)
    #expect(NCursesTerminal.milliseconds(.seconds(Int64.max / 2)) == Int32.max)
  }
}
