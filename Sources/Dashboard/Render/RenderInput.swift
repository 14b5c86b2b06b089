import ExecutionCore
import TerminalUI

/// Everything one frame is drawn from.
public struct RenderInput: Sendable {
  /// The dashboard's state.
  public var state: DashboardState
  /// The snapshot on screen (nil before the first one).
  public var snapshot: RuntimeSnapshot?
  /// The colours.
  public var theme: Theme
  /// What the terminal can show.
  public var capabilities: TerminalCapabilities
  /// The terminal's size.
  public var size: Size
  /// The dashboard clock's time now (status expiry, comparison progress).
  public var now: Duration
  /// How old the data is, when it is stale (nil: fresh).
  public var dataAge: Duration?
  /// Step attempts ended per second across the runtime, when known.
  public var stepsPerSecond: Double?
  /// The keys, for the footer and the help overlay.
  public var keyTable: KeyTable
  /// The connection to a remote runtime, shown in the header (nil: the runtime is in this process).
  public var connection: RuntimeLink?

  /// Creates the input for one frame.
  public init(
    state: DashboardState, snapshot: RuntimeSnapshot?, theme: Theme = .builtInDefault,
    capabilities: TerminalCapabilities = TerminalCapabilities(colorDepth: .trueColor, unicode: true),
    size: Size, now: Duration = .zero, dataAge: Duration? = nil, stepsPerSecond: Double? = nil,
    keyTable: KeyTable = .standard, connection: RuntimeLink? = nil
  ) {
    self.state = state
    self.snapshot = snapshot
    self.theme = theme
    self.capabilities = capabilities
    self.size = size
    self.now = now
    self.dataAge = dataAge
    self.stepsPerSecond = stepsPerSecond
    self.keyTable = keyTable
    self.connection = connection
  }
}
