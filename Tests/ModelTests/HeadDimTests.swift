import Foundation
import Kernels
import Model
import Support
import Testing

/// A head width other than d / H (Hugging Face `head_dim`, GGUF `attention.key_length`):
/// q_proj is [H * hd, d], k/v_proj [Hkv * hd, d], o_proj [d, H * hd], as in transformers'
/// LlamaAttention. The model, its LoRA adapters, every attention pattern, recomputation,
/// cached decoding and both file formats follow the attention width H * hd, not d.
@Suite struct HeadDimTests {
    /// micro (d 32, 4 heads over 2 key/value heads) with heads 16 wide: attention width 64 = 2d.
    static let wide: ModelConfig = {
        var c = TestModels.microGQA
        c.explicitHeadDim = 16
        return c
    }()
    static let lora = LoRAConfig(rank: 4, alpha: 8, targets: [.q, .o])

    @Test func shapesFollowTheAttentionWidth() throws {
        let m = try TestModels.model(Self.wide, lora: Self.lora, trainable: .longLoRA)
        #expect(Self.wide.attentionDim == 64 && Self.wide.kvDim == 32 && Self.wide.dim == 32)
        let p = m.parameters
        #expect(p.spec(LlamaNames.weight(layer: 1, target: .q))?.shape == [64, 32])
        #expect(p.spec(LlamaNames.weight(layer: 1, target: .k))?.shape == [32, 32])
        #expect(p.spec(LlamaNames.weight(layer: 1, target: .o))?.shape == [32, 64])
        let q = LoRAConfig.names(layer: 1, target: .q), o = LoRAConfig.names(layer: 1, target: .o)
        #expect(p.spec(q.a)?.shape == [4, 32] && p.spec(q.b)?.shape == [64, 4])
        #expect(p.spec(o.a)?.shape == [4, 64] && p.spec(o.b)?.shape == [32, 4])
        #expect(m.parameterCount == Self.wide.parameterCount + 2 * 2 * 4 * (32 + 64))
    }

    /// Every registered pattern on the wide model (tiled kernel, n 16, G 8): the loss equals the
    /// float64 reference's, and the gradients of every attention tensor of layer 1 (q, k, v, o,
    /// the LoRA A and B on q and o, the input norm) and of layer 0's q and o equal its central
    /// finite differences. Before the attention width was followed, such a model was refused.
    @Test(arguments: AttentionKind.names)
    func gradientsMatchFiniteDifferences(pattern name: String) throws {
        let (batchSize, length, group) = (2, 16, 8)
        let m = try TestModels.model(Self.wide, lora: Self.lora, trainable: [.all, .lora])
        TestModels.perturb(m, seed: 21)
        let kind = try AttentionKind(name)
        let attention = kind.isGrouped ? try PatternAttention(kind, groupSize: .tokens(group), length: length) : PatternAttention.full
        let batch = TestModels.batch(m.config, batchSize: batchSize, length: length, seed: 8)
        m.parameters.gradients.zero()
        let loss = try m.forwardBackward(batch: batch, batchSize: batchSize, length: length, attention: attention, execution: .serial)
        var ref = ReferenceLlama(model: m, pattern: (name, group))
        let expected = ref.loss(batch: batch, batchSize: batchSize, length: length)
        #expect(abs(loss - expected) / expected < 1e-5, "\(name): float32 \(loss) vs float64 \(expected)")
        let tensors = m.parameters.tensors.map(\.name).filter {
            ($0.contains("layers.1.") && ($0.contains("self_attn") || $0.contains("input_layernorm")))
                || $0 == LlamaNames.weight(layer: 0, target: .q) || $0 == LlamaNames.weight(layer: 0, target: .o)
        }
        #expect(tensors.count == 11)
        var rng = SplitMix64(seed: 4)
        let step = 1e-5
        var worst = 0.0
        for tensor in tensors {
            let grad = try #require(m.parameters.gradient(of: tensor))
            for _ in 0..<2 {
                let i = Int(rng.next() % UInt64(grad.count))
                let saved = ref.p[tensor]![i]
                ref.p[tensor]![i] = saved + step
                let up = ref.loss(batch: batch, batchSize: batchSize, length: length)
                ref.p[tensor]![i] = saved - step
                let down = ref.loss(batch: batch, batchSize: batchSize, length: length)
                ref.p[tensor]![i] = saved
                let fd = (up - down) / (2 * step)
                let error = abs(Double(grad[i]) - fd) / max(abs(fd), 1e-4)
                worst = max(worst, error)
                // As GradientCheckTests: float32 gives ~1e-5, a misplaced index errors of order 1.
                #expect(error < 1e-3, "\(name) \(tensor)[\(i)]: analytic \(grad[i]) vs finite difference \(fd)")
            }
        }
        print("head_dim gradient check, \(name): worst relative error \(worst)")
    }

