import Foundation

/// Watches signals without letting them kill the process; `received` is the first one seen.
///
/// While it watches, the signals are ignored by their default action and reported here instead,
/// so the caller can end its work in order (restore the terminal, end step processes) and then
/// exit with 128 + the signal's number. `cancel()` stops watching and, by default, gives each
/// signal back the disposition it had before, so a service that embedded a dashboard can still be
/// stopped by SIGTERM afterwards. A command about to exit passes `keepIgnored: true` instead, so
/// a second signal during its clean-up cannot cut it short.
public final class SignalWatch: @unchecked Sendable {
  // Safe: `first` is only touched under `lock`; the sources are created and cancelled on the
  // caller's thread and their handlers only call `record`.
  private let lock = NSLock()
  private var first: Int32?
  private var sources: [DispatchSourceSignal] = []
  private var handlers: [@Sendable (Int32) -> Void] = []
  private var previous: [(number: Int32, action: sigaction)] = []
  private let keepIgnored: Bool

  /// The signals that end Lanes in order: interrupt, terminate, hang-up and quit (SIGQUIT ends
  /// Lanes like the others instead of printing a crash report over the screen).
  public static let terminating: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

  /// Starts watching `numbers`; with `keepIgnored`, `cancel()` leaves them ignored.
  public init(_ numbers: [Int32] = SignalWatch.terminating, keepIgnored: Bool = false) {
    self.keepIgnored = keepIgnored
    for number in numbers {
      var old = sigaction()
      var ignore = sigaction()
      ignore.__sigaction_handler.sa_handler = SIG_IGN
      sigemptyset(&ignore.sa_mask)
      sigaction(number, &ignore, &old)
      previous.append((number, old))
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

  /// Stops watching and gives the signals back their earlier dispositions, unless made with
  /// `keepIgnored` (see the type's comment). Calling it again does nothing more.
  public func cancel() {
    sources.forEach { $0.cancel() }
    guard !keepIgnored else { return }
    for (number, action) in previous {
      var restored = action
      sigaction(number, &restored, nil)
    }
    previous = []
  }

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
