import Experiments
import Foundation
import Kernels
import Support
import Testing

/// A small, seeded fuzz campaign of what `longlora run --dry-run` does, in process: mutated
/// committed specs and `--set` overrides through the parser and the sweep's resolution and
/// checks. Every case must give a sweep or a `UserError` that names the spec (or the `--set`
/// argument); a trap would end the test process, and no case may take long. The long
/// campaign against the release binary is `scripts/fuzz.sh`.
@Suite struct SpecFuzzTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../experiments")

    static func committedSpecs() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    }

    struct Tally { var accepted = 0, refused = 0 }

    /// Runs one case; records an issue for anything but a sweep or a clear `UserError`.
    func attempt(_ text: String, set: [String] = [], case number: Int, into tally: inout Tally) {
        let started = Date()
        do {
            _ = try Sweep.expand(try SpecParser.parse(text, file: "fuzz.yaml", overrides: set))
            tally.accepted += 1
        } catch let error as UserError {
            tally.refused += 1
            let named = error.message.hasPrefix("fuzz.yaml") || error.message.hasPrefix("--set ")
            #expect(named && error.message.count < 2000, "case \(number): \(error.message)\n---\n\(text)\n--- \(set)")
        } catch {
            Issue.record("case \(number): not a UserError: \(error)\n---\n\(text)\n--- \(set)")
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(seconds < 10, "case \(number) took \(seconds) s\n---\n\(text)")
    }

    @Test func mutatedSpecsGiveASweepOrAClearError() throws {
        let specs = try Self.committedSpecs() + ["experiment: t\n"]
        var mutator = SpecMutator(rng: SplitMix64(seed: 17))
        var tally = Tally()
        for number in 0..<400 {
            attempt(mutator.mutate(mutator.pick(specs)), case: number, into: &tally)
        }
        // The mutations reach the checks, and many still parse: both sides are exercised.
        #expect(tally.refused > 100 && tally.accepted > 20, "\(tally)")
    }

    @Test func extremeOverridesGiveASweepOrAClearError() throws {
        let keys = SpecSchema.keys.map(\.path)
        var mutator = SpecMutator(rng: SplitMix64(seed: 18))
        var tally = Tally()
        for number in 0..<400 {
            let set = (0...mutator.index(2)).map { _ in mutator.override(keys: keys) }
            attempt("experiment: t\n", set: set, case: number, into: &tally)
        }
        #expect(tally.refused > 100, "\(tally)")
    }

    /// Found by `scripts/fuzz.sh`: an empty key after `zip.` trapped (index out of range).
    @Test(arguments: ["zip.=true", "grid.=[1]", ".=1", "finetune..steps=3", "variants.v.=1"])
    func keyPathsWithEmptyPartsAreClearErrors(setting: String) {
        let message = specError(minimalSpec, set: [setting]) ?? "accepted"
        #expect(message.hasPrefix("--set \(setting):") && message.contains("is not a key path"), "\(message)")
    }
}
