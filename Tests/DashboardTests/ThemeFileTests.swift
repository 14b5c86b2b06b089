import Foundation
import TerminalUI
import Testing

@testable import Dashboard

/// Paths and scratch folders shared by the theme tests.
enum ThemeTestFiles {
  /// The repository root, found from this file's own path.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The shipped `themes/` folder.
  static let themesFolder = root.appendingPathComponent("themes")

  /// A fixture under `Tests/DashboardTests/ThemeFixtures`.
  static func fixture(_ name: String) -> String {
    root.appendingPathComponent("Tests/DashboardTests/ThemeFixtures/\(name)").path
  }

  /// A fresh empty folder, removed again after `body`.
  static func withScratchFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("lanes-theme-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
  }
}

@Suite("Theme files: what a valid file means")
struct ThemeFileTests {
  @Test("keys a file leaves out keep the built-in default's colour")
  func missingKeysFallBack() {
    let (theme, warnings) = ThemeFile.load(path: ThemeTestFiles.fixture("partial.theme"))
    #expect(warnings.isEmpty)
    #expect(theme.name == "partial")
    #expect(theme[.main_fg] == .rgb(0x10, 0x20, 0x30))
    for key in ThemeKey.allCases where key != .main_fg && key != .title {
      #expect(theme[key] == Theme.builtInDefault[key], "\(key)")
    }
  }

  @Test("an empty value means the terminal's own colour")
  func emptyValueIsTerminalDefault() {
    let (theme, _) = ThemeFile.load(path: ThemeTestFiles.fixture("partial.theme"))
    #expect(Theme.builtInDefault[.title] != .terminalDefault)
    #expect(theme[.title] == .terminalDefault)
  }

  @Test("whitespace, lower-case hex, trailing comments, CRLF and a byte-order mark are accepted")
  func tolerantSyntax() {
    let text = "\u{FEFF}# comment\r\n  theme[main_bg] = \"#0a0b0c\"  # dark\r\n\ttheme[title]=\"\"\r\n"
    let (theme, warnings) = ThemeFile.parse(text: text, name: "t", path: "t.theme")
    #expect(warnings.isEmpty)
    #expect(theme[.main_bg] == .rgb(0x0A, 0x0B, 0x0C))
    #expect(theme[.title] == .terminalDefault)
  }

  @Test("a bad line is skipped and the good lines around it still apply")
  func badLinesAreSkipped() {
    let text = """
      theme[main_bg]="#000001"
      theme[main_fg]="nope"
      theme[title]="#000003"
      """
    let (theme, warnings) = ThemeFile.parse(text: text, name: "t", path: "t.theme")
    #expect(warnings.map(\.line) == [2])
    #expect(theme[.main_bg] == .rgb(0, 0, 1))
    #expect(theme[.main_fg] == Theme.builtInDefault[.main_fg])
    #expect(theme[.title] == .rgb(0, 0, 3))
  }

  @Test("the later of two settings of one key wins")
  func lastSettingWins() {
    let (theme, warnings) = ThemeFile.load(path: ThemeTestFiles.fixture("duplicate-key.theme"))
    #expect(warnings.count == 1)
    #expect(theme[.main_fg] == .rgb(0x22, 0x22, 0x22))
  }

  @Test("a theme's name is its file name without .theme")
  func nameFromPath() {
    #expect(ThemeFile.name(ofPath: "/a/b/high-contrast.theme") == "high-contrast")
    #expect(ThemeFile.name(ofPath: "light.theme") == "light")
    #expect(ThemeFile.name(ofPath: "x/readme") == "readme")
  }

  @Test("a file that cannot be used keeps its name but has the default colours")
  func badFileKeepsName() {
    let (theme, warnings) = ThemeFile.load(path: ThemeTestFiles.fixture("empty.theme"))
    #expect(warnings.count == 1)
    #expect(theme.name == "empty")
    #expect(theme.colors == Theme.builtInDefault.colors)
  }

  @Test("a theme with every key empty uses terminal colours only")
  func monochromeDetection() {
    let allEmpty = ThemeKey.allCases.map { "theme[\($0.rawValue)]=\"\"" }.joined(separator: "\n")
    let (mono, warnings) = ThemeFile.parse(text: allEmpty, name: "m", path: "m.theme")
    #expect(warnings.isEmpty)
    #expect(mono.usesTerminalColorsOnly)
    #expect(!Theme.builtInDefault.usesTerminalColorsOnly)
  }

  @Test("the next theme in a list wraps around, and an unknown name starts at the first")
  func cycling() {
    let entries = ["default", "light", "mono"].map {
      ThemeEntry(name: $0, place: .builtIn, path: nil, theme: .builtInDefault, warnings: [])
    }
    #expect(entries.entry(after: "default")?.name == "light")
    #expect(entries.entry(after: "mono")?.name == "default")
    #expect(entries.entry(after: "gone")?.name == "default")
    #expect([ThemeEntry]().entry(after: "default") == nil)
  }
}
