import ArgumentParser
import ExecutionCore
import LanesSQLite

/// `--store` and `--durability`: where background steps live (`serve`, `run`, `dashboard`, `call`).
struct StoreFlags: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Where background steps live: memory (lost when the process dies) or sqlite:PATH (durable; one process per file). Default: memory, sqlite:lanes.db for serve.",
      valueName: "store"))
  var store: String?

  @Option(
    help: ArgumentHelp(
      "With sqlite: process (default; a commit survives kill -9) or power (also a power loss, at an fsync per commit).",
      valueName: "level"))
  var durability: String = "process"

  /// What `--store` names.
  enum Choice: Equatable {
    case memory
    case sqlite(path: String)
  }

  /// Parses `text` (exits 64 with a message naming the fix on a bad value).
  static func parse(_ text: String, command: String) throws -> Choice {
    if text == "memory" { return .memory }
    if text.hasPrefix("sqlite:") {
      let path = String(text.dropFirst("sqlite:".count))
      guard !path.isEmpty else {
        Loading.printError("lanes \(command): --store sqlite: needs a path, e.g. --store sqlite:lanes.db")
        throw ExitCode(64)
      }
      return .sqlite(path: path)
    }
    Loading.printError(
      "lanes \(command): --store '\(text)' is not a store; use memory or sqlite:PATH (e.g. sqlite:lanes.db)")
    throw ExitCode(64)
  }

  /// The store chosen (nil: memory), `defaultStore` when `--store` is not given.
  func make(command: String, defaultStore: String = "memory") throws -> (any StepStore)? {
    guard let level = SQLiteDurability(rawValue: durability) else {
      Loading.printError(
        "lanes \(command): --durability '\(durability)' is not a level; use process or power")
      throw ExitCode(64)
    }
    switch try Self.parse(store ?? defaultStore, command: command) {
    case .memory: return nil
    case .sqlite(let path): return SQLiteStepStore(path: path, durability: level)
    }
  }

  /// Opens the runtime's store (if any) and says what was recovered on stderr; on a store error
  /// prints it and exits 1 (the runtime is shut down first).
  static func open(_ runtime: Runtime, command: String, announce: Bool) async throws {
    do {
      let recovery = try await runtime.openStore()
      if announce, let store = runtime.storeName {
        Loading.printError(
          "lanes \(command): store \(store)\(recovery?.summary.map { "; \($0)" } ?? " (nothing to recover)")")
      }
    } catch {
      Loading.printError("lanes \(command): \(error)")
      _ = await runtime.shutdown(deadline: .zero)
      throw ExitCode(1)
    }
  }
}
