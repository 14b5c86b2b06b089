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
  /// The keys as help and the footer print them, e.g. `t/⏎`.
  public var label: String
  /// The label with ASCII only, for terminals without UTF-8.
  public var asciiLabel: String
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
    _ keys: [Key], label: String, asciiLabel: String? = nil, action: DashboardAction,
    short: String, description: String, group: Group, footerRank: Int? = nil,
    mutatesRuntime: Bool = false
  ) {
    self.keys = keys
    self.label = label
    self.asciiLabel = asciiLabel ?? label
    self.action = action
    self.shortDescription = short
    self.description = description
    self.group = group
    self.footerRank = footerRank
    self.mutatesRuntime = mutatesRuntime
  }

  /// The label for a terminal with or without UTF-8.
  public func label(unicode: Bool) -> String { unicode ? label : asciiLabel }
}
