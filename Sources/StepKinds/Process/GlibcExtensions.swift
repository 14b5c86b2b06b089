#if canImport(Glibc)
  import Glibc
#else
  // Lanes is Linux-only (see Package.swift): process steps need glibc's posix_spawn extensions,
  // pidfd_open and eventfd. Say so at compile time rather than fail in obscure ways.
  #error("StepKinds needs Linux and glibc (posix_spawn extensions, pidfd_open, eventfd)")
#endif

/// glibc functions that Swift's Glibc module hides (they need `_GNU_SOURCE`), looked up at run time
/// so that no C shim target is needed; each is optional and has a fallback where it is used.
enum GlibcExtensions {
  /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29): chdir in the child before exec.
  typealias AddChdir =
    @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>)
    -> Int32
  /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34): close every fd >= n in the child.
  typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
  /// `pidfd_open` (glibc 2.36, Linux 5.3): a descriptor that polls readable when the process exits.
  typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32

  /// `pipe2` (glibc 2.9): a pipe created close-on-exec atomically, so no concurrent spawn inherits it.
  typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
  /// `eventfd` (glibc 2.8): a counter descriptor, used to wake a poll loop.
  typealias EventFD = @convention(c) (UInt32, Int32) -> Int32

  /// Linux's values (`EFD_CLOEXEC` is `O_CLOEXEC`, `EFD_NONBLOCK` is `O_NONBLOCK`).
  static let eventFDFlags = O_CLOEXEC | O_NONBLOCK

  /// The looked-up functions, nil when this glibc lacks them.
  static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
  /// See `AddCloseFrom`.
  static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
  /// See `PidfdOpen`.
  static let pidfdOpen: PidfdOpen? = symbol("pidfd_open")

  /// See `Pipe2`.
  static let pipe2: Pipe2? = symbol("pipe2")
  /// See `EventFD`.
  static let eventFD: EventFD? = symbol("eventfd")

  private static func symbol<F>(_ name: String) -> F? {
    // dlopen(nil) is the global scope of the program, which includes libc.
    guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
    return unsafeBitCast(pointer, to: F.self)
  }
}
