import Foundation

/// Files a command writes its results to (`compare --csv`), with errors in plain words.
enum OutputFile {
  /// Why `path` cannot be written, or nil if it can (checked by opening it for writing, which
  /// creates it; the file is removed again if it was not there before).
  static func problem(writing path: String) -> String? {
    let existed = FileManager.default.fileExists(atPath: path)
    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return reason(errno, path: path) }
    close(descriptor)
    if !existed { unlink(path) }
    return nil
  }

  /// Writes `text` to `path` (created or replaced); the reason it failed, or nil.
  static func write(_ text: String, to path: String) -> String? {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return reason(errno, path: path) }
    var bytes = Array(text.utf8)
    var failure: Int32?
    bytes.withUnsafeMutableBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written > 0 {
          offset += written
        } else if written < 0, errno == EINTR {
          continue
        } else {
          failure = written < 0 ? errno : EIO
          return
        }
      }
    }
    if close(descriptor) != 0, failure == nil { failure = errno }
    return failure.map { reason($0, path: path) }
  }

  /// An error number as the reason a path cannot be written, with the fix where there is one.
  static func reason(_ number: Int32, path: String) -> String {
    let folder = (path as NSString).deletingLastPathComponent
    switch number {
    case ENOENT:
      return "the folder \(folder.isEmpty ? "." : folder) does not exist; create it or choose another path"
    case EACCES, EPERM: return "permission denied; choose a path in a folder you can write to"
    case EISDIR: return "it is a folder; give a file name"
    case ENOTDIR: return "a part of the path is not a folder"
    case EROFS: return "the file system is read-only"
    case ENOSPC: return "no space left on the device"
    default: return String(cString: strerror(number)).lowercased()
    }
  }
}
