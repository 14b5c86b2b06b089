import CNcursesw
import TerminalUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension NCursesTerminal {
  /// What terminfo says about `term`, without opening the terminal.
  public static func terminfoStatus(for term: String) -> TerminfoStatus {
    var addressesCursor: Int32 = 0
    guard nc_probe_terminfo(term, &addressesCursor) == 1 else { return .unknown }
    return .found(addressesCursor: addressesCursor == 1)
  }

  /// Decides whether this process can run the full-screen dashboard, should print plain lines,
  /// or has a misconfigured terminal. Call it before `open()`.
  ///
  /// - Parameters:
  ///   - term: the terminal type; nil reads `TERM`.
  ///   - inputDescriptor, outputDescriptor: the descriptors the dashboard would use.
  public static func detectMode(
    term: String? = nil, inputDescriptor: Int32 = 0, outputDescriptor: Int32 = 1
  ) -> TerminalMode {
    let term = term ?? getenv("TERM").map { String(cString: $0) }
    let terminfo = term.map { $0.isEmpty ? .unknown : terminfoStatus(for: $0) } ?? .unknown
    return TerminalMode.decide(
      stdoutIsTerminal: isatty(outputDescriptor) == 1, stdinIsTerminal: isatty(inputDescriptor) == 1,
      term: term, terminfo: terminfo)
  }
}
