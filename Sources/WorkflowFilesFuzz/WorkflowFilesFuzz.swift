import Foundation
import WorkflowFiles

/// What every input to the workflow-file loader must keep, whatever its bytes: it returns (a hang is
/// caught by libFuzzer's `-timeout`), and every diagnostic has a line:column and no raw control
/// character. A violation stops the process, so libFuzzer keeps the input as a crash.
enum LoaderProperties {
  /// Loads `bytes` as a workflow file and checks what comes back.
  static func check(_ bytes: [UInt8]) {
    let source = WorkflowSource(file: "fuzz.yaml", bytes: bytes)
    do throws(WorkflowFileError) {
      _ = try WorkflowLoader.parse(source)
    } catch {
      verify(error.diagnostics, input: bytes)
      return
    }
    // A valid file loaded twice declares its workflow twice: `run` must refuse it, with places.
    do throws(WorkflowFileError) {
      _ = try WorkflowLoader.load(sources: [source, source])
      fail("a valid file loaded twice was accepted", input: bytes)
    } catch {
      verify(error.diagnostics, input: bytes)
    }
  }

  /// Every diagnostic names a place in the file and prints no terminal control character.
  static func verify(_ diagnostics: [Diagnostic], input: [UInt8]) {
    if diagnostics.isEmpty { fail("an error without diagnostics", input: input) }
    for diagnostic in diagnostics {
      if diagnostic.location == nil { fail("no location: \(diagnostic)", input: input) }
      let raw = diagnostic.description.unicodeScalars.first { scalar in
        scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
      }
      if let raw {
        fail(
          "raw control character U+\(String(raw.value, radix: 16)) in: \(diagnostic.description.debugDescription)",
          input: input)
      }
    }
  }

  /// Stops with `message`; libFuzzer (or the replay) shows it beside the input.
  static func fail(_ message: String, input: [UInt8]) -> Never {
    fatalError("workflow loader property broken: \(message)")
  }
}

/// libFuzzer's driver (linked in by `-sanitize=fuzzer`): runs `callback` on input after input. It is
/// called from `main` because SwiftPM names an executable's entry point itself, which leaves no
/// room for libFuzzer's own `main`. Declared by name; its arguments are pointers and an integer,
/// passed in the same registers by Swift's and C's conventions on the platforms CI fuzzes on.
#if LANES_FUZZ
  @_silgen_name("LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  /// libFuzzer's entry point for one input; the driver's archive refers to it by this name.
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    LoaderProperties.check(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
  }
#endif

/// Built with `LANES_FUZZ=1` (`.ci/fuzz`), libFuzzer's driver with the loader's checks; built
/// normally, it replays the files given as arguments (a corpus, a crash) through the same checks,
/// so a fuzz finding can be reproduced in an ordinary build.
@main
enum WorkflowFilesFuzz {
  static func main() throws {
    #if LANES_FUZZ
      var argc = CommandLine.argc
      var argv = CommandLine.unsafeArgv
      exit(
        runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
    #else
      for path in CommandLine.arguments.dropFirst() {
        LoaderProperties.check(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        print("\(path): ok")
      }
    #endif
  }
}
