import ExecutionCore

/// What handling an action may read besides the state itself. It holds no way to reach the
/// runtime: the reducer decides from the snapshot on screen and returns commands as effects.
public struct ActionContext: Sendable {
  /// The snapshot on screen (nil before the first one); every toggle decides from it.
  public var snapshot: RuntimeSnapshot?
  /// The dashboard clock's time now.
  public var now: Duration
  /// Theme names, for feedback when cycling.
  public var themeNames: [String]
  /// How long each comparison phase lasts.
  public var comparisonPhase: Duration
  /// How long a status message stays.
  public var statusDuration: Duration
  /// The keys, so that feedback names the keys the table really binds.
  public var keyTable: KeyTable
  /// Whether key names may use Unicode arrows.
  public var unicode: Bool

  /// Creates a context.
  public init(
    snapshot: RuntimeSnapshot?, now: Duration, themeNames: [String] = [],
    comparisonPhase: Duration = .seconds(10), statusDuration: Duration = .seconds(4),
    keyTable: KeyTable = .standard, unicode: Bool = true
  ) {
    self.snapshot = snapshot
    self.now = now
    self.themeNames = themeNames
    self.comparisonPhase = comparisonPhase
    self.statusDuration = statusDuration
    self.keyTable = keyTable
    self.unicode = unicode
  }

  /// The key that triggers `action`, as messages name it.
  public func key(_ action: DashboardAction) -> String { keyTable.key(action, unicode: unicode) }
}

/// What the loop must do after an action, beyond the state change.
public struct ActionEffect: Sendable, Hashable {
  /// Commands for the runtime, in order; the app sends them and hands each result to `absorb`.
  public var commands: [RuntimeCommand]
  /// Take a snapshot now, so the change shows at once (unless frozen).
  public var refresh: Bool
  /// Write the screen to a file.
  public var saveScreen: Bool
  /// Leave the loop.
  public var quit: Bool

  /// Creates an effect.
  public init(
    commands: [RuntimeCommand] = [], refresh: Bool = false, saveScreen: Bool = false, quit: Bool = false
  ) {
    self.commands = commands
    self.refresh = refresh
    self.saveScreen = saveScreen
    self.quit = quit
  }

  /// Nothing more to do.
  public static let none = ActionEffect()
  /// Only a fresh snapshot.
  public static let refresh = ActionEffect(refresh: true)
  /// Save the screen.
  public static let saveScreen = ActionEffect(saveScreen: true)
  /// Quit.
  public static let quit = ActionEffect(quit: true)

  /// Sends `commands` and refreshes.
  public static func send(_ commands: RuntimeCommand...) -> ActionEffect {
    ActionEffect(commands: commands, refresh: true)
  }
}