    /// Recomputation (the trainer's checkpointing, and the evaluator's one shared layer) gives
    /// the kept activations' losses and gradients bit for bit; two threads agree to rounding.
    @Test func recomputationAndThreadsGiveTheSameResults() throws {
        let m = try TestModels.model(Self.wide, lora: Self.lora, trainable: .longLoRA)
        TestModels.perturb(m, seed: 5)
        let batch = TestModels.batch(m.config, batchSize: 2, length: 32, seed: 6)
        let s2 = try PatternAttention(.s2, groupSize: .ratio(0.25), length: 32)
        func run(_ execution: Execution) throws -> (Double, [Float], [Float]) {
            m.parameters.gradients.zero()
            let loss = try m.forwardBackward(batch: batch, batchSize: 2, length: 32, attention: s2, execution: execution)
            let losses = try m.tokenLosses(batch: batch, batchSize: 2, length: 32, execution: execution)
            return (loss, m.parameters.gradients.array, losses)
        }
        let kept = try run(.serial), recomputed = try run(Execution(threads: 1, recompute: true))
        #expect(kept.0 == recomputed.0 && kept.1 == recomputed.1 && kept.2 == recomputed.2)
        let threaded = try run(Execution(threads: 2, recompute: true))
        let scale = kept.1.map(abs).max()!
        #expect(abs(threaded.0 - kept.0) < 1e-6 && zip(threaded.1, kept.1).map { abs($0 - $1) }.max()! < 1e-5 * scale)
    }

    /// transformers 5.23 saves a tiny LlamaForCausalLM with hidden 64, 8 heads over 2 key/value
    /// heads and head_dim 16 (attention width 128) as safetensors, and writes the same weights
    /// as a GGUF the way llama.cpp's converter does (key_length, value_length and
    /// rope.dimension_count 16; attn_q and attn_k rows permuted). Ours, from the directory:
    /// transformers' logits over 64 tokens, and in cached decoding (a 40-token prefill, then
    /// one token at a time), within 1e-5 of the largest logit. From the GGUF: exactly the
    /// directory's weights (which proves the un-permutation at this width), and the logits of
    /// transformers' own GGUF loader.
    @Test func transformersLogitsFromSafetensorsAndGGUF() throws {
        let dir = try VenvPython.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokens: [Int32] = (0..<64).map { Int32(($0 * 53 + 7) % 300) }, prefill = 40
        let report = try VenvPython.run(Self.saveScript, [dir.path, tokens.map(String.init).joined(separator: ","), "\(prefill)"], in: dir)
        let expected = try #require(report["logits"] as? [Double]), expectedCached = try #require(report["cached"] as? [Double])
        let expectedGGUF = try #require(report["gguf_logits"] as? [Double])
        let scale = expected.map(abs).max()!
        func relative(_ ours: [Float], _ theirs: [Double]) -> Double {
            ours.count == theirs.count ? zip(ours, theirs).map { abs(Double($0) - $1) }.max()! / scale : .infinity
        }
        let model = try LlamaModel.load(from: dir.appendingPathComponent("hf"), trainable: [])
        #expect(model.config.headDim == 16 && model.config.attentionDim == 128 && model.config.dim == 64)
        #expect(model.config.nHeads == 8 && model.config.nKVHeads == 2)
        let full = relative(try model.logits(tokens: tokens, execution: .serial), expected)
        #expect(full < 1e-5, "logits differ by \(full) of the largest")
        let cache = KVCache(config: model.config)
        var cached = try model.logits(tokens: Array(tokens[..<prefill]), cache: cache, execution: .serial)
        for t in prefill..<tokens.count { cached += try model.logits(tokens: [tokens[t]], cache: cache, execution: .serial) }
        let decoding = relative(cached, expectedCached)
        #expect(decoding < 1e-5, "cached decoding differs by \(decoding) of the largest logit")

        let gguf = try LlamaModel.load(from: dir.appendingPathComponent("model.gguf"), trainable: [])
        #expect(gguf.config.explicitHeadDim == 16 && gguf.config.nKVHeads == 2)
        for spec in model.parameters.tensors {
            #expect(gguf.parameters.values(of: spec.name) == model.parameters.values(of: spec.name), "\(spec.name)")
        }
        let fromGGUF = relative(try gguf.logits(tokens: tokens, execution: .serial), expectedGGUF)
        #expect(fromGGUF < 1e-5, "GGUF logits differ from transformers' GGUF loader by \(fromGGUF) of the largest")
        let theirs = try #require(report["gguf_vs_safetensors"] as? Double)
        print("head_dim 16: full \(full), cached \(decoding), GGUF \(fromGGUF); transformers GGUF vs safetensors \(theirs)")
    }

