import Experiments
import Foundation
import Testing

/// Sizes from a spec are bounded where they are read, so no size computed from them can
/// overflow, and a run that cannot fit in memory is refused by `--dry-run`.
@Suite struct SpecBoundsTests {
    @Test(arguments: [
        ("finetune.context=576460752303423488", "finetune.context", "8...1048576"),
        ("base.context=9223372036854775807", "base.context", "8...1048576"),
        ("model.dim=576460752303423488", "model.dim", "1...65536"),
        ("model.ffn=9223372036854775807", "model.ffn", "1...262144"),
        ("finetune.batch_tokens=576460752303423488", "finetune.batch_tokens", "1...16777216"),
        ("evaluate.stride=9223372036854775807", "evaluate.stride", "1...1048576"),
        ("evaluate.lengths=[256, 9223372036854775807]", "evaluate.lengths[1]", "2...1048576"),
        ("seeds=[9223372036854775807]", "seeds[0]", "0...9007199254740992"),
        ("finetune.steps=9223372036854775807", "finetune.steps", "0...100000000"),
    ])
    func hugeSizesAreRefusedWithKeyAndRange(setting: String, key: String, range: String) {
        let message = specError(minimalSpec, set: [setting]) ?? "accepted"
        #expect(message.contains("key '\(key)'") && message.contains(range), "\(message)")
    }

    @Test func aRunLargerThanTheMachinesMemoryIsRefusedBeforeAllocation() {
        let message = specError(minimalSpec, set: ["model.dim=65536", "model.ffn=262144", "model.layers=64"]) ?? "accepted"
        #expect(message.contains("key 'model.dim'") && message.contains("needs at least") && message.contains("GiB"), "\(message)")
    }

    /// Evaluation runs forward only and keeps one layer's activations, so a window far
    /// longer than any training step fits where a training step of its length would not.
    @Test func anEvaluationWindowIsBoundedByInferenceMemoryNotTrainingMemory() {
        let model = "data: {tokenizer: bpe, vocab: 8192}\nmodel: {dim: 768, ffn: 3072, layers: 24, heads: 12}\n"
        // Inference: about 6 GiB (3.8 of weights and optimizer state, 2.1 of activations).
        #expect(specError("experiment: t\n" + model, set: ["finetune.context=4096", "evaluate.lengths=[32768]"]) == nil)
        // Training on as many tokens per step: about 125 GiB.
        let message = specError("experiment: t\n" + model, set: ["finetune.context=32768", "finetune.batch_tokens=65536",
                                                               "evaluate.lengths=[32768]"]) ?? "accepted"
        #expect(message.contains("needs at least") && message.contains("activations of 65536 tokens"), "\(message)")
        // A stage that trains nothing (steps: 0) keeps no training activations.
        #expect(specError("experiment: t\n" + model, set: ["finetune.context=32768", "finetune.batch_tokens=65536",
                                                         "finetune.steps=0", "evaluate.lengths=[32768]"]) == nil)
    }

    @Test func theDefaultsAndTheCommittedSpecsStayWithinTheBounds() throws {
        #expect(specError(minimalSpec) == nil)
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../experiments")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".yaml") {
            let spec = try SpecParser.load(folder.appendingPathComponent(name))
            _ = try Sweep.expand(spec)
        }
    }

    @Test func anAliasBombUnderLayoutIsRefusedAtOnce() {
        // Nine levels of nine aliases: 9^9 nodes if expanded.
        var yaml = "experiment: t\nlayout:\n  figures:\n    - a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            yaml += "      a\(level): &a\(level) [\(previous)]\n"
        }
        let started = Date()
        let message = specError(yaml) ?? "accepted"
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(message.hasPrefix("t.yaml:4: key 'layout.figures[0].a0'") && message.contains("anchors and aliases"), "\(message)")
    }

    @Test func aliasesAreRefusedInEveryKeyAndInSet() {
        let inRunKey = specError("experiment: t\nbase: &b {steps: 3}\nfinetune: *b\n") ?? "accepted"
        #expect(inRunKey.hasPrefix("t.yaml:2: key 'base'") && inRunKey.contains("anchors and aliases"), "\(inRunKey)")
        let inSet = specError(minimalSpec, set: ["evaluate.lengths=[&n 256, *n]"]) ?? "accepted"
        #expect(inSet.contains("key 'evaluate.lengths[0]'") && inSet.contains("anchors and aliases"), "\(inSet)")
    }
}
