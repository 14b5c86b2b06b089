import Foundation
import WorkflowFiles

/// Paths that exist but cannot be reached, which a plain "does it exist?" reports as missing.
enum PathCheck {
  /// A diagnostic when `argument` cannot be looked at because a folder on its path may not be
  /// searched (no x permission): the loader would otherwise say "no such file".
  static func unreachable(_ argument: String) -> Diagnostic? {
    var info = stat()
    guard stat(argument, &info) != 0, errno == EACCES else { return nil }
    // The first folder on the way that cannot be searched, to name it in the fix.
    var folder = argument.hasPrefix("/") ? "/" : "."
    var blocked = folder
    for component in argument.split(separator: "/").dropLast() {
      folder = folder == "/" ? "/\(component)" : folder == "." ? String(component) : "\(folder)/\(component)"
      if access(folder, X_OK) != 0 {
        blocked = folder
        break
      }
    }
    return Diagnostic(
      file: argument, location: nil,
      message: "cannot reach the file: permission denied to search the folder \(blocked)",
      hint: "Give yourself search permission on it (chmod u+x \(blocked)), or use a copy of the file.")
  }
}
