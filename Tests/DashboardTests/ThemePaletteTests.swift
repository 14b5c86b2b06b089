import Foundation
import TerminalUI
import Testing

@testable import Dashboard

/// The colour choices the themes promise: readable text, and the pairs people compare kept apart.
@Suite("Theme palettes")
struct ThemePaletteTests {
  private static func theme(_ name: String) throws -> Theme {
    let text = try #require(BuiltInThemes.text(named: name))
    return ThemeFile.parse(text: text, name: name, path: name).0
  }

  /// The background text is read against: the theme's own, or what its terminal is assumed to have.
  private static func background(_ theme: Theme, assumed: Color) -> Color {
    theme[.main_bg] == .terminalDefault ? assumed : theme[.main_bg]
  }

  /// Keys drawn as text on the main background.
  private static let textKeys: [ThemeKey] = [
    .main_fg, .title, .hi_fg, .inactive_fg, .mode_hybrid, .mode_sync, .ok, .warn, .error,
  ]
  /// Keys drawn as lines, bars and marks on the main background.
  private static let graphicKeys: [ThemeKey] = [
    .graph_p50, .graph_p99, .blocking, .background, .critical, .response_marker, .settle_marker,
    .queued, .running, .retrying, .dead,
  ]

  @Test(
    "text reads at 4.5:1 (light, default) or 7:1 (high-contrast); lines and bars at 3:1 or 4.5:1",
    arguments: [
      ("default", Color.rgb(0x1E, 0x1E, 0x1E), 4.5, 3.0),
      ("default", Color.rgb(0, 0, 0), 4.5, 3.0),
      ("light", Color.rgb(0xFF, 0xFF, 0xFF), 4.5, 3.0),
      ("high-contrast", Color.rgb(0xFF, 0xFF, 0xFF), 7.0, 4.5),
    ])
  func contrast(name: String, assumedBackground: Color, text: Double, graphics: Double) throws {
    let theme = try Self.theme(name)
    let background = Self.background(theme, assumed: assumedBackground)
    for key in Self.textKeys {
      let ratio = Self.contrast(theme[key], background)
      // Saturated red on black tops out at 5.25:1; it still has to clear the text floor of AA.
      let floor = (name == "high-contrast" && [.mode_sync, .error].contains(key)) ? 5.0 : text
      #expect(ratio >= floor, "\(name) \(key): \(ratio)")
    }
    for key in Self.graphicKeys {
      #expect(Self.contrast(theme[key], background) >= graphics, "\(name) \(key)")
    }
    #expect(Self.contrast(theme[.selected_fg], theme[.selected_bg]) >= text, "\(name) selected row")
    #expect(Self.contrast(theme[.header_fg], theme[.header_bg]) >= text, "\(name) header")
  }

  @Test(
    "p50 against p99, blocking against background and the queue states are far apart",
    arguments: ["default", "light", "high-contrast"])
  func distinctPairs(name: String) throws {
    let theme = try Self.theme(name)
    let pairs: [(ThemeKey, ThemeKey)] = [
      (.graph_p50, .graph_p99), (.blocking, .background), (.mode_hybrid, .mode_sync),
      (.dead, .retrying), (.dead, .queued), (.dead, .running), (.queued, .running),
      (.running, .retrying), (.settle_marker, .background), (.response_marker, .blocking),
    ]
    for (a, b) in pairs {
      let distance = Self.deltaE(theme[a], theme[b])
      #expect(distance >= 40, "\(name): \(a) and \(b) are only \(Int(distance)) apart")
    }
  }

  @Test(
    "all-sync and dead letters are red, hybrid is green", arguments: ["default", "light", "high-contrast"])
  func meaningfulHues(name: String) throws {
    let theme = try Self.theme(name)
    for key in [ThemeKey.mode_sync, .dead, .error] {
      let hue = try #require(Self.hue(theme[key]))
      #expect(hue >= 340 || hue <= 20, "\(name) \(key) hue \(hue) is not red")
    }
    for key in [ThemeKey.mode_hybrid, .ok] {
      let hue = try #require(Self.hue(theme[key]))
      #expect((90...160).contains(hue), "\(name) \(key) hue \(hue) is not green")
    }
  }

  @Test("the checks themselves: black on white is 21:1, a colour is 0 from itself")
  func measures() {
    #expect(abs(Self.contrast(.rgb(0, 0, 0), .rgb(255, 255, 255)) - 21) < 0.01)
    #expect(Self.deltaE(.rgb(10, 20, 30), .rgb(10, 20, 30)) == 0)
    #expect(Self.deltaE(.rgb(255, 0, 0), .rgb(0, 255, 0)) > 100)
    #expect(Self.hue(.rgb(255, 0, 0)) == 0)
    #expect(Self.hue(.terminalDefault) == nil)
  }

  // MARK: - Colour measures (WCAG 2 contrast, CIE76 distance in L*a*b*)

  private static func linear(_ color: Color) -> (Double, Double, Double) {
    guard case .rgb(let r, let g, let b) = color else { return (0, 0, 0) }
    func channel(_ value: UInt8) -> Double {
      let c = Double(value) / 255
      return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }
    return (channel(r), channel(g), channel(b))
  }

  private static func luminance(_ color: Color) -> Double {
    let (r, g, b) = linear(color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }

  static func contrast(_ a: Color, _ b: Color) -> Double {
    let (la, lb) = (luminance(a), luminance(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
  }

  static func deltaE(_ a: Color, _ b: Color) -> Double {
    func lab(_ color: Color) -> (Double, Double, Double) {
      let (r, g, b) = linear(color)
      let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
      let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
      let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
      func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16 / 116 }
      return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }
    let (p, q) = (lab(a), lab(b))
    return ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1) + (p.2 - q.2) * (p.2 - q.2)).squareRoot()
  }

  /// The hue in degrees, or nil for the terminal default.
  static func hue(_ color: Color) -> Double? {
    guard case .rgb(let r8, let g8, let b8) = color else { return nil }
    let (r, g, b) = (Double(r8) / 255, Double(g8) / 255, Double(b8) / 255)
    let high = max(r, g, b)
    let spread = high - min(r, g, b)
    guard spread > 0 else { return 0 }
    let sector: Double
    if high == r {
      sector = ((g - b) / spread).truncatingRemainder(dividingBy: 6)
    } else if high == g {
      sector = (b - r) / spread + 2
    } else {
      sector = (r - g) / spread + 4
    }
    let degrees = sector * 60
    return degrees < 0 ? degrees + 360 : degrees
  }
}
