import Foundation
import TerminalUI
import Testing

@testable import Dashboard

/// The search path, in a scratch folder laid out like a real machine:
///
///     cwd/themes/                      light, local, default, broken, README.md, .hidden.theme
///     xdg/lanes/themes/                light, shared, xdgonly
///     home/.config/lanes/themes/       homeonly
///     app/bin/themes/                  shared, binonly        (the executable is in app/bin)
///     app/share/lanes/themes/          binonly, shareonly
@Suite("Theme loader")
struct ThemeLoaderTests {
  /// Writes a theme setting `main_fg` to `marker`, so a test can tell which copy was loaded.
  private static func write(_ folder: URL, _ name: String, marker: UInt8) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let text = "# test theme\ntheme[main_fg]=\"#0000\(String(format: "%02X", marker))\"\n"
    try Data(text.utf8).write(to: folder.appendingPathComponent("\(name).theme"))
  }

  private static func marker(_ entry: ThemeEntry) -> Color { entry.theme[.main_fg] }

  /// Builds the layout and runs `body` with a loader over it; `xdg` false leaves XDG_CONFIG_HOME unset.
  private static func withLayout(
    xdg: String? = "xdg", _ body: (ThemeLoader, URL) throws -> Void
  ) throws {
    try ThemeTestFiles.withScratchFolder { root in
      let cwd = root.appendingPathComponent("cwd")
      try write(cwd.appendingPathComponent("themes"), "light", marker: 1)
      try write(cwd.appendingPathComponent("themes"), "local", marker: 2)
      try write(cwd.appendingPathComponent("themes"), "default", marker: 3)
      try write(cwd.appendingPathComponent("themes"), ".hidden", marker: 4)
      try Data([0x00, 0xFF]).write(to: cwd.appendingPathComponent("themes/broken.theme"))
      try Data("notes".utf8).write(to: cwd.appendingPathComponent("themes/README.md"))
      let xdgThemes = root.appendingPathComponent("xdg/lanes/themes")
      try write(xdgThemes, "light", marker: 11)
      try write(xdgThemes, "shared", marker: 12)
      try write(xdgThemes, "xdgonly", marker: 13)
      try write(root.appendingPathComponent("home/.config/lanes/themes"), "homeonly", marker: 21)
      try write(root.appendingPathComponent("app/bin/themes"), "shared", marker: 31)
      try write(root.appendingPathComponent("app/bin/themes"), "binonly", marker: 32)
      try write(root.appendingPathComponent("app/share/lanes/themes"), "binonly", marker: 41)
      try write(root.appendingPathComponent("app/share/lanes/themes"), "shareonly", marker: 42)

      var environment = ["HOME": root.appendingPathComponent("home").path]
      if let xdg {
        environment["XDG_CONFIG_HOME"] = xdg.hasPrefix("/") ? xdg : root.appendingPathComponent(xdg).path
      }
      let searchPath = ThemeSearchPath(
        workingDirectory: cwd.path, environment: environment,
        executableDirectory: root.appendingPathComponent("app/bin").path)
      try body(ThemeLoader(searchPath: searchPath), root)
    }
  }

  @Test("the search path is ./themes, the user config, next to the executable, then ../share")
  func directoryOrder() throws {
    try Self.withLayout { loader, root in
      #expect(
        loader.searchPath.directories == [
          ThemeDirectory(path: root.appendingPathComponent("cwd/themes").path, place: .workingDirectory),
          ThemeDirectory(path: root.appendingPathComponent("xdg/lanes/themes").path, place: .userConfig),
          ThemeDirectory(path: root.appendingPathComponent("app/bin/themes").path, place: .installed),
          ThemeDirectory(path: root.appendingPathComponent("app/share/lanes/themes").path, place: .installed),
        ])
    }
  }

  @Test("a folder that appears twice on the search path is searched once")
  func directoriesDeduplicated() {
    let path = ThemeSearchPath(
      workingDirectory: "/opt/lanes/bin", environment: ["HOME": "/root"],
      executableDirectory: "/opt/lanes/bin/")
    #expect(
      path.directories.map(\.path) == [
        "/opt/lanes/bin/themes", "/root/.config/lanes/themes", "/opt/lanes/share/lanes/themes",
      ])
  }

  @Test("a theme in ./themes wins over the user config and the built-in one")
  func workingDirectoryFirst() throws {
    try Self.withLayout { loader, _ in
      let entry = try loader.resolve("light")
      #expect(entry.place == .workingDirectory)
      #expect(entry.path == "themes/light.theme")
      #expect(Self.marker(entry) == .rgb(0, 0, 1))
      #expect(entry.warnings.isEmpty)
    }
  }

  @Test("the user config wins over the folder next to the executable")
  func userConfigBeforeInstalled() throws {
    try Self.withLayout { loader, _ in
      let entry = try loader.resolve("shared")
      #expect(entry.place == .userConfig)
      #expect(Self.marker(entry) == .rgb(0, 0, 12))
    }
  }

  @Test("<exe>/themes wins over <exe>/../share/lanes/themes, and both are searched")
  func installedFolders() throws {
    try Self.withLayout { loader, root in
      let binOnly = try loader.resolve("binonly")
      #expect(binOnly.place == .installed)
      #expect(binOnly.path == root.appendingPathComponent("app/bin/themes/binonly.theme").path)
      #expect(Self.marker(binOnly) == .rgb(0, 0, 32))
      let shareOnly = try loader.resolve("shareonly")
      #expect(Self.marker(shareOnly) == .rgb(0, 0, 42))
    }
  }

  @Test("with XDG_CONFIG_HOME set, ~/.config is not searched")
  func xdgReplacesHomeConfig() throws {
    try Self.withLayout { loader, _ in
      #expect(throws: ThemeLoaderError.self) { try loader.resolve("homeonly") }
      let xdgOnly = try loader.resolve("xdgonly")
      #expect(Self.marker(xdgOnly) == .rgb(0, 0, 13))
    }
  }

  @Test("without XDG_CONFIG_HOME (or with a relative one) the user config is ~/.config/lanes/themes")
  func homeConfig() throws {
    for xdg in [nil, "relative/path"] as [String?] {
      try Self.withLayout(xdg: xdg) { loader, root in
        var loader = loader
        if let xdg { loader.searchPath.environment["XDG_CONFIG_HOME"] = xdg }
        let entry = try loader.resolve("homeonly")
        #expect(entry.place == .userConfig)
        #expect(entry.path == "~/.config/lanes/themes/homeonly.theme")
        #expect(Self.marker(entry) == .rgb(0, 0, 21))
        #expect(throws: ThemeLoaderError.self) { try loader.resolve("xdgonly") }
      }
    }
  }

  @Test("a name found nowhere on disk comes from the themes built into the binary")
  func builtInLast() throws {
    try Self.withLayout { loader, _ in
      let entry = try loader.resolve("mono")
      #expect(entry.place == .builtIn)
      #expect(entry.path == nil)
      #expect(entry.location == "built-in")
      #expect(entry.warnings.isEmpty)
      #expect(entry.theme.usesTerminalColorsOnly)
    }
  }

  @Test("a user's default.theme replaces the built-in default")
  func defaultCanBeOverridden() throws {
    try Self.withLayout { loader, _ in
      let entry = try loader.resolve("default")
      #expect(Self.marker(entry) == .rgb(0, 0, 3))
    }
  }

  @Test("an unknown name is an error naming the themes there are, with a suggestion")
  func unknownName() throws {
    try Self.withLayout { loader, _ in
      let available = [
        "default", "binonly", "broken", "high-contrast", "light", "local", "mono", "shared", "shareonly",
        "xdgonly",
      ]
      #expect(throws: ThemeLoaderError.unknownName("ligth", suggestion: "light", available: available)) {
        try loader.resolve("ligth")
      }
      #expect(throws: ThemeLoaderError.unknownName("solarized", suggestion: nil, available: available)) {
        try loader.resolve("solarized")
      }
      #expect(throws: ThemeLoaderError.self) { try loader.resolve("") }
    }
  }

  @Test("the unknown-theme and missing-file messages")
  func errorMessages() {
    let names = ["default", "high-contrast", "light", "mono"]
    #expect(
      ThemeLoaderError.unknownName("ligth", suggestion: "light", available: names).description
        == #"unknown theme "ligth"; did you mean "light"? available themes: default, high-contrast, light, mono (or a path to a .theme file)"#
    )
    #expect(
      ThemeLoaderError.unknownName("x", suggestion: nil, available: names).description
        == #"unknown theme "x"; available themes: default, high-contrast, light, mono (or a path to a .theme file)"#
    )
    #expect(
      ThemeLoaderError.fileNotFound("light.theme", suggestion: "light", available: names).description
        == #"no theme file at "light.theme"; did you mean the theme "light"? available themes: default, high-contrast, light, mono (or a path to a .theme file)"#
    )
    #expect(
      ThemeLoaderError.fileNotFound("a/b.theme", suggestion: nil, available: names).description
        == #"no theme file at "a/b.theme"; check the path, or available themes: default, high-contrast, light, mono (or a path to a .theme file)"#
    )
  }

  @Test("an argument with / or ending in .theme is a path, relative to the working directory")
  func paths() throws {
    #expect(ThemeLoader.isPath("./x"))
    #expect(ThemeLoader.isPath("x.theme"))
    #expect(!ThemeLoader.isPath("high-contrast"))
    try Self.withLayout { loader, root in
      let relative = try loader.resolve("themes/local.theme")
      #expect(relative.place == .givenPath)
      #expect(relative.name == "local")
      #expect(relative.path == "themes/local.theme")
      #expect(Self.marker(relative) == .rgb(0, 0, 2))

      let absolute = try loader.resolve(root.appendingPathComponent("xdg/lanes/themes/light.theme").path)
      #expect(Self.marker(absolute) == .rgb(0, 0, 11))

      let home = try loader.resolve("~/.config/lanes/themes/homeonly.theme")
      #expect(Self.marker(home) == .rgb(0, 0, 21))
    }
  }

  @Test("a path to no file is an error; a name written as a file name gets the name suggested")
  func missingPath() throws {
    try Self.withLayout { loader, _ in
      #expect {
        try loader.resolve("light.theme")
      } throws: { error in
        guard case .fileNotFound("light.theme", "light", let names) = error as? ThemeLoaderError else {
          return false
        }
        return names.first == "default"
      }
      #expect {
        try loader.resolve("nowhere/odd.theme")
      } throws: { error in
        guard case .fileNotFound("nowhere/odd.theme", nil, _) = error as? ThemeLoaderError else {
          return false
        }
        return true
      }
    }
  }

  @Test("a bad file on the search path still loads, with the default colours and its warning")
  func badFileDoesNotStopStartUp() throws {
    try Self.withLayout { loader, _ in
      let entry = try loader.resolve("broken")
      #expect(entry.theme.colors == Theme.builtInDefault.colors)
      #expect(entry.theme.name == "broken")
      #expect(
        entry.warnings.map(\.description) == [
          "themes/broken.theme: the file looks binary (a NUL byte at offset 0), so the default colours are used; give --theme a .theme text file"
        ])
    }
  }

  @Test("available() lists every theme once, default first, then alphabetical, from its first place")
  func available() throws {
    try Self.withLayout { loader, _ in
      let entries = loader.available()
      #expect(
        entries.map(\.name) == [
          "default", "binonly", "broken", "high-contrast", "light", "local", "mono", "shared", "shareonly",
          "xdgonly",
        ])
      let places = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.place) })
      #expect(places["default"] == .workingDirectory)
      #expect(places["light"] == .workingDirectory)
      #expect(places["shared"] == .userConfig)
      #expect(places["binonly"] == .installed)
      #expect(places["mono"] == .builtIn)
      #expect(entries.first { $0.name == "broken" }?.warnings.count == 1)
      #expect(entries.filter { $0.name != "broken" }.allSatisfy { $0.warnings.isEmpty })
    }
  }

  @Test("with nothing on disk, the four built-in themes are available")
  func onlyBuiltIns() throws {
    try ThemeTestFiles.withScratchFolder { root in
      let loader = ThemeLoader(
        searchPath: ThemeSearchPath(workingDirectory: root.path, environment: [:], executableDirectory: nil))
      #expect(loader.available().map(\.name) == ["default", "high-contrast", "light", "mono"])
      #expect(loader.available().allSatisfy { $0.place == .builtIn && $0.warnings.isEmpty })
      let entry = try loader.resolve("default")
      #expect(entry.theme == Theme.builtInDefault)
    }
  }

  @Test("the current process's search path starts at its working directory")
  func currentProcess() {
    let path = ThemeSearchPath.current()
    #expect(path.directories.first?.path == normalized(FileManager.default.currentDirectoryPath + "/themes"))
    #expect(path.executableDirectory != nil)
  }
}
