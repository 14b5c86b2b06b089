import Foundation
import TerminalUI

/// Writes a frame as plain text, so a screen can be pasted into an issue.
enum ScreenDump {
  /// Writes `screen` to `directory/lanes-screen-<timestamp>.txt` and returns the path.
  static func write(_ screen: Screen, directory: String, timestamp: String) throws -> String {
    let name = "lanes-screen-\(timestamp).txt"
    let path = directory == "." ? name : (directory as NSString).appendingPathComponent(name)
    try (screen.text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}
