import Foundation

/// Watches signals without letting them kill the process; `received` is the first one seen.
///
/// While it watches, the signals are ignored by their default action and reported here instead,
/// so the caller can end its work in order (restore the terminal, end step processes) and then
/// exit with 128 + the signal's number. `cancel()` stops watching; the signals stay ignored until
/// the process exits, so a second one during the clean-up cannot cut it short.
public final class SignalWatch: @unchecked Sendable {
  // Safe: `first` is only touched under `lock`; the sources are created and cancelled on the
  // caller's thread and their handlers only call `record`.
  private let lock = NSLock()
  private var first: Int32?
  private var sources: [DispatchSourceSignal] = []
  private var handlers: [@Sendable (Int32) -> Void] = []

  /// The signals that end Lanes in order: interrupt, terminate, hang-up and quit (SIGQUIT ends
  /// Lanes like the others instead of printing a crash report over the screen).
  public static let terminating: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

  /// Starts watching `numbers`.
  public init(_ numbers: [Int32] = SignalWatch.terminating) {
    for number in numbers {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in self?.record(number) }
      source.resume()
      sources.append(source)
    }
  }

  /// The first signal received, if any.
  public var received: Int32? { lock.withLock { first } }

  /// Calls `handler` (on a global queue) with the first signal received; at once if one already was.
  public func onSignal(_ handler: @escaping @Sendable (Int32) -> Void) {
    let already = lock.withLock { () -> Int32? in
      if first == nil { handlers.append(handler) }
      return first
    }
    if let already { handler(already) }
  }

  private func record(_ number: Int32) {
    let toCall = lock.withLock { () -> [@Sendable (Int32) -> Void] in
      guard first == nil else { return [] }
      first = number
      defer { handlers = [] }
      return handlers
    }
    for handler in toCall { handler(number) }
  }

  /// Stops watching (the signals stay ignored, see the type's comment).
  public func cancel() { sources.forEach { $0.cancel() } }

  /// `SIGTERM` for 15, `signal 40` for one without a name here.
  public static func name(of number: Int32) -> String {
    switch number {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    case SIGQUIT: return "SIGQUIT"
    default: return "signal \(number)"
    }
  }

  /// The exit status a shell reports for a process ended by `number`.
  public static func exitStatus(for number: Int32) -> Int32 { 128 + number }
}
