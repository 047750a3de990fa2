import Foundation
import Testing
import Experiments
import Model
import Results
import Support
@testable import Reports

/// The runner features the paper's experiments rely on: validation curves over fine-tuning
/// steps, the analytic projection onto Llama2, NTK-aware scaling, the `tested_with` column.
extension EndToEndTests {
    static func curveSpec(corpus: String) -> String {
        microSpec(corpus: "tiny", steps: "[4]").replacingOccurrences(of: "checkpoint_every: 2", with: "checkpoint_every: 2\n  eval_every: 2")
            .replacingOccurrences(of: "attention: [full]", with: "attention: [train, full]")
    }

    /// Perplexity every `eval_every` steps from step 0, kept across an interruption: a run
    /// resumed from its step-2 checkpoint records the same curve as the uninterrupted run.
    @Test func validationCurveFromStepZeroSurvivesResume() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let spec = Self.curveSpec(corpus: "tiny")
        let (_, first) = try run(spec)
        let run1 = try #require(first.runs.first)
        #expect(run1.status == .complete, "\(run1.error)")
        #expect(run1.curves["eval_step"] == [0, 2, 4])
        let ppl = try #require(run1.curves["eval_perplexity"]), loss = try #require(run1.curves["eval_loss"])
        #expect(ppl.count == 3 && zip(ppl, loss).allSatisfy { abs($0 - exp($1)) < 1e-9 * $0 })
        // Training on this corpus lowers validation perplexity from the PI-only start.
        #expect(ppl[2] < ppl[0])
        // The training-pattern and full-attention evaluations are labelled for the paper's two columns.
        #expect(run1.eval["tiny-test"]?["tested_with"] == .string(["train", "full", "train", "full"]))

        // Interrupt after step 2: drop the final checkpoint and the results (file and shards), run again.
        let checkpoints = results.appendingPathComponent("checkpoints")
        let runDirectory = try #require(try FileManager.default.contentsOfDirectory(atPath: checkpoints.path).first)
        try FileManager.default.removeItem(at: checkpoints.appendingPathComponent(runDirectory).appendingPathComponent("step-000004"))
        try FileManager.default.removeItem(at: results.appendingPathComponent("micro.h5"))
        try FileManager.default.removeItem(at: results.appendingPathComponent("micro.d"))
        let (_, second) = try run(spec)
        let run2 = try #require(second.runs.first)
        #expect(run2.metrics["training"]?["resumed_from_step"]?.number == 2)
        #expect(run2.curves["eval_step"] == [0, 2, 4])
        #expect(run2.curves["eval_perplexity"] == ppl)
    }

    /// `analytic.only` runs need no corpus and reproduce the paper's FLOPs table; training
    /// runs record the projection of their recipe at 16x their context.
    @Test func analyticProjectionRuns() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (summary, file) = try run("""
            experiment: micro
            analytic: {only: true, model: llama2-7b, context: 65536}
            grid:
              finetune.attention: [full, s2]
              finetune.trainable: [[all], [lora, embed, norm]]
            """)
        #expect(summary.completed.count == 4 && summary.failed.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: data.path), "no corpus is built")
        let total = file.runs.map { $0.metrics["projection"]?["tflops_forward_total"]?.number ?? 0 }
        #expect(abs(total[0] - 3118.0) < 0.05 && abs(total[2] - 1429.1) < 0.05 && total[1] == total[0])
        // The paper's Figure 1 at 65536: full fine-tuning runs out of memory, LoRA+ fits.
        let fits = file.runs.map { $0.metrics["projection"]?["fits"]?.number }
        #expect(fits == [0, 1, 0, 1])

        try buildTinyCorpus(named: "tiny", in: data)
        let (_, trained) = try run(microSpec(corpus: "tiny", steps: "[3]"))
        let projection = try #require(trained.runs.first { $0.id == "steps=3,seed=0" }?.metrics["projection"])
        #expect(projection["context"]?.number == Double(16 * 64))
        #expect((projection["memory_gb"]?.number ?? 0) > 0 && (projection["gpu_hours"]?.number ?? 0) > 0)
    }

    /// The NTK-aware baseline is its own setting: another RoPE, another hash, other numbers.
    @Test func ntkRopeScalingIsASetting() throws {
        let base = microSpec(corpus: "tiny", steps: "[0]")
        let linear = try #require(try expand(base).first)
        let ntk = try #require(try expand(base, set: ["finetune.rope_scaling=ntk"]).first)
        #expect(LlamaFinetuneStage.rope(linear.config).scaling == .positionInterpolation(factor: 2))
        #expect(LlamaFinetuneStage.rope(ntk.config).scaling == .ntkAware(factor: 2))
        let version = CodeVersion(dataManifests: ["pg19-mini": "m"], code: "c")
        #expect(linear.hash(version) != ntk.hash(version))
        #expect(specError(base, set: ["finetune.rope_scaling=yarn"])?.contains("finetune.rope_scaling") == true)
    }
}
