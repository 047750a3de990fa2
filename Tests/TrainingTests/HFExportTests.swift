import Data
import Foundation
import Model
import Support
import Testing
import Training

/// `export-hf` writes merged weights with rope_scaling kept. Hugging Face transformers itself
/// loads the export (HFExportTransformersTests.swift); here, besides, an independent numpy LLaMA
/// forward (written from Hugging Face's LlamaForCausalLM definition: rotate_half RoPE with
/// linear scaling, repeat_kv, SwiGLU, RMSNorm) reads the exported config.json and
/// model.safetensors with a from-the-spec reader and must give our logits.
@Suite struct HFExportTests {
    static let pythonAvailable = Shell.run(["python3", "-c", "import numpy"])?.status == 0

    func trainedModel(_ dir: URL) throws -> (LlamaModel, URL) {
        let m = try Fixtures.model(lora: LoRAConfig(rank: 4, alpha: 8, targets: [.q, .k, .v, .o, .down]),
                                   rope: RoPE(base: 10000, scaling: .positionInterpolation(factor: 2)))
        let c = Fixtures.config(steps: 3)
        let t = try Trainer(model: m, config: c, attention: PatternAttention.full, execution: .serial,
                            batches: Fixtures.batches(c))
        try t.run()
        let checkpoint = dir.appendingPathComponent("checkpoint")
        try TrainerCheckpoint.save(t, to: checkpoint)
        let out = dir.appendingPathComponent("hf")
        try HFExport.export(checkpoint: checkpoint, to: out, tokenizer: try HFTokenizerFiles(harness: ByteTokenizer()))
        return (m, out)
    }

    @Test func exportedModelGivesTheSameLogits() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (trained, out) = try trainedModel(dir)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        // No base given: the merged model and its tokenizer only.
        #expect(files == ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"])
        let exported = try LlamaModel.load(from: out)
        #expect(exported.lora == nil)
        #expect(exported.rope.scaling == .positionInterpolation(factor: 2))
        let tokens: [Int32] = [3, 100, 7, 258, 42, 42, 9, 0, 12, 200]
        let a = try trained.logits(tokens: tokens, execution: .serial)
        let b = try exported.logits(tokens: tokens, execution: .serial)
        let diff = zip(a, b).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(diff < 1e-5, "merged export differs by \(diff)")
    }

    @Test(.enabled(if: pythonAvailable)) func numpyReferenceReadsTheExport() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (trained, out) = try trainedModel(dir)
        let tokens: [Int32] = [5, 17, 250, 3, 3, 99, 1, 64, 128, 7, 11, 2]
        let expectedURL = try writeExpected(trained, tokens: tokens, in: dir)
        let script = dir.appendingPathComponent("llama_numpy.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let result = Shell.run(["python3", script.path, out.path, expectedURL.path])
        let stdout = String(decoding: result?.stdout ?? Data(), as: UTF8.self)
        let stderr = String(decoding: result?.stderr ?? Data(), as: UTF8.self)
        #expect(result?.status == 0, "python failed: \(stderr)")
        let diff = Double(stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .infinity
        // float64 numpy vs float32 Swift on a 2-layer micro model: ~1e-6; a transposed weight gives
        // differences of order 0.1, a lost rope_scaling ~8e-4 (measured through transformers).
        #expect(diff < 1e-4, "numpy reference differs by \(stdout) \(stderr)")
    }

    static let script = #"""
    import json, struct, sys
    import numpy as np

    def read_safetensors(path):
        with open(path, "rb") as f:
            data = f.read()
        (n,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8:8 + n])
        out = {}
        for name, e in header.items():
            if name == "__metadata__":
                continue
            assert e["dtype"] == "F32", name
            b, end = e["data_offsets"]
            arr = np.frombuffer(data[8 + n + b:8 + n + end], dtype="<f4").astype(np.float64)
            out[name] = arr.reshape(e["shape"])
        return out

    model_dir, expected_path = sys.argv[1], sys.argv[2]
    cfg = json.load(open(model_dir + "/config.json"))
    w = read_safetensors(model_dir + "/model.safetensors")
    exp = json.load(open(expected_path))
    ids = np.array(exp["tokens"])
    H, Hkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    d = cfg["hidden_size"]; hd = d // H; eps = cfg["rms_norm_eps"]
    factor = cfg.get("rope_scaling", {}).get("factor", 1.0) if cfg.get("rope_scaling") else 1.0

    def rms(x, g):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * g

    def rotate_half(x):
        h = x.shape[-1] // 2
        return np.concatenate([-x[..., h:], x[..., :h]], -1)

    n = len(ids)
    inv_freq = 1.0 / (cfg["rope_theta"] ** (np.arange(0, hd, 2) / hd))
    t = np.arange(n) / factor
    emb = np.concatenate([np.outer(t, inv_freq)] * 2, -1)
    cos, sin = np.cos(emb)[:, None, :], np.sin(emb)[:, None, :]
    x = w["model.embed_tokens.weight"][ids]
    for l in range(cfg["num_hidden_layers"]):
        p = lambda s: w[f"model.layers.{l}.{s}.weight"]
        h = rms(x, p("input_layernorm"))
        q = (h @ p("self_attn.q_proj").T).reshape(n, H, hd)
        k = (h @ p("self_attn.k_proj").T).reshape(n, Hkv, hd)
        v = (h @ p("self_attn.v_proj").T).reshape(n, Hkv, hd)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = np.repeat(k, H // Hkv, axis=1); v = np.repeat(v, H // Hkv, axis=1)
        s = np.einsum("ihd,jhd->hij", q, k) / np.sqrt(hd)
        s = np.where(np.tril(np.ones((n, n), bool))[None], s, -np.inf)
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        a = np.einsum("hij,jhd->ihd", s, v).reshape(n, d)
        x = x + a @ p("self_attn.o_proj").T
        h = rms(x, p("post_attention_layernorm"))
        g = h @ p("mlp.gate_proj").T
        x = x + ((g / (1 + np.exp(-g))) * (h @ p("mlp.up_proj").T)) @ p("mlp.down_proj").T
    logits = rms(x, w["model.norm.weight"]) @ w["lm_head.weight"].T
    print(np.abs(logits.reshape(-1) - np.array(exp["logits"])).max())
    """#
}
