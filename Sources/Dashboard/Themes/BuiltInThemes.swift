/// The shipped theme files, compiled in so theme cycling works wherever the binary runs.
///
/// The files under the top-level `themes/` folder are the only copy: the `EmbedShippedText`
/// build-tool plugin embeds each `themes/NAME.theme` verbatim at build time (as `ShippedThemes`).
public enum BuiltInThemes {
  /// One built-in theme: its name and the text of its file.
  public struct Entry: Sendable, Hashable {
    /// The theme's name, as given to `--theme`.
    public var name: String
    /// The file's text, byte for byte.
    public var text: String
  }

  /// Every built-in theme, default first, then alphabetical.
  public static let all: [Entry] = ShippedThemes.files.map { file in
    Entry(name: String(file.name.dropLast(".theme".count)), text: file.text)
  }.sorted { a, b in
    if (a.name == "default") != (b.name == "default") { return a.name == "default" }
    return a.name < b.name
  }

  /// The built-in theme called `name`, or nil.
  public static func text(named name: String) -> String? {
    all.first { $0.name == name }?.text
  }

  /// `themes/default.theme`, the palette every theme patches.
  static var defaultText: String {
    guard let text = text(named: "default") else {
      preconditionFailure("themes/default.theme is not compiled in; the plugin embeds themes/*.theme")
    }
    return text
  }
}
