import ExecutionCore
import Foundation
import Glibc
import LanesTestSupport

/// A context for calling step bodies directly.
let testContext = StepContext(runID: 1, stepID: "test", attempt: 1, executedAs: .blocking)

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("stepkinds-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The pid a shell step wrote into `file`, once it is there.
func readPID(_ file: URL) async -> pid_t? {
  var pid: pid_t?
  _ = await eventually {
    guard let text = try? String(contentsOf: file, encoding: .utf8), text.hasSuffix("\n") else {
      return false
    }
    pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    return pid != nil
  }
  return pid
}

/// Whether no process is left in group `pgid` (kill with signal 0 reports ESRCH).
func groupIsGone(_ pgid: pid_t) -> Bool {
  kill(-pgid, 0) == -1 && errno == ESRCH
}

/// Pids in group `pgid` that are still running (not zombies waiting for init to reap them).
func liveMembers(ofGroup pgid: pid_t) -> [pid_t] {
  processStats().filter { $0.pgid == pgid && $0.state != "Z" }.map(\.pid)
}

/// The number of descriptors this process has open, optionally leaving out sockets (which the HTTP
/// tests, running at the same time, open and close).
func openDescriptorCount(includingSockets: Bool = true) -> Int {
  guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return -1 }
  if includingSockets { return entries.count }
  return entries.filter { entry in
    let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(entry)")
    return target?.hasPrefix("socket:") != true
  }.count
}

/// Pids of this process's children that are zombies (exited, never reaped).
func zombieChildren() -> [pid_t] {
  let me = getpid()
  return processStats().filter { $0.ppid == me && $0.state == "Z" }.map(\.pid)
}

/// Every process's pid, state, parent and group, from /proc/<pid>/stat.
private func processStats() -> [(pid: pid_t, state: Substring, ppid: pid_t, pgid: pid_t)] {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  return entries.compactMap { entry in
    guard let pid = pid_t(entry),
      let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    // After "pid (comm) ": state, ppid, pgrp.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 3, let ppid = pid_t(fields[1]), let pgid = pid_t(fields[2]) else { return nil }
    return (pid, fields[0], ppid, pgid)
  }
}
