import Foundation
import Support
import Testing

/// `longlora eval DIR` on tiny LLaMA models that transformers saved with `rope_type: dynamic`
/// (max_position_embeddings 32) and `yarn` (factor 4 over an original 32), each in transformers
/// 5.x's `rope_parameters` and 4.x's `rope_scaling` layout: windows of 64 tokens, past the
/// original context, give transformers' loss under the longlora protocol. The library-level
/// logits are checked in `HFRoPETypesTests`; this checks the command a researcher types.
@Suite struct RoPETypesEvalTests {
    @Test func evalGivesTransformersLossForDynamicAndYaRN() throws {
        let python = PretrainedEvalTests.python
        try #require(FileManager.default.isExecutableFile(atPath: python.path),
                     "\(python.path) is missing: run `bash scripts/setup.sh`")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-rope-types-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("save.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", python.path, script.path, dir.path]))
        try #require(result.status == 0, "transformers failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let reference = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Double])
        #expect(reference.count == 4)

        let binary = try ReleaseBuild.clean()
        for (name, expected) in reference.sorted(by: { $0.key < $1.key }) {
            let run = try #require(Shell.run([binary.path, "eval", dir.appendingPathComponent(name).path,
                                              "--data", dir.appendingPathComponent("tokens.bin").path,
                                              "--length", "64", "--stride", "32", "--protocol", "longlora",
                                              "--format", "csv", "--threads", "1", "--quiet"]))
            let stdout = String(decoding: run.stdout, as: UTF8.self)
            try #require(run.status == 0, "\(name): eval failed: \(String(decoding: run.stderr, as: UTF8.self))")
            let lines = stdout.split(separator: "\n")
            let columns = lines.first?.split(separator: ",") ?? [], row = lines.dropFirst().first?.split(separator: ",") ?? []
            let loss = try #require(columns.firstIndex(of: "loss").flatMap { row.count > $0 ? Double(row[$0]) : nil },
                                    "\(name): no loss in \(stdout)")
            #expect(abs(loss - expected) / expected < 1e-5, "\(name): loss \(loss), transformers \(expected)")
        }
    }

    /// Random-weight models whose logits are far from uniform (weights scaled up), so a wrong
    /// rotation moves the loss; 400 token ids as LongLoRA's flat uint16 .bin; the loss is
    /// LongLoRA's eval.py windows (starts 0, 32, ... below len - 64, the last dropped).
    static let script = #"""
    import json, sys, copy
    import numpy as np, torch, transformers
    out = sys.argv[1]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    transformers.utils.logging.disable_progress_bar()
    ids = [(i * 37 + 11) % 300 for i in range(400)]
    np.array(ids, dtype="<u2").tofile(f"{out}/tokens.bin")
    def loss(model, N=64, S=32):
        starts = list(range(0, len(ids) - N, S)); starts.pop()
        with torch.no_grad():
            return float(np.mean([model(torch.tensor([ids[s:s + N]]), labels=torch.tensor([ids[s:s + N]])).loss.item()
                                  for s in starts]))
    result = {}
    for name, max_positions, rope in [
        ("dynamic", 32, {"rope_type": "dynamic", "rope_theta": 10000.0, "factor": 2.0}),
        ("yarn", 128, {"rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0, "original_max_position_embeddings": 32}),
    ]:
        cfg = transformers.LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                       num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=max_positions,
                                       rms_norm_eps=1e-5, tie_word_embeddings=False, rope_parameters=rope)
        model = transformers.LlamaForCausalLM(cfg)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.2)
        model.save_pretrained(f"{out}/{name}")
        model = transformers.LlamaForCausalLM.from_pretrained(f"{out}/{name}", dtype=torch.float32).eval()
        result[name] = loss(model)
        # The same model as transformers 4.x wrote it: rope_theta and rope_scaling at the top level.
        import shutil
        shutil.copytree(f"{out}/{name}", f"{out}/{name}-4x")
        config = json.load(open(f"{out}/{name}/config.json"))
        parameters = config.pop("rope_parameters")
        config["rope_theta"] = parameters.pop("rope_theta")
        parameters["type"] = parameters["rope_type"]
        config["rope_scaling"] = parameters
        json.dump(config, open(f"{out}/{name}-4x/config.json", "w"))
        result[f"{name}-4x"] = result[name]
    print(json.dumps(result))
    """#
}
