import Foundation
import Model
import Support
import Testing

/// The issue's own criterion: Hugging Face `transformers.LlamaForCausalLM.from_pretrained` loads
/// the `export-hf` directory and gives our logits. Runs the pinned torch + transformers of the
/// project-local venv that `scripts/setup.sh` creates; a missing venv fails (CI runs setup first).
extension HFExportTests {
    /// Package root from this file's path: Tests/TrainingTests/<this file>.
    static let venvPython = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".venv-hf/bin/python")

    @Test func transformersLoadsTheExport() throws {
        let python = Self.venvPython.path
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "\(python) is missing: run `bash scripts/setup.sh` (it installs torch and transformers there)")
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (trained, out) = try trainedModel(dir)
        let tokens: [Int32] = [1, 72, 101, 108, 108, 111, 32, 258, 0, 44, 44, 200, 7, 13, 99, 150, 3, 42]
        let expected = try writeExpected(trained, tokens: tokens, in: dir)
        let script = dir.appendingPathComponent("llama_transformers.py")
        try Self.transformersScript.write(to: script, atomically: true, encoding: .utf8)
        // Offline: the model is local, and nothing may reach for a hub.
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", python, script.path, out.path, expected.path]),
                                  "cannot start \(python)")
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        try #require(result.status == 0, "transformers failed: \(stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
                                  "unreadable report: \(String(decoding: result.stdout, as: UTF8.self))")

        // Position interpolation survives: in the parsed config and in the rotary embedding that
        // transformers actually built (inverse frequencies divided by the factor).
        #expect(report["rope_type"] as? String == "linear", "rope type \(report)")
        #expect(report["rope_factor"] as? Double == 2, "rope factor \(report)")
        let scale = report["inv_freq_scale"] as? [Double] ?? []
        #expect(!scale.isEmpty && scale.allSatisfy { abs($0 - 2) < 1e-5 }, "inv_freq scale \(scale)")
        // Every tensor is used and none is initialised at random; the config draws no warning.
        for key in ["missing", "unexpected", "mismatched", "warnings"] {
            #expect((report[key] as? [String]) == [], "\(key): \(report[key] ?? "absent")")
        }
        // float32 on both sides (OpenBLAS + our tiled attention vs torch's kernels + SDPA) differ
        // only by summation order: 1.2e-7 measured on logits of order 1. A transposed o_proj moves
        // them by ~0.3, but a dropped rope_scaling only by ~8e-4 on this barely trained micro
        // model (hence the explicit rope checks above, and a bound well below that).
        let diff = report["max_abs_diff"] as? Double ?? .infinity
        #expect(diff < 1e-5, "transformers logits differ by \(diff)")
    }

    /// Our logits for `tokens`, as JSON beside the export, for an outside reference to compare.
    func writeExpected(_ model: LlamaModel, tokens: [Int32], in dir: URL) throws -> URL {
        let logits = try model.logits(tokens: tokens, execution: .serial)
        let expected = ["tokens": tokens.map(Int.init), "logits": logits.map(Double.init)] as [String: Any]
        let url = dir.appendingPathComponent("expected.json")
        try JSONSerialization.data(withJSONObject: expected).write(to: url)
        return url
    }

    static let transformersScript = #"""
    import json, logging, sys, warnings
    import torch, transformers

    model_dir, expected_path = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    transformers.utils.logging.disable_progress_bar()
    logged = []
    class Collect(logging.Handler):
        def emit(self, record):
            logged.append(record.getMessage())
    handler = Collect(level=logging.WARNING)
    logging.getLogger("transformers").addHandler(handler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model, info = transformers.LlamaForCausalLM.from_pretrained(
            model_dir, torch_dtype=torch.float32, output_loading_info=True)
    model.eval()

    cfg = model.config
    rope = getattr(cfg, "rope_parameters", None) or getattr(cfg, "rope_scaling", None) or {}
    hd = cfg.head_dim
    theta = rope.get("rope_theta", getattr(cfg, "rope_theta", None))
    unscaled = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    inv_freq = model.model.rotary_emb.inv_freq.double()

    exp = json.load(open(expected_path))
    with torch.no_grad():
        logits = model(torch.tensor([exp["tokens"]])).logits[0]
    ours = torch.tensor(exp["logits"], dtype=torch.float64)
    print(json.dumps({
        "max_abs_diff": (logits.double().reshape(-1) - ours).abs().max().item(),
        "rope_type": rope.get("rope_type", rope.get("type")), "rope_factor": rope.get("factor"),
        "inv_freq_scale": (unscaled / inv_freq).tolist(),
        "missing": sorted(info["missing_keys"]), "unexpected": sorted(info["unexpected_keys"]),
        "mismatched": [str(m) for m in info["mismatched_keys"]],
        "warnings": [str(w.message) for w in caught] + logged,
        "torch": torch.__version__, "transformers": transformers.__version__,
    }))
    """#
}
