import Foundation
import Model
import Support

/// The peer `longlora bench --compare-torch` measures beside each row: the step a researcher
/// would otherwise run, transformers' `LlamaForCausalLM` on the CPU from the project's pinned
/// virtualenv, with the same shape, attention pattern, trainable parts, tokens per step and
/// threads. Only full attention and S2-Attn have a peer (the official code's two paths).
struct TorchPeer {
    /// The virtualenv's Python (`bash scripts/setup.sh` makes it).
    var python: URL

    /// Fails early, before any row is measured, when the peer cannot run them.
    func check(patterns: [AttentionKind]) throws {
        for pattern in patterns where pattern != .full && pattern != .s2 {
            throw UserError("--compare-torch: pattern '\(pattern.rawValue)' has no PyTorch peer; expected full or s2")
        }
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw UserError("--compare-torch: \(python.path) is not an executable Python",
                            hint: "run `bash scripts/setup.sh` (it makes .venv-hf with torch, transformers and peft), or pass --python PATH")
        }
        let probe = Shell.run([python.path, "-c", "import torch, transformers, peft"])
        guard let probe, probe.status == 0 else {
            let err = probe.map { String(decoding: $0.stderr, as: UTF8.self) } ?? "cannot start it"
            throw UserError("--compare-torch: \(python.path) cannot import torch, transformers and peft: \(err.split(separator: "\n").last ?? "")",
                            hint: "run `bash scripts/setup.sh`")
        }
    }

    /// The fastest of `steps` timed steps (after one warm-up step), in seconds, for a pattern
    /// `check` accepted.
    func secondsPerStep(config c: ModelConfig, pattern: AttentionKind, length n: Int, group: Int, trainable: TrainableParts,
                        tokensPerStep: Int, steps: Int, threads: Int) throws -> Double {
        let arguments: [String: Any] = [
            "threads": threads, "length": n, "group": group, "heads": c.nHeads, "kv_heads": c.nKVHeads,
            "head_dim": c.headDim, "vocab": c.vocabSize, "dim": c.dim, "ffn": c.ffnDim, "layers": c.nLayers,
            "rope_base": c.ropeBase, "max_context": c.maxContext, "eps": Double(c.normEps), "tied": c.isTied,
            "pattern": pattern.rawValue, "trainable": trainable.description.split(separator: ",").map(String.init), "tokens_per_step": tokensPerStep, "steps": steps,
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: arguments, options: [.sortedKeys]), as: UTF8.self)
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-torch-peer-\(UUID().uuidString).py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        guard let run = Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", "PYTHONWARNINGS=ignore",
                                   python.path, script.path, json]) else {
            throw UserError("--compare-torch: cannot start \(python.path)")
        }
        let line = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard run.status == 0,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let seconds = (object["seconds_per_step"] as? NSNumber)?.doubleValue, seconds > 0 else {
            let err = String(decoding: run.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw UserError("--compare-torch: the PyTorch step \(pattern.rawValue) n=\(n) failed (exit \(run.status)): \(err.split(separator: "\n").suffix(3).joined(separator: " / "))")
        }
        return seconds
    }

    static let script = #"""
        # The PyTorch peer of `longlora bench`: one training step of transformers' LlamaForCausalLM
        # on the CPU, SDPA attention (PyTorch's CPU flash kernel), PEFT LoRA on q, k, v, o (rank 8,
        # alpha 16) plus the trainable embedding and norms as LoRA+ does, AdamW; S2-Attn as the
        # official llama_attn_replace.py writes it (half the heads rolled by -G/2, the sequence cut
        # into groups of G, causal attention in each group, the output rolled back). Prints the
        # fastest step's seconds as JSON.
        import json, sys, time
        import torch, torch.nn.functional as F, transformers
        from transformers.models.llama.modeling_llama import repeat_kv

        a = json.loads(sys.argv[1])
        torch.set_num_threads(a["threads"])
        torch.manual_seed(1)
        transformers.utils.logging.set_verbosity_error()
        n, G, H = a["length"], a["group"], a["heads"]

        def s2_attention(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
            """query (B, H, n, hd), key and value (B, KV, n, hd); returns (B, n, H, hd)."""
            key, value = repeat_kv(key, module.num_key_value_groups), repeat_kv(value, module.num_key_value_groups)
            B, heads, length, hd = query.shape
            def shift(x):
                x = torch.cat([x[:, :heads // 2], x[:, heads // 2:].roll(-G // 2, dims=2)], dim=1)
                return x.transpose(1, 2).reshape(B * length // G, G, heads, hd).transpose(1, 2)
            out = F.scaled_dot_product_attention(shift(query), shift(key), shift(value), is_causal=True, scale=scaling)
            out = out.transpose(1, 2).reshape(B, length, heads, hd)
            return torch.cat([out[:, :, :heads // 2], out[:, :, heads // 2:].roll(G // 2, dims=1)], dim=2), None

        transformers.AttentionInterface.register("s2_official", s2_attention)

        if a["pattern"] == "s2":
            # The peer's S2 is checked against the explicit mask before it is timed: query i of a
            # plain head sees keys of its own group up to i; of a shifted head, of its group shifted by G/2.
            m = 8 * 4
            class Module: num_key_value_groups = 1
            q, k, v = (torch.randn(1, 4, m, 8, dtype=torch.float64) for _ in range(3))
            g = 8
            saved = G
            G = g
            got = s2_attention(Module(), q, k, v, None, scaling=8 ** -0.5)[0]
            G = saved
            i = torch.arange(m)
            for h in range(4):
                pos = i if h < 2 else (i - g // 2) % m
                group = pos // g
                mask = (group[:, None] == group[None, :]) & (pos[None, :] <= pos[:, None])
                s = (q[0, h] @ k[0, h].T) * 8 ** -0.5
                ref = torch.softmax(s.masked_fill(~mask, float("-inf")), -1) @ v[0, h]
                assert torch.allclose(got[0, :, h], ref, atol=1e-12), f"S2 peer differs from its mask on head {h}"

        rope = {"rope_type": "default", "rope_theta": a["rope_base"]}
        factor = max(1, -(-n // a["max_context"]))
        if factor > 1:
            rope = {"rope_type": "linear", "rope_theta": a["rope_base"], "factor": float(factor)}
        cfg = transformers.LlamaConfig(vocab_size=a["vocab"], hidden_size=a["dim"], intermediate_size=a["ffn"],
                                       num_hidden_layers=a["layers"], num_attention_heads=H, num_key_value_heads=a["kv_heads"],
                                       head_dim=a["head_dim"], max_position_embeddings=a["max_context"] * factor,
                                       rms_norm_eps=a["eps"], tie_word_embeddings=a["tied"], rope_parameters=rope,
                                       attn_implementation="s2_official" if a["pattern"] == "s2" else "sdpa")
        model = transformers.LlamaForCausalLM(cfg)
        parts = set(a["trainable"])
        if "all" in parts:
            trainable = list(model.parameters())
        else:
            if "lora" in parts:
                import peft
                model = peft.get_peft_model(model, peft.LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, bias="none",
                                                                   target_modules=["q_proj", "k_proj", "v_proj", "o_proj"]))
            else:
                for p in model.parameters():
                    p.requires_grad_(False)
            for name, p in model.named_parameters():
                if ("embed" in parts and "embed_tokens" in name) or ("norm" in parts and "norm" in name) \
                        or ("head" in parts and "lm_head" in name):
                    p.requires_grad_(True)
            trainable = [p for p in model.parameters() if p.requires_grad]
        model.train()
        optimizer = torch.optim.AdamW(trainable, lr=2e-5, weight_decay=0.0)
        batch = max(1, a["tokens_per_step"] // n)
        ids = torch.randint(0, a["vocab"], (batch, n))
        times = []
        for step in range(a["steps"] + 1):
            start = time.perf_counter()
            loss = model(input_ids=ids, labels=ids).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            if step > 0:
                times.append(time.perf_counter() - start)
        print(json.dumps({"seconds_per_step": min(times), "batch": batch, "loss": loss.item(),
                          "trainable": sum(p.numel() for p in trainable), "torch": torch.__version__}))
        """#
}
