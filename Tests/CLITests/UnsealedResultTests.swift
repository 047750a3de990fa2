import Foundation
import Kernels
@testable import Results
import Support
import Testing

/// Result files from before seals are read unverified by libhdf5, which crashes on some
/// damaged ones. The command line reads such a file in a child process first, so every
/// damaged old file ends in exit 1 or 2 with a message naming it: never a crash (exit 70
/// or a signal) or a hang.
@Suite struct UnsealedResultTests {
    @Test func damagedOldFilesAreErrorsNotCrashes() throws {
        let dir = try ResultsCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sealed = dir.appendingPathComponent("cli.h5"), old = dir.appendingPathComponent("old.h5")
        try ResultsCommandTests.writeExperiment(sealed)
        try ResultFile.read(sealed).write(old, sealed: false)
        #expect(try ResultChecksum.verify(old) == .unsealed)
        let intact = try CLI.run(["table", old.path])
        #expect(intact.status == 0 && intact.stdout.contains("full"), "\(intact.stderr)")

        let original = [UInt8](try Data(contentsOf: old))
        var rng = SplitMix64(seed: 7)
        var isolated = 0
        for number in 0..<24 {
            var bytes = original
            for _ in 0..<8 { bytes[8 + Int(rng.next() % UInt64(bytes.count - 8))] = UInt8(truncatingIfNeeded: rng.next()) }
            let damaged = dir.appendingPathComponent("damaged-\(number).h5")
            try Data(bytes).write(to: damaged)
            let result = try CLI.run(["table", damaged.path])
            #expect([0, 1, 2].contains(result.status), "case \(number): exit \(result.status): \(result.stderr)")
            if result.status != 0 { #expect(result.stderr.contains(damaged.path), "case \(number): \(result.stderr)") }
            if result.stderr.contains("libhdf5") { isolated += 1 }
        }
        // Some of these damages crash libhdf5 (in the child process): the isolation was needed.
        #expect(isolated > 0)
    }
}
