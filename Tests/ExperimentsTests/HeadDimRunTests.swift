import Foundation
import Model
import Results
import Support
import Testing
import Training
@testable import Experiments

/// A spec fine-tunes a given model whose heads are not d / H wide: transformers writes a tiny
/// LLaMA with hidden 64, 8 heads over 2 key/value heads and head_dim 16 (attention width 128),
/// with the byte vocabulary; the run trains it with LoRA+ and S2-Attn, evaluates it, and
/// exports it; the memory bound counts its attention at 128 wide. Reuses `BaseCheckpointTests`'
/// directories and runner.
@Suite(.serialized) struct HeadDimRunTests {
    static let script = #"""
    import sys
    import torch, transformers
    torch.manual_seed(0)
    cfg = transformers.LlamaConfig(vocab_size=259, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                   num_attention_heads=8, num_key_value_heads=2, head_dim=16, tie_word_embeddings=False,
                                   max_position_embeddings=64, rms_norm_eps=1e-5,
                                   rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    model = transformers.LlamaForCausalLM(cfg)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    model.save_pretrained(sys.argv[1])
    """#

    func makeModel(_ base: BaseCheckpointTests) throws {
        let python = BaseCheckpointTests.python
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "\(python.path) is missing: run `bash scripts/setup.sh`")
        try FileManager.default.createDirectory(at: base.dir, withIntermediateDirectories: true)
        let script = base.dir.appendingPathComponent("make_model.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", python.path, script.path, base.model.path]))
        try #require(result.status == 0, "python failed: \(String(decoding: result.stderr, as: UTF8.self))")
    }

    func spec(_ base: BaseCheckpointTests, batchTokens: Int = 256, steps: String = "[0, 12]") -> String {
        """
        experiment: head-dim
        data: {corpus: tiny}
        base: {checkpoint: \(base.model.path)}
        finetune:
          context: 128
          attention: s2
          trainable: [lora, embed, norm]
          lora: {rank: 4, alpha: 8, targets: [q, k, v, o]}
          optimizer: {lr: 5.0e-3}
          warmup: 1
          batch_tokens: \(batchTokens)
          checkpoint_every: 0
        evaluate: {datasets: [test], lengths: [64, 128], stride: 64, max_windows: 2}
        grid:
          finetune.steps: \(steps)
        """
    }

    /// Twelve LoRA+ steps with S2-Attn (G = 32) at 128 tokens (position interpolation 2): the
    /// loss falls, the fine-tuned model's perplexity is below the checkpoint's, and its export
    /// reads back with head_dim 16.
    @Test func loraPlusWithS2TrainsAndEvaluates() throws {
        let base = BaseCheckpointTests()
        defer { try? FileManager.default.removeItem(at: base.dir) }
        try makeModel(base)
        try buildTinyCorpus(named: "tiny", in: base.data)
        let (summary, file, runs) = try base.run(spec(base))
        #expect(summary.failed.isEmpty && summary.completed.count == 2, "\(file.runs.map(\.error))")
        let model = runs[0].config.model
        #expect(model.explicitHeadDim == 16 && model.attentionDim == 128 && model.dim == 64 && model.nKVHeads == 2)
        let tuned = try #require(file.run("steps=12,seed=0")), plain = try #require(file.run("steps=0,seed=0"))
        let loss = try #require(tuned.curves["loss"])
        #expect(loss.count == 12)
        let late = loss.suffix(3).reduce(0, +) / 3
        #expect(late < loss[0] - 0.1, "loss \(loss)")
        func perplexity(_ run: RunRecord) throws -> Double {
            let column = try #require(run.eval["tiny-test"]?["perplexity"])
            return try #require(column[1].number)
        }
        let before = try perplexity(plain), after = try perplexity(tuned)
        #expect(after < before, "\(after) vs \(before)")
        print("head_dim 16, LoRA+ S2: loss \(loss.first!) -> \(loss.last!); perplexity at 128 \(before) -> \(after)")

        let metadata = try #require(try CheckpointMetadata.read(from: base.results.appendingPathComponent(tuned.checkpoint)))
        let exported = base.dir.appendingPathComponent("exported")
        try HFExport.export(checkpoint: metadata.modelURL(in: base.results.appendingPathComponent(tuned.checkpoint)), to: exported, tokenizer: nil)
        let config = try HFConfig.readJSON(exported.appendingPathComponent("config.json"))
        #expect(config["head_dim"] as? Int == 16 && config["hidden_size"] as? Int == 64)
        let reread = try LlamaModel.load(from: exported, trainable: [])
        #expect(reread.config.explicitHeadDim == 16 && reread.lora == nil)
    }

    /// The dry-run memory bound counts q, k, v, the attention output and their gradients at the
    /// attention width (128), not d (64): per training token and layer 6 d + 4 a + 4 ffn floats,
    /// 10240 bytes a token for this model where counting them at d gave 8192 (the logits are
    /// one chunk of at most 8M, not per token). A micro-batch
    /// between the two counts' limits is refused, naming the memory; half of it is accepted.
    @Test func memoryBoundCountsTheAttentionWidth() throws {
        let base = BaseCheckpointTests()
        defer { try? FileManager.default.removeItem(at: base.dir) }
        try makeModel(base)
        let context = 128, perToken = (10240.0 + 8192.0) / 2
        let tokens = Int(MemoryBound.available / perToken) / context * context
        try #require(tokens <= 1 << 24, "this machine's memory is beyond what a spec's batch_tokens can fill")
        let refused = try #require(specError(spec(base, batchTokens: tokens)))
        #expect(refused.contains("the run needs at least") && refused.contains("finetune.batch_tokens"), "\(refused)")
        let half = tokens / 2 / context * context
        #expect(specError(spec(base, batchTokens: half)) == nil)
        let run = try expand(spec(base, batchTokens: half))[1]
        let bound = MemoryBound(run.config)
        #expect(bound.tokens == half)
        #expect(bound.bytes > 10240 * Double(half) && bound.bytes < 10240 * Double(half) * 1.01)
    }
}
