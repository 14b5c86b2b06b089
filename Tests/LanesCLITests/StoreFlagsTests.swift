import LanesPostgres
import LanesSQLite
import Testing

@testable import LanesCLI

/// `--durability` means the same promise for both durable stores.
@Suite struct StoreFlagsTests {
  func store(_ arguments: [String]) throws -> (any Sendable)? {
    try StoreFlags.parse(arguments).make(command: "test")
  }

  @Test func processAndPowerMapToEachStoresSetting() throws {
    let url = "postgres://lanes@127.0.0.1:5432/db"
    let plain = try #require(try store(["--store", url]) as? PostgresStepStore)
    #expect(!plain.options.durableStepCommits)
    let process = try #require(try store(["--store", url, "--durability", "process"]) as? PostgresStepStore)
    #expect(!process.options.durableStepCommits)
    let power = try #require(try store(["--store", url, "--durability", "power"]) as? PostgresStepStore)
    #expect(power.options.durableStepCommits)
    let sqlite = try #require(
      try store(["--store", "sqlite:x.db", "--durability", "power"]) as? SQLiteStepStore)
    #expect(sqlite.durability == .power)
    #expect((try store(["--store", "sqlite:x.db"]) as? SQLiteStepStore)?.durability == .process)
  }
}
