import CStandardStreams
import ExecutionCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The process's standard output and error, written without ever crashing and without losing an
/// error.
///
/// Foundation's `FileHandle.write` traps (SIGILL) when the descriptor is closed, and `print`
/// buffers through stdio, which drops write errors at exit. Every message Lanes prints goes
/// through here instead: plain `write(2)` calls, retried on EINTR, whose first failure is kept
/// so that the program can report it and exit non-zero.
public enum Console {
  /// A standard stream.
  public enum Stream: Sendable, Hashable, CustomStringConvertible {
    /// Standard output (descriptor 1).
    case output
    /// Standard error (descriptor 2).
    case error

    var descriptor: Int32 { self == .output ? 1 : 2 }

    /// `standard output` or `standard error`, for messages.
    public var description: String { self == .output ? "standard output" : "standard error" }
  }

  /// A write that failed: the stream and the C library's error number.
  public struct WriteFailure: Sendable, Hashable, CustomStringConvertible {
    /// The stream that could not be written.
    public var stream: Stream
    /// `errno` of the failed `write`.
    public var errorNumber: Int32

    /// `cannot write to standard output: No space left on device`.
    public var description: String {
      let reason = errorNumber == EBADF ? "it is closed" : String(cString: strerror(errorNumber))
      return "cannot write to \(stream): \(reason)"
    }
  }

  private static let failures = Mutex<[WriteFailure]>([])

  /// The first failed write to each stream, in the order they happened (empty when all went out).
  public static var failuresSoFar: [WriteFailure] { failures.withLock { $0 } }

  /// Makes the standard streams safe to use; call once, first thing in `main`.
  ///
  /// A descriptor the caller closed (`2>&-`) would otherwise be reused by the next file opened,
  /// and messages meant for the terminal would land in a CSV file or the runtime's own eventfd.
  /// CStandardStreams reopens each closed one read-only on /dev/null before anything else runs
  /// (this call makes sure it is linked in): it keeps the slot, and writes to it still fail
  /// (EBADF), so they are reported rather than lost. SIGPIPE is ignored so that a closed pipe is
  /// a write error (EPIPE) the program reports, not a silent death.
  public static func prepareStandardDescriptors() {
    _ = lanes_closed_standard_descriptors()
    signal(SIGPIPE, SIG_IGN)
  }

  /// Writes `text` and a newline to standard output, control characters escaped.
  public static func out(_ text: String) {
    write(escape(text) + "\n", to: .output)
  }

  /// Writes `text` and a newline (unless it ends in one) to standard error, control characters
  /// escaped.
  public static func error(_ text: String) {
    let escaped = escape(text)
    write(escaped.hasSuffix("\n") ? escaped : escaped + "\n", to: .error)
  }

  /// Writes `text` as it is (the caller vouches for its escapes, e.g. a progress line's `\r`).
  /// Returns false, and records the failure, when it could not be written whole.
  @discardableResult
  public static func write(_ text: String, to stream: Stream) -> Bool {
    var bytes = Array(text.utf8)
    let failure: Int32? = bytes.withUnsafeMutableBytes { buffer -> Int32? in
      var offset = 0
      while offset < buffer.count {
        let written = systemWrite(stream.descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written > 0 {
          offset += written
        } else if written < 0, errno == EINTR {
          continue
        } else if written < 0, errno == EAGAIN || errno == EWOULDBLOCK {
          // A descriptor someone made nonblocking: wait until it takes more.
          var entry = pollfd(fd: stream.descriptor, events: Int16(POLLOUT), revents: 0)
          _ = poll(&entry, 1, 1000)
        } else {
          return written < 0 ? errno : EIO
        }
      }
      return nil
    }
    guard let failure else { return true }
    failures.withLock { list in
      if !list.contains(where: { $0.stream == stream }) {
        list.append(WriteFailure(stream: stream, errorNumber: failure))
      }
    }
    return false
  }

  /// Flushes C stdio's standard output (what a dependency may have `print`ed) and records an error
  /// it reports.
  public static func flushStandardIO() {
    // fflush(nil) flushes every stdio stream; it fails (EOF) when a buffered write could not go out.
    if fflush(nil) != 0 {
      let number = errno == 0 ? EIO : errno
      failures.withLock { list in
        if !list.contains(where: { $0.stream == .output }) {
          list.append(WriteFailure(stream: .output, errorNumber: number))
        }
      }
    }
  }

  /// `text` with every control character written out (`\u{1B}` for ESC), except newlines and
  /// tabs, so that untrusted text (an id from a file, a path, a process's output) cannot move the
  /// cursor, clear the screen, retitle the window or reorder what follows it.
  public static func escape(_ text: String) -> String {
    TerminalText.escaped(text, keepingLines: true)
  }
}

/// `write(2)`, named apart from `Console.write` (inside the enum, the member would shadow it).
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
  #else
    Darwin.write(descriptor, bytes, count)
  #endif
}
