import CNcursesw
import TerminalUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension NCursesTerminal {
  /// Waits up to `timeout` for a key, a resize or a stop signal (SIGINT, SIGTERM, SIGHUP, which
  /// arrive as `.terminate`). Returns nil when nothing usable came, possibly before the timeout
  /// (an unmapped key, an interrupted wait); callers treat nil as an idle tick.
  public func nextEvent(timeout: Duration) -> InputEvent? {
    guard isOpen else { return nil }
    if let stop = takeStopSignal() { return stop }
    wtimeout(stdscrWindow, Self.milliseconds(timeout))
    var code: wint_t = 0
    let status = wget_wch(stdscrWindow, &code)
    if let stop = takeStopSignal() { return stop }
    if status == nc_err() {
      // A vanished terminal (pty closed without SIGHUP reaching us) makes every read fail at once;
      // without this check the loop would spin at full CPU.
      if isatty(inputDescriptor) == 0 { return .terminate(signal: SIGHUP) }
      return nil
    }
    switch NCursesKeyMap.reading(status: status, code: UInt32(code)) {
    case .key(let key):
      return .key(key)
    case .resize:
      noteResize()
      return .resize(size)
    case .ignored:
      return nil
    }
  }

  private func takeStopSignal() -> InputEvent? {
    let signal = nc_take_stop_signal()
    return signal == 0 ? nil : .terminate(signal: signal)
  }

  /// `timeout` in whole milliseconds for `wtimeout`, clamped to 0...Int32.max (never negative:
  /// a negative wtimeout would block forever).
  static func milliseconds(_ timeout: Duration) -> Int32 {
    let (seconds, attoseconds) = timeout.components
    guard seconds >= 0, attoseconds >= 0 else { return 0 }
    let total = seconds.multipliedReportingOverflow(by: 1000)
    guard !total.overflow else { return Int32.max }
    let milliseconds = total.partialValue + attoseconds / 1_000_000_000_000_000
    return Int32(clamping: milliseconds)
  }
}
