import ArgumentParser
import ExecutionCore
import LanesPostgres
import LanesSQLite

/// `--store` and `--durability`: where background steps live (`serve`, `run`, `dashboard`, `call`).
struct StoreFlags: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Where background steps live: memory (lost when the process dies), sqlite:PATH (durable; one process per file) or postgres://USER[:PASSWORD]@HOST[:PORT]/DB (durable; several nodes share the queues). Default: memory, sqlite:lanes.db for serve.",
      valueName: "store"))
  var store: String?

  @Option(
    help: ArgumentHelp(
      "With a durable store: process (default; what is committed survives the death of any Lanes process, kill -9 included) or power (also a crash of the machine or of PostgreSQL: every commit waits for an fsync). SQLite: synchronous=NORMAL or FULL; PostgreSQL: steps' claims, starts and finishes with synchronous_commit off or on (enqueues always wait for the flush).",
      valueName: "level"))
  var durability: String?

  @Option(
    help: ArgumentHelp(
      "With postgres://: how long a claim holds a step before another node may take it over (default: 30s; extended every third of it while the step runs).",
      valueName: "duration"),
    transform: OptionParsing.positiveDuration)
  var lease: Duration?

  /// What `--store` names.
  enum Choice: Equatable {
    case memory
    case sqlite(path: String)
    case postgres(PostgresURL)
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
    if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
      do {
        return .postgres(try PostgresURL(parsing: text))
      } catch {
        Loading.printError("lanes \(command): --store: \(error)")
        throw ExitCode(64)
      }
    }
    Loading.printError(
      "lanes \(command): --store '\(text)' is not a store; use memory, sqlite:PATH (e.g. sqlite:lanes.db) or postgres://USER@HOST:PORT/DB"
    )
    throw ExitCode(64)
  }

  /// The store chosen (nil: memory), `defaultStore` when `--store` is not given. `apiAddress` is
  /// this node's API address (serve's `--listen`), which a PostgreSQL store shows to other nodes.
  func make(
    command: String, defaultStore: String = "memory", apiAddress: String? = nil
  ) throws -> (any StepStore)? {
    let choice = try Self.parse(store ?? defaultStore, command: command)
    if case .memory = choice, let durability {
      Loading.printError(
        "lanes \(command): --durability \(durability) applies to sqlite: and postgres:// stores (memory keeps nothing); drop --durability or choose a durable --store"
      )
      throw ExitCode(64)
    }
    guard let level = SQLiteDurability(rawValue: durability ?? "process") else {
      Loading.printError(
        "lanes \(command): --durability '\(durability ?? "")' is not a level; use process or power")
      throw ExitCode(64)
    }
    if case .postgres = choice {
    } else if lease != nil {
      Loading.printError(
        "lanes \(command): --lease applies to postgres:// stores only (a local store has no other node to hand a step to); drop --lease"
      )
      throw ExitCode(64)
    }
    switch choice {
    case .memory: return nil
    case .sqlite(let path):
      return SQLiteStepStore(path: path, durability: level)
    case .postgres(let url):
      var options = PostgresStoreOptions()
      // The same promise as SQLite's levels: process survives any Lanes process dying (the
      // commit is PostgreSQL's), power also PostgreSQL or its machine crashing.
      options.durableStepCommits = level == .power
      if let lease { options.lease = lease }
      options.apiAddress = apiAddress
      // Nodes with different workflow sets (a rolling deploy) are said on stderr, once each.
      options.report = { Loading.printError("lanes \(command): \($0)") }
      return PostgresStepStore(url: url, options: options)
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
