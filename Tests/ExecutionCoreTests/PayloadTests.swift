import ExecutionCore
import Testing

@Suite struct PayloadTests {
  @Test func validJSONIsKeptCompact() throws {
    let payload = try Payload(
      json: " { \"a\" : [1, 2.5e3, -0.5, true, false, null],\n \"b\": \"x y\\n\\u00e9\" } ")
    #expect(payload.text == #"{"a":[1,2.5e3,-0.5,true,false,null],"b":"x y\n\u00e9"}"#)
    #expect(try Payload(json: "\"héllo\"").text == "\"héllo\"")
    #expect(try Payload(json: "42").count == 2)
    #expect(try Payload(json: "null") == .null)
    #expect(Payload.null.isNull)
  }

  @Test(arguments: [
    ("", 0, "expected a value"), ("{\"a\":", 5, "expected a value"), ("[1,]", 3, "unexpected character"),
    ("{a:1}", 1, "member name"), ("01", 1, "after the JSON value"), ("\"abc", 0, "unterminated string"),
    ("\"\\x\"", 2, "invalid escape"), ("tru", 0, "expected 'true'"), ("1.", 2, "digit after '.'"),
    ("[1] [2]", 4, "after the JSON value"), ("\"a\tb\"", 2, "control character"),
  ])
  func malformedJSONIsRefusedNamingTheByte(text: String, offset: Int, reason: String) {
    #expect {
      _ = try Payload(json: text)
    } throws: { error in
      guard let error = error as? PayloadError else { return false }
      return error.offset == offset && error.description.contains(reason)
        && error.description.hasPrefix("invalid JSON at byte \(offset)")
    }
  }

  @Test func invalidUTF8AndDeepNestingAreRefusedWithoutCrashing() {
    #expect(throws: PayloadError.self) { try Payload(validating: [0x22, 0xC3, 0x28, 0x22]) }
    #expect(throws: PayloadError.self) { try Payload(validating: [0x22, 0xED, 0xA0, 0x80, 0x22]) }
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: PayloadError.self) { try Payload(json: deep) }
    let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
    #expect((try? Payload(json: fine)) != nil)
  }

  @Test func builtValuesAreValidJSON() throws {
    let string = Payload.string("quote \" backslash \\ newline \n tab \t bell \u{07}")
    #expect(try Payload(validating: string.bytes) == string)
    #expect(try string.decode(String.self) == "quote \" backslash \\ newline \n tab \t bell \u{07}")
    let object = Payload.object([("a", .null), ("b\"", string)])
    #expect(try Payload(validating: object.bytes) == object)
    let filler = Payload.filler(size: 1024)
    #expect(filler.count == 1024)
    #expect(try Payload(validating: filler.bytes) == filler)
    let document = StepInput(
      input: try Payload(json: "[1]"), dependencyOutputs: [DependencyOutput(id: "a", output: .string("x"))]
    ).document
    #expect(document.text == #"{"input":[1],"steps":{"a":"x"}}"#)
  }

  struct Order: Codable, Equatable {
    var id: Int
    var items: [String]
  }

  @Test func codableRoundTrip() throws {
    let order = Order(id: 7, items: ["tea", "cake"])
    let payload = try Payload(encoding: order)
    #expect(try Payload(validating: payload.bytes) == payload)
    #expect(try payload.decode(Order.self) == order)
  }
}
