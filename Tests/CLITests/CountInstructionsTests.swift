import Foundation
import Support
import Testing

/// `scripts/count-instructions.sh`, the benchmark's load-independent measure: it counts
/// only inside `Trainer.trainStep` (callgrind's --toggle-collect by the mangled name), so a
/// renamed step would silently count nothing. A tiny row keeps callgrind to about a minute.
@Suite struct CountInstructionsTests {
    @Test func countsOneTrainingStep() throws {
        guard Shell.has("valgrind") else {
            Issue.record("valgrind is not installed (scripts/setup.sh installs it)")
            return
        }
        let binary = try ReleaseBuild.clean()
        let script = ReleaseBuild.repository.appendingPathComponent("scripts/count-instructions.sh")
        let result = try #require(Shell.run(["bash", script.path, "--bin", binary.path,
                                             "--lengths", "16", "--tokens-per-step", "16", "--patterns", "s2"]))
        let stdout = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        let count = try #require(stdout.firstMatch(of: #/instructions per step: (\d+) /#).flatMap { Int($0.1) }, "\(stdout)")
        // A step of 16 tokens through the mini model: tens of millions of instructions, not
        // start-up's hundreds of millions nor a few thousand of an empty toggle.
        #expect((1_000_000..<200_000_000).contains(count), "\(stdout)")
    }
}
