import Foundation
import Testing

@testable import Dashboard

/// One fixture (or generated file) per warning, each checked word for word: the message is the
/// user interface of a bad theme.
@Suite("Theme files: every warning, word for word")
struct ThemeWarningTests {
  /// The warnings for fixture `name`, printed, with the fixture named by its file name.
  private func messages(_ name: String) -> [String] {
    ThemeFile.load(path: ThemeTestFiles.fixture(name), displayPath: name).1.map(\.description)
  }

  @Test("a colour that is not #RRGGBB")
  func badColour() {
    #expect(
      messages("bad-colour.theme") == [
        ##"bad-colour.theme:3: theme[main_fg]="#12345" is not a colour; write "#RRGGBB" (six hex digits), or "" for the terminal's colour"##
      ])
    let (theme, _) = ThemeFile.load(path: ThemeTestFiles.fixture("bad-colour.theme"))
    #expect(theme[.main_bg] == .rgb(0x1E, 0x21, 0x27))
  }

  @Test("#RGB shorthand gets the six-digit spelling as its fix")
  func shortColour() {
    #expect(
      messages("short-colour.theme") == [
        ##"short-colour.theme:2: theme[title]="#FFF" is not a colour; write "#FFFFFF"; colours are "#RRGGBB""##
      ])
  }

  @Test("btop's decimal R G B gets the hex spelling as its fix")
  func decimalColour() {
    #expect(
      messages("decimal-colour.theme") == [
        ##"decimal-colour.theme:2: theme[title]="255 128 0" is not a colour; write "#FF8000"; colours are "#RRGGBB""##
      ])
  }

  @Test("a colour with spaces inside the quotes gets the trimmed spelling as its fix")
  func spacedColour() {
    let warnings = ThemeFile.parse(text: #"theme[title]=" #abcdef ""#, name: "t", path: "t.theme").1
    #expect(warnings.map(\.fix) == [##"write "#ABCDEF"; colours are "#RRGGBB""##])
  }

  @Test("a signed number is not a colour")
  func signedColour() {
    #expect(
      messages("signed-colour.theme") == [
        ##"signed-colour.theme:2: theme[title]="+12345" is not a colour; write "#RRGGBB" (six hex digits), or "" for the terminal's colour"##
      ])
  }

  @Test("an unknown key close to a real one suggests it")
  func unknownKeyWithSuggestion() {
    #expect(
      messages("unknown-key.theme") == [
        ##"unknown-key.theme:2: unknown key "mian_bg"; did you mean "main_bg"?"##
      ])
  }

  @Test("an unknown key far from every real one says where the keys are")
  func unknownKeyWithoutSuggestion() {
    #expect(
      messages("unknown-key-no-suggestion.theme") == [
        ##"unknown-key-no-suggestion.theme:2: unknown key "cpu_box"; remove the line; default.theme lists every key"##
      ])
  }

  @Test("suggestions ignore case and dashes, and need the key to be close")
  func suggestions() {
    #expect(ThemeKey.suggestion(for: "MAIN_BG") == .main_bg)
    #expect(ThemeKey.suggestion(for: "graph-p99") == .graph_p99)
    #expect(ThemeKey.suggestion(for: "graph_p95") == .graph_p99)
    #expect(ThemeKey.suggestion(for: "settle") == nil)
    #expect(ThemeKey.suggestion(for: "bg") == nil)
  }

  @Test("a line not in theme[key]=\"value\" form")
  func malformedLine() {
    #expect(
      messages("malformed-line.theme") == [
        ##"malformed-line.theme:2: not a theme setting: "main_bg = \"#000000\""; write theme[key]="#RRGGBB", or start a comment with #"##
      ])
  }

  @Test("a value without quotes")
  func unreadableValue() {
    #expect(
      messages("unreadable-value.theme") == [
        ##"unreadable-value.theme:2: cannot read the value of theme[main_bg] in "theme[main_bg]=#000000"; write theme[main_bg]="#RRGGBB", or "" for the terminal's colour"##
      ])
  }

  @Test("text after the value that is not a comment")
  func textAfterValue() {
    #expect(
      messages("text-after-value.theme") == [
        ##"text-after-value.theme:2: unexpected text after the value of theme[main_bg]: "; dark"; remove it, or start a comment with #"##
      ])
  }

  @Test("a key set twice")
  func duplicateKey() {
    #expect(
      messages("duplicate-key.theme") == [
        "duplicate-key.theme:4: theme[main_fg] is set again (first on line 2), the last value wins; remove one of the two lines"
      ])
  }

  @Test("an empty file")
  func emptyFile() {
    #expect(
      messages("empty.theme") == [
        ##"empty.theme: the file is empty, so the default colours are used; add lines like theme[main_fg]="#CCCCCC""##
      ])
  }

  @Test("a file of comments only")
  func commentsOnly() {
    #expect(
      messages("comments-only.theme") == [
        ##"comments-only.theme: the file sets no colours, so the default colours are used; add lines like theme[main_fg]="#CCCCCC""##
      ])
  }

  @Test("a binary file (a NUL byte)")
  func binaryFile() throws {
    let bytes: [UInt8] = Array("theme".utf8) + [0, 1, 2, 0x89, 0x50]
    let parsed = ThemeFile.parse(bytes: bytes, name: "logo", path: "logo.theme").1.map(\.description)
    #expect(
      parsed == [
        "logo.theme: the file looks binary (a NUL byte at offset 5), so the default colours are used; give --theme a .theme text file"
      ])
    // The same through a real file, as `--theme` would read it.
    try ThemeTestFiles.withScratchFolder { folder in
      let file = folder.appendingPathComponent("logo.theme")
      try Data(bytes).write(to: file)
      #expect(ThemeFile.load(path: file.path, displayPath: "logo.theme").1.map(\.description) == parsed)
    }
  }

  @Test("a file that is not UTF-8")
  func notUTF8() {
    let bytes: [UInt8] = Array("# caf".utf8) + [0xE9] + Array("\ntheme[main_bg]=\"\"\n".utf8)
    #expect(
      ThemeFile.parse(bytes: bytes, name: "latin1", path: "latin1.theme").1.map(\.description) == [
        "latin1.theme: the file is not UTF-8 text (byte 0xE9 at offset 5), so the default colours are used; save it as UTF-8"
      ])
  }

  @Test("UTF-8 validation rejects overlong forms and surrogates, and accepts real text")
  func utf8Validation() {
    #expect(ThemeFile.firstInvalidUTF8(in: Array("# café ✓ 🎨".utf8)) == nil)
    #expect(ThemeFile.firstInvalidUTF8(in: [0x41, 0xC0, 0x80]) == 1)
    #expect(ThemeFile.firstInvalidUTF8(in: [0xED, 0xA0, 0x80]) == 0)
    #expect(ThemeFile.firstInvalidUTF8(in: [0x41, 0x42, 0xE2, 0x9C]) == 2)
  }

  @Test("a file over 64 KiB")
  func tooLarge() throws {
    let expected =
      "big.theme: the file is 65537 bytes, over the 65536-byte limit for a theme, so the default colours are used; give --theme a .theme text file (a theme is a few KB)"
    let bytes = [UInt8](repeating: UInt8(ascii: "#"), count: ThemeFile.maximumBytes + 1)
    #expect(ThemeFile.parse(bytes: bytes, name: "big", path: "big.theme").1.map(\.description) == [expected])
    try ThemeTestFiles.withScratchFolder { folder in
      let file = folder.appendingPathComponent("big.theme")
      try Data(bytes).write(to: file)
      #expect(ThemeFile.load(path: file.path, displayPath: "big.theme").1.map(\.description) == [expected])
      // Exactly at the limit is still read.
      try Data(bytes.dropLast()).write(to: file)
      #expect(
        ThemeFile.load(path: file.path, displayPath: "big.theme").1.map(\.problem) == [
          "the file sets no colours, so the default colours are used"
        ])
    }
  }

  @Test("a folder where a file should be")
  func directory() throws {
    try ThemeTestFiles.withScratchFolder { folder in
      #expect(
        ThemeFile.load(path: folder.path, displayPath: "dir.theme").1.map(\.description) == [
          "dir.theme: not a regular file (a directory), so the default colours are used; give --theme a .theme text file"
        ])
    }
  }

  @Test("a file that does not exist")
  func missingFile() {
    let (theme, warnings) = ThemeFile.load(path: "/nonexistent/lanes/gone.theme")
    #expect(theme.name == "gone")
    #expect(
      warnings.map(\.description) == [
        "/nonexistent/lanes/gone.theme: cannot read the file (No such file or directory), so the default colours are used; check that it exists and that you may read it"
      ])
  }

  @Test("a file without read permission", .enabled(if: getuid() != 0, "root may read any file"))
  func unreadableFile() throws {
    try ThemeTestFiles.withScratchFolder { folder in
      let file = folder.appendingPathComponent("locked.theme")
      try Data("theme[main_bg]=\"\"\n".utf8).write(to: file)
      try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: file.path)
      #expect(
        ThemeFile.load(path: file.path, displayPath: "locked.theme").1.map(\.description) == [
          "locked.theme: cannot read the file (Permission denied), so the default colours are used; check that it exists and that you may read it"
        ])
    }
  }

  @Test("runaway lines are cut short and control characters escaped in messages")
  func quoting() {
    let line = "\u{1B}[31m" + String(repeating: "x", count: 100)
    let warning = ThemeFile.parse(text: line, name: "t", path: "t.theme").1.first
    #expect(
      warning?.problem == ##"not a theme setting: "\u{1B}[31m"## + String(repeating: "x", count: 35)
        + ##"…""##)
  }
}
