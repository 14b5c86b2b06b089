import ArgumentParser
import DashboardHost
import ExecutionCore
import Foundation
import WorkflowFiles

/// Loading workflows and building runtimes for the commands, with errors turned into exits.
enum Loading {
  /// Loads files and built-in names (all built-ins when `arguments` is empty); on failure prints
  /// every diagnostic to stderr and exits 1.
  static func topology(_ arguments: [String]) throws -> Topology {
    let names = arguments.isEmpty ? BuiltInWorkflows.all.map(\.name) : arguments
    let unreachable = names.compactMap(PathCheck.unreachable)
    if !unreachable.isEmpty {
      Loading.printError("\(WorkflowFileError(unreachable))")
      throw ExitCode(1)
    }
    do {
      return try WorkflowLoader.load(arguments: names)
    } catch {
      Loading.printError("\(error)")
      throw ExitCode(1)
    }
  }

  /// A runtime for `topology`, or exit 1 with the reason.
  static func runtime(_ topology: Topology, options: RuntimeOptions) throws -> Runtime {
    do {
      return try Runtime(topology: topology, options: options)
    } catch {
      Loading.printError("lanes: cannot start the runtime: \(error)")
      throw ExitCode(1)
    }
  }

  /// Writes a message and a newline to stderr.
  /// Control characters are escaped and a closed stderr never crashes (see `Console`).
  static func printError(_ message: String) {
    Console.error(message)
  }
}
