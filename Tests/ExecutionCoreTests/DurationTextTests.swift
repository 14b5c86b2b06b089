import ExecutionCore
import Testing

@Suite struct DurationTextTests {
  @Test func parsesUnits() throws {
    #expect(try DurationText.parse("250us") == .microseconds(250))
    #expect(try DurationText.parse("250µs") == .microseconds(250))
    #expect(try DurationText.parse(" 15ms ") == .milliseconds(15))
    #expect(try DurationText.parse("1.5s") == .milliseconds(1500))
    #expect(try DurationText.parse("2m") == .seconds(120))
    #expect(try DurationText.parse("1h") == .seconds(3600))
    #expect(try DurationText.parse("40ns") == .nanoseconds(40))
  }

  @Test func rejectsBadText() {
    #expect(throws: DurationText.ParseError.malformed("10 parsecs")) { try DurationText.parse("10 parsecs") }
    #expect(throws: DurationText.ParseError.malformed("5")) { try DurationText.parse("5") }
    #expect(throws: DurationText.ParseError.malformed("")) { try DurationText.parse("") }
    #expect(throws: DurationText.ParseError.malformed("ms")) { try DurationText.parse("ms") }
    #expect(throws: DurationText.ParseError.negative("-5ms")) { try DurationText.parse("-5ms") }
  }

  @Test func formatsWithThreeFigures() {
    #expect(DurationText.format(.nanoseconds(500)) == "500ns")
    #expect(DurationText.format(.microseconds(850)) == "850us")
    #expect(DurationText.format(.microseconds(12_300)) == "12.3ms")
    #expect(DurationText.format(.milliseconds(2050)) == "2.05s")
    #expect(DurationText.format(.milliseconds(1000)) == "1s")
    #expect(DurationText.format(.seconds(90)) == "1m30s")
    #expect(DurationText.format(.seconds(3700)) == "1h01m")
    #expect(DurationText.format(.milliseconds(-3)) == "-3ms")
  }

  @Test func roundTrips() throws {
    for text in ["1ms", "250us", "2.5s", "12.3ms"] {
      #expect(DurationText.format(try DurationText.parse(text)) == text)
    }
  }

  @Test func fixedDecimals() {
    #expect(NumberText.fixed(3.14159, decimals: 2) == "3.14")
    #expect(NumberText.fixed(-0.5, decimals: 1) == "-0.5")
    #expect(NumberText.fixed(7, decimals: 0) == "7")
  }
}
