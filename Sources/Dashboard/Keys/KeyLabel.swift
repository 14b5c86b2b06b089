import TerminalUI

extension Key {
  /// How help, the footer and messages print the key: `t`, `⏎`, `esc`, `^C`, `S-tab`.
  public func label(unicode: Bool) -> String {
    switch self {
    case .character(" "): return "space"
    case .character(let c): return String(c)
    case .control(let c): return "^" + String(c).uppercased()
    case .up: return unicode ? "↑" : "up"
    case .down: return unicode ? "↓" : "down"
    case .left: return unicode ? "←" : "left"
    case .right: return unicode ? "→" : "right"
    case .enter: return unicode ? "⏎" : "enter"
    case .escape: return "esc"
    case .tab: return "tab"
    case .backTab: return "S-tab"
    case .backspace: return "bksp"
    case .pageUp: return "PgUp"
    case .pageDown: return "PgDn"
    case .home: return "home"
    case .end: return "end"
    case .function(let n): return "F\(n)"
    }
  }
}
