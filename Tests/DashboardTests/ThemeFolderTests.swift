import Foundation
import TerminalUI
import Testing

@testable import Dashboard

/// The shipped `themes/` folder, tested as data.
@Suite("Shipped themes")
struct ThemeFolderTests {
  /// Every `.theme` file in `themes/`, by name.
  private static func shippedFiles() throws -> [String: URL] {
    let files = try FileManager.default.contentsOfDirectory(
      at: ThemeTestFiles.themesFolder, includingPropertiesForKeys: nil)
    return Dictionary(
      uniqueKeysWithValues: files.filter { $0.pathExtension == "theme" }.map {
        ($0.deletingPathExtension().lastPathComponent, $0)
      })
  }

  @Test("the four promised themes are shipped")
  func promisedThemes() throws {
    let names = Set(try Self.shippedFiles().keys)
    #expect(names.isSuperset(of: ["default", "light", "high-contrast", "mono"]))
  }

  @Test("every file in themes/ parses without a warning and sets every key")
  func everyFileIsClean() throws {
    let files = try Self.shippedFiles()
    #expect(!files.isEmpty)
    for (name, url) in files {
      let (theme, warnings) = ThemeFile.load(path: url.path)
      #expect(warnings.isEmpty, "\(name): \(warnings.map(\.description))")
      #expect(theme.name == name)
      let text = try String(contentsOf: url, encoding: .utf8)
      let set = Set(
        text.split(separator: "\n").compactMap { line -> ThemeKey? in
          guard case .setting(let key, _) = ThemeLine(line) else { return nil }
          return key
        })
      #expect(set == Set(ThemeKey.allCases), "\(name) leaves out \(Set(ThemeKey.allCases).subtracting(set))")
    }
  }

  @Test("every file starts with a header comment and has a comment above each key")
  func everyFileIsCommented() throws {
    for (name, url) in try Self.shippedFiles() {
      let lines = try String(contentsOf: url, encoding: .utf8).split(
        separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.first?.hasPrefix("# Lanes theme: \(name)") == true, "\(name) header")
      for (index, line) in lines.enumerated() where line.hasPrefix("theme[") {
        let above = index > 0 ? lines[index - 1] : ""
        #expect(above.hasPrefix("# "), "\(name):\(index + 1) has no comment above it")
      }
    }
  }

  @Test("default.theme holds exactly the built-in default's colours")
  func defaultFileMatchesBuiltIn() throws {
    let (theme, _) = ThemeFile.load(path: try #require(Self.shippedFiles()["default"]).path)
    #expect(theme == Theme.builtInDefault)
  }

  @Test("mono.theme leaves every colour to the terminal")
  func monoIsMonochrome() throws {
    let (theme, _) = ThemeFile.load(path: try #require(Self.shippedFiles()["mono"]).path)
    #expect(theme.usesTerminalColorsOnly)
  }

  @Test("the themes built into the binary are byte-identical to the files in themes/")
  func embeddedMatchFiles() throws {
    let files = try Self.shippedFiles()
    #expect(Set(BuiltInThemes.all.map(\.name)) == Set(files.keys))
    for entry in BuiltInThemes.all {
      let url = try #require(files[entry.name], "no themes/\(entry.name).theme")
      let bytes = try Data(contentsOf: url)
      let embedded = entry.text.split(separator: "\n", omittingEmptySubsequences: false)
      let file = String(decoding: bytes, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false)
      let differing = zip(embedded, file).enumerated().first { $0.element.0 != $0.element.1 }
      let firstDifference = differing.map { "line \($0.offset + 1)" } ?? "the end"
      #expect(
        Data(entry.text.utf8) == bytes,
        "BuiltInThemes \(entry.name) differs from themes/\(entry.name).theme at \(firstDifference)")
    }
  }

  @Test("built-in themes are listed default first, then alphabetically")
  func embeddedOrder() {
    #expect(BuiltInThemes.all.map(\.name) == ["default", "high-contrast", "light", "mono"])
    #expect(BuiltInThemes.text(named: "light") != nil)
    #expect(BuiltInThemes.text(named: "solarized") == nil)
  }
}
