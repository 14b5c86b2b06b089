import Foundation
import Synchronization

/// Samples resident memory on its own thread every few milliseconds and keeps the peak.
///
/// VmHWM cannot be reset, so a phase that must know *its own* peak (the overload case at 1× and at
/// 10×) samples instead; the sampling thread never touches the cooperative pool.
public final class MemorySampler: Sendable {
  private let state = Mutex<(peak: Int, stop: Bool)>((0, false))
  private let done = DispatchSemaphore(value: 0)

  /// Starts sampling every `interval`.
  public init(interval: Duration = .milliseconds(5)) {
    let micros = UInt32(max(100, interval.wholeNanoseconds / 1000))
    let thread = Thread { [self] in
      while true {
        let resident = ProcessMemory.residentBytes()
        let stop = state.withLock { state -> Bool in
          state.peak = max(state.peak, resident)
          return state.stop
        }
        if stop { break }
        usleep(micros)
      }
      done.signal()
    }
    thread.name = "bench-rss-sampler"
    thread.start()
  }

  /// Stops sampling and returns the peak resident bytes seen.
  public func finish() -> Int {
    state.withLock { $0.stop = true }
    done.wait()
    return max(state.withLock { $0.peak }, ProcessMemory.residentBytes())
  }
}
