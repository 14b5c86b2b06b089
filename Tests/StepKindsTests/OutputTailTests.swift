import Testing

@testable import StepKinds

@Suite struct OutputTailTests {
  private func append(_ text: String, to tail: inout OutputTail) {
    Array(text.utf8).withUnsafeBytes { tail.append($0) }
  }

  @Test func keepsEverythingUnderCapacity() {
    var tail = OutputTail(capacity: 64)
    append("one\ntwo\n", to: &tail)
    append("three\n", to: &tail)
    #expect(String(decoding: tail.bytes, as: UTF8.self) == "one\ntwo\nthree\n")
    #expect(tail.lastLines(2) == "two\nthree")
    #expect(tail.lastLines(10) == "one\ntwo\nthree")
  }

  @Test func keepsOnlyTheEndWhenSmallPiecesOverflow() {
    var tail = OutputTail(capacity: 10)
    for digit in 0..<10 { append("\(digit)\(digit)\(digit)", to: &tail) }
    #expect(tail.totalBytes == 30)
    #expect(String(decoding: tail.bytes, as: UTF8.self) == "6777888999")
  }

  @Test func keepsOnlyTheEndOfOneHugePiece() {
    var tail = OutputTail(capacity: 8)
    append("abc", to: &tail)
    append(String(repeating: "x", count: 100) + "12345678", to: &tail)
    #expect(String(decoding: tail.bytes, as: UTF8.self) == "12345678")
    append("9", to: &tail)
    #expect(String(decoding: tail.bytes, as: UTF8.self) == "23456789")
  }

  @Test func lastLinesSkipsBlankLinesAndCarriageReturns() {
    var tail = OutputTail()
    append("a\r\n\n  \nb  \r\n\n", to: &tail)
    #expect(tail.lastLines(5) == "a\nb")
    #expect(tail.lastLines(0) == "")
  }
}
