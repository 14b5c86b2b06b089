/// A terminal that lives in memory: tests script its input and read what was presented.
///
/// Like NIO's `EmbeddedChannel`, it is shipped as part of the library so that any front end
/// built on `TerminalBackend` can be driven by keys in tests without a real terminal.
public final class InMemoryTerminal: TerminalBackend {
  /// The current size; `resize(to:)` changes it and queues a resize event.
  public private(set) var size: Size
  /// What this fake terminal claims to support.
  public var capabilities: TerminalCapabilities
  /// Every frame presented, oldest first.
  public private(set) var frames: [Screen] = []
  /// Events still to be delivered, in order.
  public private(set) var pendingEvents: [InputEvent] = []
  /// How many times `nextEvent` found nothing queued (each such call stands for one idle tick).
  public private(set) var idlePolls = 0

  /// Creates a terminal of `size`.
  public init(
    size: Size,
    capabilities: TerminalCapabilities = TerminalCapabilities(colorDepth: .trueColor, unicode: true)
  ) {
    self.size = size
    self.capabilities = capabilities
  }

  /// The last frame presented, if any.
  public var lastFrame: Screen? { frames.last }

  /// Queues key presses.
  public func press(_ keys: Key...) { pendingEvents += keys.map(InputEvent.key) }

  /// Queues each character of `text` as a key press.
  public func type(_ text: String) { pendingEvents += text.map { InputEvent.key(.character($0)) } }

  /// Changes the size and queues the resize event a real terminal would send.
  public func resize(to newSize: Size) {
    size = newSize
    pendingEvents.append(.resize(newSize))
  }

  /// Queues any event.
  public func send(_ event: InputEvent) { pendingEvents.append(event) }

  /// Records the frame.
  public func present(_ screen: Screen) { frames.append(screen) }

  /// Delivers the next queued event at once, or nil (without waiting) when none is queued.
  public func nextEvent(timeout: Duration) -> InputEvent? {
    guard !pendingEvents.isEmpty else {
      idlePolls += 1
      return nil
    }
    return pendingEvents.removeFirst()
  }
}
