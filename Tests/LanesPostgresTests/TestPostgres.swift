import Foundation
import LanesPostgres

/// The tests' throwaway server: the library's `ThrowawayPostgres` (also what `lanes bench`'s
/// PostgreSQL cases start), with fsync off.
typealias TestPostgres = ThrowawayPostgres

extension ThrowawayPostgres {
  /// Run the PostgreSQL tests: when PostgreSQL is installed, and always in CI (where a missing
  /// PostgreSQL must fail the run, not skip it: `.ci/run` installs it).
  static var shouldRun: Bool {
    isInstalled || ProcessInfo.processInfo.environment["CI"] == "true"
  }

  /// A fresh server for one test (fsync off: a throwaway server needs no durability).
  static func forTests() throws -> ThrowawayPostgres { try ThrowawayPostgres(durable: false) }

  /// Runs `body` with a fresh server, stopping it whether `body` returns or throws.
  static func with<T>(_ body: (ThrowawayPostgres) async throws -> T) async throws -> T {
    let server = try forTests()
    do {
      let value = try await body(server)
      server.stop()
      return value
    } catch {
      server.stop()
      throw error
    }
  }
}
