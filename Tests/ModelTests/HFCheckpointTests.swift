import Foundation
import Kernels
import Model
import Support
import Testing

/// Hugging Face directories as transformers writes them load with the logits transformers
/// computes; tied embeddings train as one tensor.
@Suite struct HFCheckpointTests {
    /// transformers 5 saves three tiny LLaMA models: tied + grouped-query + llama3 RoPE in
    /// sharded BF16; untied + linear RoPE in F16; plain RoPE in F32 with an explicit head_dim.
    /// Each loads with transformers' logits, and again with its config rewritten as
    /// transformers 4.x wrote it (`rope_theta`, `rope_scaling`).
    @Test func transformersDirectoriesLoadWithTheirLogits() throws {
        let dir = try VenvPython.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokens: [Int32] = [5, 17, 250, 3, 99, 0, 299, 42, 42, 7, 120, 64, 8, 1, 2, 3, 200, 150, 77, 31, 9, 10, 11, 12]
        let report = try VenvPython.run(Self.saveScript, [dir.path, tokens.map(String.init).joined(separator: ",")], in: dir)
        let models = try #require(report["models"] as? [String: [String: Any]])
        #expect(models.count == 3)
        for (name, info) in models.sorted(by: { $0.key < $1.key }) {
            let modelDir = dir.appendingPathComponent(name)
            let expected = try #require(info["logits"] as? [Double])
            for style in ["as saved", "4.x"] {
                if style == "4.x" { try Self.rewriteAs4x(modelDir.appendingPathComponent("config.json")) }
                let model = try LlamaModel.load(from: modelDir, trainable: [])
                #expect(model.config.isTied == (info["tied"] as? Bool), "\(name)")
                #expect(model.config.nKVHeads == info["kv_heads"] as? Int, "\(name)")
                let ours = try model.logits(tokens: tokens, execution: .serial)
                let diff = zip(ours, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
                #expect(ours.count == expected.count && diff < 1e-5, "\(name) (\(style)): logits differ by \(diff)")
            }
        }
    }

    /// transformers 4.x wrote `rope_theta` and `rope_scaling` at the top level.
    static func rewriteAs4x(_ url: URL) throws {
        var json = try HFConfig.readJSON(url)
        let parameters = try #require(json.removeValue(forKey: "rope_parameters") as? [String: Any])
        json["rope_theta"] = parameters["rope_theta"]
        var scaling = parameters
        scaling["rope_theta"] = nil
        if scaling["rope_type"] as? String != "default" { json["rope_scaling"] = scaling }
        try HFConfig.writeJSON(json, to: url)
    }

    @Test func unsupportedRopeTypesNameTheKey() throws {
        let base: [String: Any] = [
            "architectures": ["LlamaForCausalLM"], "hidden_size": 32, "intermediate_size": 64,
            "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 10, "rms_norm_eps": 1e-5,
            "max_position_embeddings": 64,
        ]
        for type in ["longrope", "proportional"] {
            var json = base
            json["rope_parameters"] = ["rope_type": type, "rope_theta": 10000.0, "factor": 2.0]
            let error = #expect(throws: UserError.self) { try HFConfig.parseLlama(json, source: "config.json") }
            #expect(error?.message.contains("rope_parameters.rope_type") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(type) == true)
        }
        var json = base
        json["rope_theta"] = 10000
        json["head_dim"] = 16
        // A head_dim other than hidden_size / heads is kept (HeadDimTests load and train such models).
        let (wide, _) = try HFConfig.parseLlama(json, source: "config.json")
        #expect(wide.headDim == 16 && wide.attentionDim == 64 && wide.dim == 32 && wide.explicitHeadDim == 16)
        json["head_dim"] = 8
        json["rope_scaling"] = ["type": "linear", "factor": 4]
        let (config, rope) = try HFConfig.parseLlama(json, source: "config.json")
        #expect(config.headDim == 8 && config.explicitHeadDim == nil && rope.scaling == .positionInterpolation(factor: 4))
    }

    /// A tied model is the untied model whose head equals its embedding: same loss, and the
    /// tied tensor's gradient is the sum of the untied embedding's and head's.
    @Test func tiedHeadGradientAddsIntoTheEmbedding() throws {
        var tiedConfig = TestModels.microGQA
        tiedConfig.tieWordEmbeddings = true
        let tied = try TestModels.model(tiedConfig, trainable: [.embed, .norm])
        TestModels.perturb(tied, seed: 3)
        let untied = try TestModels.model(TestModels.microGQA, trainable: [.embed, .head, .norm])
        for spec in untied.parameters.tensors {
            let source = spec.name == LlamaNames.head ? LlamaNames.embedding : spec.name
            untied.parameters.setValues(of: spec.name, tied.parameters.values(of: source))
        }
        #expect(tied.parameters.spec(LlamaNames.head) == nil)
        #expect(tied.parameterCount == tiedConfig.parameterCount)
        let batch = TestModels.batch(tiedConfig, batchSize: 2, length: 12, seed: 9)
        let lossTied = try tied.forwardBackward(batch: batch, batchSize: 2, length: 12, attention: PatternAttention.full, execution: .serial)
        let lossUntied = try untied.forwardBackward(batch: batch, batchSize: 2, length: 12, attention: PatternAttention.full, execution: .serial)
        #expect(lossTied == lossUntied)
        let g = try #require(tied.parameters.gradient(of: LlamaNames.embedding))
        let ge = try #require(untied.parameters.gradient(of: LlamaNames.embedding))
        let gh = try #require(untied.parameters.gradient(of: LlamaNames.head))
        let worst = zip(g, zip(ge, gh)).map { abs($0 - ($1.0 + $1.1)) }.max()!
        let scale = gh.map(abs).max()!
        #expect(scale > 0 && worst <= 1e-6 * max(scale, 1), "tied gradient differs by \(worst) (head gradient \(scale))")
        // Training only the head of a tied model trains the shared tensor.
        let headOnly = try TestModels.model(tiedConfig, trainable: [.head])
        #expect(headOnly.parameters.spec(LlamaNames.embedding)?.isTrainable == true)
    }

    static let saveScript = #"""
    import json, sys
    import torch, transformers
    out, tokens = sys.argv[1], [int(t) for t in sys.argv[2].split(",")]
    torch.manual_seed(0)
    transformers.utils.logging.disable_progress_bar()
    def make(name, dtype, shard, **kw):
        cfg = transformers.LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                       max_position_embeddings=128, rms_norm_eps=1e-5, **kw)
        model = transformers.LlamaForCausalLM(cfg)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.05)
        model = model.to(dtype)
        model.save_pretrained(f"{out}/{name}", max_shard_size=shard)
        loaded = transformers.LlamaForCausalLM.from_pretrained(f"{out}/{name}", dtype=torch.float32).eval()
        with torch.no_grad():
            logits = loaded(torch.tensor([tokens])).logits[0]
        return {"logits": logits.reshape(-1).tolist(), "tied": cfg.tie_word_embeddings,
                "kv_heads": cfg.num_key_value_heads}
    models = {
        "tied-gqa-llama3-bf16-sharded": make("tied-gqa-llama3-bf16-sharded", torch.bfloat16, "40KB",
            num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
            rope_parameters={"rope_type": "llama3", "rope_theta": 50000.0, "factor": 8.0, "low_freq_factor": 1.0,
                             "high_freq_factor": 4.0, "original_max_position_embeddings": 16}),
        "untied-linear-f16": make("untied-linear-f16", torch.float16, "10GB",
            num_attention_heads=4, num_key_value_heads=4, tie_word_embeddings=False,
            rope_parameters={"rope_type": "linear", "rope_theta": 10000.0, "factor": 2.0}),
        "default-f32-head-dim": make("default-f32-head-dim", torch.float32, "10GB",
            num_attention_heads=8, num_key_value_heads=2, head_dim=8, tie_word_embeddings=False,
            rope_parameters={"rope_type": "default", "rope_theta": 10000.0}),
    }
    import os
    assert os.path.exists(f"{out}/tied-gqa-llama3-bf16-sharded/model.safetensors.index.json"), "not sharded"
    print(json.dumps({"models": models}))
    """#
}
