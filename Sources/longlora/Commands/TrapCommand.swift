import ArgumentParser
import Kernels

/// Developer tool, hidden from --help: fails a precondition, on the main thread or on one
/// of two loop workers while the other is still busy, so that a test can check that a bug
/// ends the process promptly with a message (`TrapExit`) instead of hanging.
struct TrapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-trap", abstract: "Test fixture: fail a precondition.", shouldDisplay: false)

    @Flag(help: "Trap on a loop worker thread instead of the main thread.")
    var worker = false

    func run() throws {
        guard worker else { preconditionFailure("debug-trap on the main thread") }
        Parallel.forEach(2, threads: 2) { i in
            if i == 1 { preconditionFailure("debug-trap on a worker thread") }
            var x = 0.0
            for k in 0..<2_000_000_000 { x += Double(k) }  // keeps the other worker busy
            print(x)
        }
    }
}
