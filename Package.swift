// swift-tools-version: 6.1
import PackageDescription

// Lanes builds and runs on Linux only (tested on Debian 12 with glibc 2.36): StepKinds spawns and
// watches processes with glibc's posix_spawn extensions, pidfd_open and eventfd, and the tests read
// /proc. No platform is named here for that reason; other systems fail at compile time with a
// message saying so (Sources/StepKinds/Process/GlibcExtensions.swift).

// `.ci/fuzz` builds with LANES_FUZZ=1: libFuzzer coverage and AddressSanitizer for the loader and its
// fuzz target only (with -Xswiftc they would also reach the EmbedText build tool, which then fails).
let fuzzing = Context.environment["LANES_FUZZ"] == "1"
let fuzzFlags: [SwiftSetting] =
  fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("LANES_FUZZ")] : []

let package = Package(
  name: "Lanes",
  products: [
    .library(name: "ExecutionCore", targets: ["ExecutionCore"]),
    .library(name: "WorkflowFiles", targets: ["WorkflowFiles"]),
    .library(name: "TerminalUI", targets: ["TerminalUI"]),
    .library(name: "Dashboard", targets: ["Dashboard"]),
    .library(name: "DashboardHost", targets: ["DashboardHost"]),
    .library(name: "StepKinds", targets: ["StepKinds"]),
    .library(name: "LanesCLI", targets: ["LanesCLI"]),
    .library(name: "LanesRemote", targets: ["LanesRemote"]),
    .library(name: "LanesServer", targets: ["LanesServer"]),
    .library(name: "LanesSQLite", targets: ["LanesSQLite"]),
    .library(name: "LanesPostgres", targets: ["LanesPostgres"]),
    .executable(name: "lanes", targets: ["lanes"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    // `lanes serve` (LanesServer): Hummingbird 2 for HTTP (loopback by default, streaming bodies,
    // tested middleware), swift-prometheus for /metrics, swift-log for the server's log lines.
    // No default traits: swift-configuration and full Foundation are not needed and cost build time.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    // LanesSQLite: the durable store on SQLite (WAL, one writer, group commit) through GRDB.
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    // The PostgreSQL store (LanesPostgres): the only PostgreSQL client version in the local mirror.
    .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
  ],
  targets: [
    // How Lanes writes for a person (durations, numbers, percentages, ratios, clocks, the edit
    // distance behind every "did you mean"): one home, below the core and the widgets, which
    // re-export it.
    .target(name: "Figures"),
    // The runtime: workflows, critical path, background queues, metrics, snapshot. No UI, no YAML.
    .target(
      name: "ExecutionCore",
      dependencies: [
        "Figures",
        .product(name: "Histogram", package: "hdrhistogram-swift"),
        .product(name: "DequeModule", package: "swift-collections"),
      ]
    ),
    // YAML workflow files -> validated definitions, errors with file:line:column.
    .target(
      name: "WorkflowFiles",
      dependencies: ["ExecutionCore", "StepKinds", .product(name: "Yams", package: "Yams")],
      swiftSettings: fuzzFlags, plugins: ["EmbedShippedText"]
    ),
    // Real step kinds: run a process, call an HTTP endpoint (Foundation's URLSession, no NIO).
    .target(name: "StepKinds", dependencies: ["ExecutionCore"]),
    // Screen, cells, styles, widgets, the TerminalBackend protocol and an in-memory terminal.
    .target(name: "TerminalUI", dependencies: ["Figures"]),
    // Dashboard state, key table, panels, themes, run loop (generic over TerminalBackend).
    .target(
      name: "Dashboard", dependencies: ["ExecutionCore", "TerminalUI"], plugins: ["EmbedShippedText"]
    ),
    // The C shim for ncurses; only NCursesTerminal imports it.
    .target(
      name: "CNcursesw",
      linkerSettings: [.linkedLibrary("ncursesw")]
    ),
    .target(name: "NCursesTerminal", dependencies: ["TerminalUI", "CNcursesw"]),
    // The dashboard's host: full screen or status lines, signals, themes, the embedding API
    // (`LanesDashboard`) and the crash-free standard streams (`Console`). What a service embeds;
    // never depends on the CLI, the YAML loader, the step kinds or the benchmarks.
    .target(
      name: "DashboardHost",
      dependencies: ["ExecutionCore", "TerminalUI", "Dashboard", "NCursesTerminal", "CStandardStreams"]
    ),
    // A runtime in another process (`lanes serve`) as a `RuntimeControl`, over HTTP with Foundation's
    // URLSession: what `lanes dashboard --connect` watches. No server code, no NIO.
    .target(name: "LanesRemote", dependencies: ["ExecutionCore"]),
    // Reserves closed descriptors 0-2 before main runs (see Console.prepareStandardDescriptors).
    .target(name: "CStandardStreams"),
    // glibc's heap accounting (mallinfo2), which the Glibc module does not export.
    .target(name: "CProcessMemory"),
    // The commands, as a library so they can be tested in-process.
    .target(
      name: "LanesCLI",
      dependencies: [
        "ExecutionCore", "WorkflowFiles", "StepKinds", "TerminalUI", "Dashboard", "DashboardHost",
        "Benchmarks", "LanesRemote", "LanesServer", "LanesSQLite", "LanesPostgres",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // `lanes serve`: the runtime's HTTP API, /metrics and SSE events on Hummingbird. What a service
    // embeds to serve its own runtime; never depends on the CLI, the YAML loader or the dashboard.
    .target(
      name: "LanesServer",
      dependencies: [
        "ExecutionCore",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Logging", package: "swift-log"),
      ],
      exclude: ["openapi.yaml"], plugins: ["EmbedShippedText"]
    ),
    // The durable step store on SQLite (`--store sqlite:PATH`): one process per file, WAL, a single
    // writer that batches (group commit). Depends on the core's StepStore protocol only.
    .target(
      name: "LanesSQLite",
      dependencies: ["ExecutionCore", .product(name: "GRDB", package: "GRDB.swift")]
    ),
    // The PostgreSQL store: several Lanes processes on one database share the queues (claims with
    // SKIP LOCKED, leases on the database's clock, fencing, LISTEN/NOTIFY with a polling fallback).
    .target(
      name: "LanesPostgres",
      dependencies: [
        "ExecutionCore", .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // `.ci/pg-bench`: claim+finish throughput of the PostgreSQL store with 1, 2 and 3 instances.
    .executableTarget(name: "PostgresBench", dependencies: ["LanesPostgres", "ExecutionCore"]),
    .executableTarget(name: "lanes", dependencies: ["LanesCLI"]),
    // A Swift service that embeds the runtime (workflow in code; `--dashboard` watches it live).
    .executableTarget(name: "EmbeddingExample", dependencies: ["ExecutionCore", "DashboardHost"]),
    // `.ci/http-bench`: Lanes' run route and a bare Hummingbird route, served side by side.
    .executableTarget(
      name: "ServeBench",
      dependencies: [
        "LanesServer", "ExecutionCore", .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // `lanes bench`: the runtime's speed, isolation and memory against baselines measured in the same run.
    .target(
      name: "Benchmarks",
      dependencies: [
        "ExecutionCore", "TerminalUI", "Dashboard", "CProcessMemory", "LanesSQLite", "LanesPostgres",
        .product(name: "Histogram", package: "hdrhistogram-swift"),
        .product(name: "DequeModule", package: "swift-collections"),
      ]
    ),

    // What the test targets share: `eventually`, a child-process runner (posix_spawn, output to
    // files, waitpid), `closeFrom`, `residentBytes`. Used only by test targets.
    .target(name: "LanesTestSupport", path: "Tests/LanesTestSupport"),
    .testTarget(
      name: "ExecutionCoreTests", dependencies: ["ExecutionCore", "LanesTestSupport", "Benchmarks"]
    ),
    .testTarget(
      name: "WorkflowFilesTests", dependencies: ["WorkflowFiles", "ExecutionCore", "StepKinds"],
      exclude: ["Fixtures"]
    ),
    .testTarget(
      name: "StepKindsTests", dependencies: ["StepKinds", "ExecutionCore", "LanesTestSupport"],
      exclude: ["Fixtures"]
    ),
    .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
    .testTarget(
      name: "NCursesTerminalTests", dependencies: ["NCursesTerminal", "TerminalUI", "CNcursesw"]
    ),
    .testTarget(
      name: "DashboardTests", dependencies: ["Dashboard", "TerminalUI", "ExecutionCore"],
      exclude: ["ThemeFixtures", "Snapshots"]
    ),
    .testTarget(
      name: "EmbeddingTests",
      dependencies: ["ExecutionCore", "Dashboard", "DashboardHost", "EmbeddingExample", "LanesTestSupport"]
    ),
    .testTarget(
      name: "LanesCLITests",
      dependencies: [
        "LanesCLI", "lanes", "WorkflowFiles", "ExecutionCore", "DashboardHost", "LanesTestSupport",
      ]
    ),
    .testTarget(
      name: "LanesRemoteTests",
      dependencies: [
        "LanesRemote", "ExecutionCore", "Dashboard", "TerminalUI", "LanesTestSupport", "lanes",
      ],
      exclude: ["Fixtures"]
    ),
    .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "ExecutionCore"]),
    .testTarget(
      name: "LanesSQLiteTests",
      dependencies: ["LanesSQLite", "ExecutionCore", "LanesTestSupport", "lanes"]
    ),
    .testTarget(
      name: "LanesServerTests",
      dependencies: [
        "LanesServer", "ExecutionCore", "lanes", "LanesTestSupport",
        .product(name: "Hummingbird", package: "hummingbird"),
      ],
      exclude: ["Fixtures"]
    ),

    .testTarget(
      name: "LanesPostgresTests",
      dependencies: ["LanesPostgres", "ExecutionCore", "LanesTestSupport", "PostgresBench", "lanes"]
    ),

    // examples/ and themes/ are the only copy of the shipped text: this plugin embeds them at build
    // time into WorkflowFiles (built-in workflows) and Dashboard (built-in themes).
    .plugin(name: "EmbedShippedText", capability: .buildTool(), dependencies: ["EmbedText"]),
    .executableTarget(name: "EmbedText"),
    // `.ci/fuzz`: libFuzzer over the workflow-file loader (built with -sanitize=fuzzer in .build-fuzz);
    // built normally, it replays files given as arguments through the same checks.
    .executableTarget(
      name: "WorkflowFilesFuzz", dependencies: ["WorkflowFiles"], swiftSettings: fuzzFlags,
      linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])] : []
    ),
  ],
  swiftLanguageModes: [.v6]
)