    static let saveScript = VenvPython.decoding + #"""
    import json, sys
    import numpy as np, torch, transformers, gguf
    out, tokens, prefill = sys.argv[1], [int(t) for t in sys.argv[2].split(",")], int(sys.argv[3])
    torch.manual_seed(0)
    transformers.utils.logging.disable_progress_bar()
    cfg = transformers.LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                   num_attention_heads=8, num_key_value_heads=2, head_dim=16, max_position_embeddings=128,
                                   rms_norm_eps=1e-5, tie_word_embeddings=False,
                                   rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    model = transformers.LlamaForCausalLM(cfg)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    attn = model.model.layers[0].self_attn
    assert tuple(attn.q_proj.weight.shape) == (128, 64) and tuple(attn.o_proj.weight.shape) == (64, 128)
    model.save_pretrained(f"{out}/hf")
    load = lambda: transformers.LlamaForCausalLM.from_pretrained(f"{out}/hf", dtype=torch.float32).eval()
    logits, cached = decode(load, tokens, prefill)

    # As llama.cpp's convert_hf_to_gguf.py writes a llama with head_dim (LlamaModel.permute).
    def permute(w, n_head, n_head_kv):
        if n_head_kv is not None and n_head != n_head_kv:
            n_head = n_head_kv
        return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)
    w = gguf.GGUFWriter(f"{out}/model.gguf", "llama")
    w.add_name("head-dim"); w.add_context_length(128); w.add_embedding_length(64); w.add_block_count(2)
    w.add_feed_forward_length(96); w.add_head_count(8); w.add_head_count_kv(2)
    w.add_key_length(16); w.add_value_length(16); w.add_rope_dimension_count(16)
    w.add_rope_freq_base(10000.0); w.add_layer_norm_rms_eps(1e-5); w.add_vocab_size(300)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    names = {"input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm", "self_attn.q_proj": "attn_q",
             "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
             "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    for name, t in model.state_dict().items():
        x = t.detach().float().numpy()
        if name == "model.embed_tokens.weight": target = "token_embd.weight"
        elif name == "model.norm.weight": target = "output_norm.weight"
        elif name == "lm_head.weight": target = "output.weight"
        else:
            layer, module = name.split(".")[2], ".".join(name.split(".")[3:-1])
            target = f"blk.{layer}.{names[module]}.weight"
            if module == "self_attn.q_proj": x = permute(x, 8, 8)
            if module == "self_attn.k_proj": x = permute(x, 8, 2)
        w.add_tensor(target, np.ascontiguousarray(x))
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    g = transformers.AutoModelForCausalLM.from_pretrained(out, gguf_file="model.gguf", dtype=torch.float32).eval()
    assert g.config.head_dim == 16, g.config
    with torch.no_grad():
        gguf_logits = g(torch.tensor([tokens])).logits[0]
    print(json.dumps({"logits": logits.reshape(-1).tolist(), "cached": cached.reshape(-1).tolist(),
                      "gguf_logits": gguf_logits.reshape(-1).tolist(),
                      "gguf_vs_safetensors": (gguf_logits - logits).abs().max().item()}))
    """#
}
