import Foundation
import Model
import Support
import Testing

/// Hugging Face's `dynamic` (dynamic NTK) and `yarn` RoPE types, as transformers 5.23 computes
/// them (`_compute_dynamic_ntk_parameters`, `_compute_yarn_parameters`, `dynamic_rope_update`).
@Suite struct HFRoPETypesTests {
    /// Dynamic NTK keeps the base up to the original context, then raises it to
    /// base * (f L / original - (f - 1))^(hd / (hd - 2)) for the sequence length L.
    @Test func dynamicBaseFollowsTheSequenceLength() throws {
        let hd = 16, rope = RoPE(base: 10000, scaling: .dynamicNTK(factor: 2, originalContext: 32))
        try rope.validate()
        for length in [1, 20, 32] { #expect(rope.effectiveBase(headDim: hd, sequenceLength: length) == 10000) }
        #expect(rope.effectiveBase(headDim: hd) == 10000)
        for length in [33, 41, 64, 1000] {
            let expected = 10000 * pow(2 * Double(length) / 32 - 1, 16.0 / 14.0)
            #expect(abs(rope.effectiveBase(headDim: hd, sequenceLength: length) / expected - 1) < 1e-14)
        }
        // The table takes the length from its last position: a full forward over 0..<64 and a
        // cached step at position 63 use the same base, the step at position 40 a smaller one.
        let full = rope.table(positions: 0..<64, headDim: hd), step = rope.table(positions: 40..<41, headDim: hd)
        let base64 = 10000 * pow(3.0, 16.0 / 14.0), base41 = 10000 * pow(2 * 41.0 / 32 - 1, 16.0 / 14.0)
        for i in 0..<hd / 2 {
            let w64 = pow(base64, -2 * Double(i) / Double(hd)), w41 = pow(base41, -2 * Double(i) / Double(hd))
            #expect(abs(Double(full.cos[63 * hd / 2 + i]) - cos(63 * w64)) < 1e-6)
            #expect(abs(Double(full.sin[40 * hd / 2 + i]) - sin(40 * w64)) < 1e-6)
            #expect(abs(Double(step.sin[i]) - sin(40 * w41)) < 1e-6)
        }
        let short = rope.table(positions: 0..<32, headDim: hd), plain = RoPE(base: 10000).table(positions: 0..<32, headDim: hd)
        #expect(short.cos == plain.cos && short.sin == plain.sin)
    }

    /// YaRN with hd 64, base 1e4, factor 4, original context 32: pair i turns
    /// 32 * base^(-2i/64) / 2pi times over the original context, which is beta_fast = 32 below
    /// i = -6.39 and beta_slow = 1 at i = 5.66, so (truncated to 0 and 6) pairs 0 to 6 ramp
    /// from kept to interpolated by 4, the rest are interpolated; cos and sin carry
    /// 0.1 ln 4 + 1.
    @Test(arguments: [true, false]) func yarnFrequenciesInClosedForm(truncate: Bool) throws {
        let hd = 64, attention = 0.1 * log(4.0) + 1
        let rope = RoPE(base: 10000, scaling: .yarn(factor: 4, originalContext: 32, betaFast: 32, betaSlow: 1,
                                                    attentionFactor: attention, truncate: truncate))
        try rope.validate()
        let high = truncate ? 6 : 64 * log(32 / (2 * Double.pi)) / (2 * log(10000.0))
        #expect(abs(high - (truncate ? 6 : 5.6558)) < 1e-4)
        for i in 0..<hd / 2 {
            let plain = pow(10000, -2 * Double(i) / Double(hd)), ramp = min(Double(i) / high, 1)
            let expected = (1 - ramp) * plain + ramp * plain / 4
            #expect(abs(rope.frequency(i, headDim: hd) / expected - 1) < 1e-13, "pair \(i)")
        }
        let table = rope.table(positions: 0..<50, headDim: hd)
        for (p, i) in [(0, 0), (49, 0), (49, 3), (17, 20)] {
            let angle = Double(p) * rope.frequency(i, headDim: hd)
            #expect(abs(Double(table.cos[p * hd / 2 + i]) - attention * cos(angle)) < 1e-6)
            #expect(abs(Double(table.sin[p * hd / 2 + i]) - attention * sin(angle)) < 1e-6)
        }
    }

    /// Both key layouts parse, with transformers' defaults, and an export reads back the same.
    @Test func configKeysParseWithTransformersDefaults() throws {
        let base: [String: Any] = [
            "architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 96,
            "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 10, "rms_norm_eps": 1e-5,
            "max_position_embeddings": 128,
        ]
        func parse(_ edit: ([String: Any]) -> [String: Any]) throws -> RoPE { try HFConfig.parseLlama(edit(base), source: "config.json").1 }
        // 4.x: `rope_scaling` with `type`; the original context of dynamic is max_position_embeddings.
        var dynamic = try parse { var j = $0; j["rope_theta"] = 500.0; j["rope_scaling"] = ["type": "dynamic", "factor": 2]; return j }
        #expect(dynamic == RoPE(base: 500, scaling: .dynamicNTK(factor: 2, originalContext: 128)))
        dynamic = try parse { var j = $0; j["rope_parameters"] = ["rope_type": "dynamic", "rope_theta": 500.0, "factor": 2.0]; return j }
        #expect(dynamic == RoPE(base: 500, scaling: .dynamicNTK(factor: 2, originalContext: 128)))
        // 5.x: defaults 32 / 1 / truncate, 0.1 ln(factor) + 1, the original from max_position_embeddings.
        let yarn = try parse { var j = $0; j["rope_parameters"] = ["rope_type": "yarn", "rope_theta": 1e4, "factor": 4.0]; return j }
        #expect(yarn.scaling == .yarn(factor: 4, originalContext: 128, betaFast: 32, betaSlow: 1,
                                      attentionFactor: 0.1 * log(4.0) + 1, truncate: true))
        // A top-level original_max_position_embeddings wins (as for Phi-3); mscale / mscale_all_dim.
        let deepseek = try parse {
            var j = $0; j["rope_theta"] = 1e4; j["original_max_position_embeddings"] = 16
            j["rope_scaling"] = ["rope_type": "yarn", "factor": 8, "original_max_position_embeddings": 32,
                                 "mscale": 1.0, "mscale_all_dim": 0.5, "beta_fast": 16, "beta_slow": 2, "truncate": false]
            return j
        }
        #expect(deepseek.scaling == .yarn(factor: 8, originalContext: 16, betaFast: 16, betaSlow: 2,
                                          attentionFactor: (0.1 * log(8.0) + 1) / (0.05 * log(8.0) + 1), truncate: false))
        let given = try parse { var j = $0; j["rope_theta"] = 1e4; j["rope_scaling"] = ["type": "yarn", "factor": 4, "attention_factor": 1.5]; return j }
        #expect(given.attentionFactor == 1.5)
        // A null factor is max_position_embeddings / original (transformers, for DeepSeek-V3).
        let implicit = try parse {
            var j = $0; j["rope_theta"] = 1e4
            j["rope_scaling"] = ["rope_type": "yarn", "factor": NSNull(), "original_max_position_embeddings": 32]; return j
        }
        #expect(implicit.scaling == .yarn(factor: 4, originalContext: 32, betaFast: 32, betaSlow: 1,
                                          attentionFactor: 0.1 * log(4.0) + 1, truncate: true))
        // Rotating a fraction of each head is refused where it is given; 1 is LLaMA's own.
        #expect(try parse { var j = $0; j["rope_theta"] = 1e4; j["partial_rotary_factor"] = 1.0; return j } == RoPE(base: 1e4))
        for edit in [{ (j: inout [String: Any]) in j["rope_theta"] = 1e4; j["partial_rotary_factor"] = 0.5 },
                     { (j: inout [String: Any]) in j["rope_parameters"] = ["rope_type": "default", "rope_theta": 1e4, "partial_rotary_factor": 0.25] }] {
            let error = #expect(throws: UserError.self) { try parse { var j = $0; edit(&j); return j } }
            #expect(error?.message.contains("partial_rotary_factor' is 0.") == true, "\(error?.message ?? "")")
        }
        // Bad values name their key.
        for (scaling, key) in [(["rope_type": "yarn"], "rope_scaling.factor"), (["rope_type": "dynamic"], "rope_scaling.factor"),
                               (["rope_type": "yarn", "factor": 4, "beta_fast": "x"], "rope_scaling.beta_fast"),
                               (["rope_type": "yarn", "factor": 4, "truncate": 1], "rope_scaling.truncate")] as [([String: Any], String)] {
            let error = #expect(throws: UserError.self) { try parse { var j = $0; j["rope_theta"] = 1e4; j["rope_scaling"] = scaling; return j } }
            #expect(error?.message.contains(key) == true, "\(error?.message ?? "")")
        }
        let error = #expect(throws: UserError.self) {
            try parse { var j = $0; j["rope_theta"] = 1e4; j["rope_scaling"] = ["type": "dynamic", "factor": 0.5]; return j }
        }
        #expect(error?.message.contains("factor >= 1") == true, "\(error?.message ?? "")")
        // Export and parse back.
        let (config, _) = try HFConfig.parseLlama(base.merging(["rope_theta": 1e4]) { $1 }, source: "config.json")
        for rope in [dynamic, yarn, deepseek] {
            let json = try JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: HFConfig.llama(config, rope: rope)))
            #expect(try HFConfig.parseLlama(try #require(json as? [String: Any]), source: "export").1 == rope)
        }
    }

    /// RoPE is part of run configurations: the cases that existed keep their encoding.
    @Test func existingScalingsKeepTheirEncoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func encoded(_ rope: RoPE) throws -> String { String(decoding: try encoder.encode(rope), as: UTF8.self) }
        #expect(try encoded(RoPE()) == #"{"base":10000,"scaling":{"none":{}}}"#)
        #expect(try encoded(RoPE(scaling: .positionInterpolation(factor: 4))) == #"{"base":10000,"scaling":{"positionInterpolation":{"factor":4}}}"#)
        #expect(try encoded(RoPE(scaling: .ntkAware(factor: 2))) == #"{"base":10000,"scaling":{"ntkAware":{"factor":2}}}"#)
    }

    /// transformers saves tiny LLaMA models with `rope_parameters` dynamic (factor 2,
    /// max_position_embeddings 32) and yarn (factor 4, original 32); over 64 tokens, and in
    /// cached decoding (a 40-token prefill, then one token at a time) on a fresh model, the
    /// logits equal transformers' within 1e-4 of their largest magnitude, as saved and as
    /// transformers 4.x wrote the config. For dynamic, cached decoding differs from the full
    /// forward (keys cached under smaller bases), in transformers and here alike.
    @Test func transformersLogitsForDynamicAndYaRN() throws {
        let dir = try VenvPython.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokens: [Int32] = (0..<64).map { Int32(($0 * 37 + 11) % 300) }, prefill = 40, V = 300
        let report = try VenvPython.run(Self.saveScript, [dir.path, tokens.map(String.init).joined(separator: ","), "\(prefill)"], in: dir)
        let models = try #require(report["models"] as? [String: [String: Any]])
        #expect(models.count == 2)
        for (name, info) in models.sorted(by: { $0.key < $1.key }) {
            let expected = try #require(info["logits"] as? [Double]), expectedCached = try #require(info["cached"] as? [Double])
            let scale = expected.map(abs).max()!
            func relative(_ ours: [Float], _ theirs: [Double]) -> Double {
                ours.count == theirs.count ? zip(ours, theirs).map { abs(Double($0) - $1) }.max()! / scale : .infinity
            }
            let modelDir = dir.appendingPathComponent(name)
            for style in ["as saved", "4.x"] {
                if style == "4.x" { try HFCheckpointTests.rewriteAs4x(modelDir.appendingPathComponent("config.json")) }
                let model = try LlamaModel.load(from: modelDir, trainable: [])
                let ours = try model.logits(tokens: tokens, execution: .serial)
                let full = relative(ours, expected)
                #expect(full < 1e-4, "\(name) (\(style)): logits differ by \(full) relative")
                let cache = KVCache(config: model.config)
                var cached = try model.logits(tokens: Array(tokens[..<prefill]), cache: cache, execution: .serial)
                for t in prefill..<tokens.count { cached += try model.logits(tokens: [tokens[t]], cache: cache, execution: .serial) }
                let decoding = relative(cached, expectedCached)
                #expect(decoding < 1e-4, "\(name) (\(style)): cached decoding differs by \(decoding) relative")
                print("\(name) (\(style)): max |difference| / max |logit|: full \(full), cached \(decoding)")
                if name == "dynamic" {
                    let last = (tokens.count - 1) * V..<tokens.count * V
                    #expect(zip(expectedCached[last], expected[last]).map { abs($0 - $1) }.max()! > 1e-3 * scale)
                }
            }
        }
    }

    static let saveScript = VenvPython.decoding + #"""
    import json, sys
    import torch, transformers
    out, tokens, prefill = sys.argv[1], [int(t) for t in sys.argv[2].split(",")], int(sys.argv[3])
    torch.manual_seed(0)
    transformers.utils.logging.disable_progress_bar()
    def make(name, max_positions, rope_parameters):
        cfg = transformers.LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                       num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=max_positions,
                                       rms_norm_eps=1e-5, tie_word_embeddings=False, rope_parameters=rope_parameters)
        model = transformers.LlamaForCausalLM(cfg)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.05)
        model.save_pretrained(f"{out}/{name}")
        # A fresh model for decoding: the rotary module keeps the largest dynamic base it has seen.
        load = lambda: transformers.LlamaForCausalLM.from_pretrained(f"{out}/{name}", dtype=torch.float32).eval()
        logits, cached = decode(load, tokens, prefill)
        return {"logits": logits.reshape(-1).tolist(), "cached": cached.reshape(-1).tolist()}
    models = {
        "dynamic": make("dynamic", 32, {"rope_type": "dynamic", "rope_theta": 10000.0, "factor": 2.0}),
        "yarn": make("yarn", 128, {"rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0,
                                   "original_max_position_embeddings": 32}),
    }
    print(json.dumps({"models": models}))
    """#
}
