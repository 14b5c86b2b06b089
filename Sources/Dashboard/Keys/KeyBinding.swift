import TerminalUI

/// One entry of the key table: the keys, what they do, and how help and the footer show them.
public struct KeyBinding: Sendable, Hashable {
  /// Where the help overlay lists a binding.
  public enum Group: String, Sendable, Hashable, CaseIterable {
    /// Selection and focus.
    case navigate = "Navigate"
    /// Acts on the selected workflow.
    case workflow = "Workflow"
    /// Acts on the selected queue.
    case queue = "Queue"
    /// Acts on the whole runtime.
    case runtime = "Runtime"
    /// Changes only what is shown.
    case display = "Display"
    /// Help, dismiss, quit.
    case app = "App"
  }

  /// Every key that triggers the action.
  public var keys: [Key]
  /// What the keys do.
  public var action: DashboardAction
  /// A few words for the footer, e.g. `run`.
  public var shortDescription: String
  /// A sentence for the help overlay.
  public var description: String
  /// The help overlay's section.
  public var group: Group
  /// Shown in the footer when it fits; lower numbers are dropped last (nil: help only).
  public var footerRank: Int?
  /// True if the action sends a command to the runtime (refused in read-only mode).
  public var mutatesRuntime: Bool

  /// Creates a binding.
  public init(
    _ keys: [Key], action: DashboardAction,
    short: String, description: String, group: Group, footerRank: Int? = nil,
    mutatesRuntime: Bool = false
  ) {
    self.keys = keys
    self.action = action
    self.shortDescription = short
    self.description = description
    self.group = group
    self.footerRank = footerRank
    self.mutatesRuntime = mutatesRuntime
  }

  /// The keys as help and the footer print them, e.g. `t/⏎`: derived from `keys`, so the
  /// label can never name a key the binding does not handle.
  public var label: String { label(unicode: true) }

  /// The label for a terminal with or without UTF-8 (`t/enter` without).
  public func label(unicode: Bool) -> String {
    keys.map { $0.label(unicode: unicode) }.joined(separator: "/")
  }

  /// The one key messages and the narrow footer name, e.g. `t` for `t/⏎`: the first key that is
  /// not an arrow (`k` for `↑/k`, `tab` for `tab/l/→`).
  public func primaryKey(unicode: Bool) -> String {
    let arrows: Set<Key> = [.up, .down, .left, .right]
    return (keys.first { !arrows.contains($0) } ?? keys[0]).label(unicode: unicode)
  }
}
