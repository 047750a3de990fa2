import Foundation
import Testing
import Metrics
import Model
import Support

/// `--model PATH`: a model's configuration read from a transformers-written directory or a
/// GGUF file counts its real shape: grouped-query heads, an explicit head_dim, tied
/// embeddings and its vocabulary.
@Suite struct ModelSourceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// transformers 5 saves a tied, grouped-query LLaMA whose head_dim (24 x 6 heads = 144) is
    /// not hidden_size / heads (96 / 6), and counts its forward matrix products with PyTorch's
    /// FlopCounterMode (eager attention: the whole n x n score matrix). Ours, read from its
    /// config.json, must give its num_parameters() and the same products: projections, FFN
    /// matrices, head and QK^T/AV (FlopCounterMode counts no elementwise work).
    @Test func transformersConfigCountsLikeTransformers() throws {
        let python = Self.root.appendingPathComponent(".venv-hf/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path),
                     "\(python.path) is missing: run `bash scripts/setup.sh`")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-source-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("count.py")
        try Self.countScript.write(to: script, atomically: true, encoding: .utf8)
        let n = 96
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", python.path, script.path,
                                             dir.appendingPathComponent("model").path, String(n)]))
        try #require(result.status == 0, "python failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])

        for path in ["model", "model/config.json"] {
            let (c, _) = try ModelConfig.read(from: dir.appendingPathComponent(path))
            #expect(c.headDim == 24 && c.attentionDim == 144 && c.kvDim == 48 && c.isTied && c.vocabSize == 1003)
            #expect(c.parameterCount == report["num_parameters"] as? Int)
            let p = FLOPs.forwardParts(c, context: n)
            let products = p.attentionCore + p.projectionMatmuls + p.ffnMatmuls + p.head
            #expect(products == report["flops"] as? Double, "ours \(products), FlopCounterMode \(report["flops"] ?? "-")")
            #expect(throws: Never.self) { try c.validate() }  // the trainer runs it too (ModelTests' HeadDimTests)
        }
    }

    /// SmolLM2-135M-Instruct's GGUF, read for its configuration only: 30 layers, d = 576,
    /// 9 heads sharing 3 key/value heads, vocabulary 49152, tied; its parameter count is the
    /// sum of the file's tensor sizes.
    @Test func ggufParameterCountIsTheSumOfItsTensors() throws {
        let url = Self.root.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")
        try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) is missing: run `bash scripts/setup.sh`")
        let (c, _) = try ModelConfig.read(from: url)
        #expect(c.nLayers == 30 && c.dim == 576 && c.nHeads == 9 && c.nKVHeads == 3 && c.headDim == 64)
        #expect(c.vocabSize == 49152 && c.isTied && c.ffnDim == 1536)
        let file = try GGUFFile(url)
        let sum = file.tensors.values.reduce(0) { $0 + $1.count }
        #expect(c.parameterCount == sum && sum == 134_515_008)
    }

    /// A tied head is trained with the embedding under LoRA+: its weight gradient (one more
    /// 2·n·d·V) is counted, which the untied model's frozen head skips.
    @Test func tiedHeadTrainsWithTheEmbedding() {
        var tied = ModelConfig.llama2_7b
        tied.tieWordEmbeddings = true
        let setup = FineTuneSetup(method: .longlora)
        let head = 2.0 * 8192 * 4096 * 32000
        let extra = FLOPs.training(tied, context: 8192, setup: setup).others
            - FLOPs.training(.llama2_7b, context: 8192, setup: setup).others
        #expect(extra == head)
        let lora = FineTuneSetup(method: .lora)
        #expect(FLOPs.training(tied, context: 8192, setup: lora) == FLOPs.training(.llama2_7b, context: 8192, setup: lora))
        // Stored once: the tied model has one V x d matrix fewer.
        #expect(ModelConfig.llama2_7b.parameterCount - tied.parameterCount == 32000 * 4096)
    }

    /// Multi-query attention (one key/value head) and one layer: JSON numbers 1, not booleans.
    @Test func oneKeyValueHeadReadsFromJSON() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-mqa-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"""
            {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 4,
             "num_key_value_heads": 1, "num_hidden_layers": 1, "vocab_size": 500, "rms_norm_eps": 1e-6,
             "max_position_embeddings": 256, "rope_theta": 10000.0, "tie_word_embeddings": true}
            """#.utf8).write(to: url)
        let (c, _) = try ModelConfig.read(from: url)
        #expect(c.nKVHeads == 1 && c.nLayers == 1 && c.kvDim == 16 && c.isTied)
        // 500·64 + (2·64·64 + 2·64·16 + 3·64·128 + 2·64) + 64
        #expect(c.parameterCount == 32000 + 34944 + 64)
    }

    @Test func badPathsNameTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-source-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("notes.txt"), gguf = dir.appendingPathComponent("broken.gguf")
        let json = dir.appendingPathComponent("config.json")
        try Data("hello".utf8).write(to: text)
        try Data("GGUF\u{3}".utf8).write(to: gguf)
        try Data(#"{"hidden_size": 64}"#.utf8).write(to: json)
        for (url, says) in [(dir.appendingPathComponent("missing"), "no such file"), (text, "expected a config.json"),
                            (gguf, "broken.gguf"), (json, "num_attention_heads")] {
            let error = #expect(throws: UserError.self) { try ModelConfig.read(from: url) }
            #expect(error?.message.contains(url.path) == true && error?.message.contains(says) == true, "\(error?.message ?? "")")
        }
        try FileManager.default.removeItem(at: json)
        let error = #expect(throws: UserError.self) { try ModelConfig.read(from: dir) }
        #expect(error?.message.contains("no config.json") == true, "\(error?.message ?? "")")
    }

    static let countScript = #"""
    import json, sys
    import torch, transformers
    from torch.utils.flop_counter import FlopCounterMode
    out, n = sys.argv[1], int(sys.argv[2])
    torch.manual_seed(0)
    transformers.utils.logging.disable_progress_bar()
    cfg = transformers.LlamaConfig(vocab_size=1003, hidden_size=96, intermediate_size=200, num_hidden_layers=3,
                                   num_attention_heads=6, num_key_value_heads=2, head_dim=24, tie_word_embeddings=True,
                                   max_position_embeddings=512, rms_norm_eps=1e-5)
    cfg._attn_implementation = "eager"
    model = transformers.LlamaForCausalLM(cfg).eval()
    model.save_pretrained(out)
    with FlopCounterMode(display=False) as counter:
        with torch.no_grad():
            model(torch.randint(0, cfg.vocab_size, (1, n)))
    print(json.dumps({"num_parameters": model.num_parameters(), "flops": counter.get_total_flops()}))
    """#
}
