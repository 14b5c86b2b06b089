import Foundation

/// What the test helpers need from posix_spawn that Swift's Glibc module does not expose.
enum SpawnSupport {
  private typealias AddCloseFrom =
    @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

  /// Closes every descriptor from `lowest` up in the child (glibc 2.34+), so a long-lived child
  /// such as the tmux server never holds another test's pipe open. Looked up at run time because
  /// the Glibc module does not import it.
  static func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { return }
    let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
    _ = addCloseFrom(&actions, lowest)
  }
}
