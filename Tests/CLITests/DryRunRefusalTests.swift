import Foundation
import Testing

/// `--dry-run` refuses every value a run would refuse, naming the key, before any work.
@Suite struct DryRunRefusalTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Each `--set` (a list of overrides) and the key the error must name. The sweep itself
    /// passes `--dry-run` (checked first), so each refusal comes from its override alone.
    static let cases: [([String], String)] = [
        (["finetune.schedule=linear"], "finetune.schedule"),  // the trainer has no linear schedule
        // The sweep's shortest length is 64: a strided window must keep context for its newest token.
        (["evaluate.protocol=strided", "evaluate.stride=64"], "evaluate.stride"),
        (["evaluate.passkey.lengths=[64]"], "evaluate.passkey.lengths"),  // the prompt alone is 248 tokens
        (["model.rope_base=0.5"], "model.rope_base"),  // RoPE needs a base above 1
        (["evaluate.induction.length=33"], "evaluate.induction.length"),  // two copies need an even length
        (["base.steps=0"], "base.steps"),  // the trainer refuses 0 steps
        (["finetune.group=24"], "finetune.group"),  // 24 does not divide 256
        (["finetune.lora.rank=64"], "finetune.lora.rank"),  // above the width 32 of micro
    ]

    @Test func theSweepItselfPasses() throws {
        let out = try CLI.run(["run", "experiments/regression-micro.yaml", "--dry-run"], in: Self.root)
        #expect(out.status == 0, "\(out.stderr)")
    }

    @Test(arguments: cases)
    func refusedWithTheKey(sets: [String], key: String) throws {
        let out = try CLI.run(["run", "experiments/regression-micro.yaml", "--dry-run"] + sets.flatMap { ["--set", $0] },
                              in: Self.root)
        #expect(out.status == 2, "\(sets): exit \(out.status), \(out.stderr)")
        #expect(out.stderr.contains("key '\(key)'"), "\(sets): \(out.stderr)")
    }

    /// In a file, the refusal names the file and the line of the key.
    @Test func fileErrorsNameFileLineAndKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dry-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let spec = "experiment: t\nmodel: {preset: micro}\nbase: {context: 64}\nevaluate:\n  lengths: [128, 256]\n  passkey:\n    lengths: [128]\n"
        try spec.write(to: dir.appendingPathComponent("t.yaml"), atomically: true, encoding: .utf8)
        let out = try CLI.run(["run", "t.yaml", "--dry-run"], in: dir)
        #expect(out.status == 2)
        #expect(out.stderr.contains("t.yaml:7: key 'evaluate.passkey.lengths'"), "\(out.stderr)")
    }
}
