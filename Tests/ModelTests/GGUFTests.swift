import Foundation
import Model
import Support
import Testing

/// GGUF reading: every supported ggml type dequantizes as the `gguf` Python package does, a
/// malformed file is a `UserError`, and SmolLM2-135M read from its Q4_1 GGUF gives the logits
/// of transformers' own GGUF loader (which proves the attn_q/attn_k permutation is undone).
@Suite struct GGUFTests {
    @Test func dequantizationEqualsTheGGUFPackage() throws {
        let dir = try VenvPython.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("types.gguf")
        let report = try VenvPython.run(Self.writeTypesScript, [path.path, dir.path], in: dir)
        let names = try #require(report["names"] as? [String])
        let file = try GGUFFile(path)
        #expect(file.version == 3)
        #expect(Set(names.map { file.tensors[$0]?.type.name ?? "?" }) == Set(GGMLType.allCases.map(\.name)))
        for name in names {
            let info = try #require(file.tensors[name])
            let expected = try Data(contentsOf: dir.appendingPathComponent("\(name).f32")).withUnsafeBytes {
                Array($0.bindMemory(to: Float.self))
            }
            let ours = file.values(of: info)
            #expect(ours.count == expected.count, "\(name): \(ours.count) values, expected \(expected.count)")
            // Same arithmetic as the reference; allow one rounding of a fused multiply-add.
            var worst: Float = 0
            for (a, b) in zip(ours, expected) { worst = max(worst, abs(a - b) / max(abs(b), 1e-3)) }
            #expect(worst <= 1e-6, "\(name) (\(info.type.name)): worst relative difference \(worst)")
        }
    }

    /// Every truncation of a valid file, and a few corrupted fields, give a UserError naming
    /// the file (never a crash or a hang).
    @Test func malformedFilesAreUserErrors() throws {
        let dir = try VenvPython.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("types.gguf")
        _ = try VenvPython.run(Self.writeTypesScript, [path.path, dir.path], in: dir)
        let data = try Data(contentsOf: path)
        let valid = try GGUFFile(path)
        let headerEnd = valid.tensors.values.map(\.bytes.lowerBound).min()!
        let dataEnd = valid.tensors.values.map(\.bytes.upperBound).max()!
        let cut = dir.appendingPathComponent("cut.gguf")
        for length in Array(stride(from: 0, to: headerEnd, by: 7)) + [dataEnd - 1] {
            let error = #expect(throws: UserError.self) { try GGUFFile(data: data.prefix(length), url: cut) }
            #expect(error?.message.contains(cut.path) == true, "\(length): \(error?.message ?? "")")
        }
        var bad = data
        bad[4] = 9  // version 9
        #expect(throws: UserError.self) { try GGUFFile(data: bad, url: cut) }
        bad = data
        bad[16] = 0xFF; bad[23] = 0x7F  // a huge metadata count
        #expect(throws: UserError.self) { try GGUFFile(data: bad, url: cut) }
    }

    @Test func smolLM2LogitsEqualTransformersGGUFLoader() throws {
        let gguf = try VenvPython.requireSmolLM2()
        let dir = try VenvPython.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try LlamaModel.load(from: gguf, trainable: [])
        #expect(model.config.nLayers == 30 && model.config.dim == 576 && model.config.nHeads == 9)
        #expect(model.config.nKVHeads == 3 && model.config.vocabSize == 49152 && model.config.isTied)
        #expect(model.rope.base == 100000)
        let tokens: [Int32] = [1, 9690, 198, 2683, 359, 253, 5356, 5646, 11173, 3365, 28, 2, 198, 1, 4093, 198,
                               19556, 905, 28, 281, 260, 3616, 8879, 33, 34, 35, 30, 49151, 0, 16, 42, 7, 33,
                               1900, 260, 12, 2600, 198, 198, 216]
        let ours = try model.logits(tokens: tokens, execution: Execution(threads: 2))
        let expected = dir.appendingPathComponent("ours.f32")
        try ours.withUnsafeBytes { try Data($0).write(to: expected) }
        let report = try VenvPython.run(Self.compareScript,
                                        [gguf.path, expected.path, tokens.map(String.init).joined(separator: ",")], in: dir)
        let relative = try #require(report["relative"] as? Double)
        #expect(relative < 1e-4, "logits differ from transformers by \(relative) of their largest magnitude: \(report)")
    }

    /// Writes one tensor of every supported type (random blocks with finite scales) and each
    /// one's dequantization by `gguf.quants`, as `<name>.f32`.
    static let writeTypesScript = #"""
    import json, sys
    import numpy as np
    import gguf
    from gguf import GGMLQuantizationType as T
    path, out = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(7)
    w = gguf.GGUFWriter(path, "llama")
    names = []
    def half(x): return np.asarray(x, dtype=np.float16).view(np.uint8)
    for t, rows, cols in [(T.F32, 3, 40), (T.F16, 4, 64), (T.BF16, 2, 96), (T.Q4_0, 5, 64), (T.Q4_1, 3, 96),
                          (T.Q8_0, 4, 64), (T.Q4_K, 3, 512), (T.Q6_K, 2, 512)]:
        name = "t_" + t.name.lower()
        block, size = gguf.GGML_QUANT_SIZES[t]
        if t == T.F32:
            raw = rng.standard_normal((rows, cols)).astype(np.float32)
            expected = raw
            w.add_tensor(name, raw)
        elif t == T.F16:
            raw = rng.standard_normal((rows, cols)).astype(np.float16)
            expected = raw.astype(np.float32)
            w.add_tensor(name, raw)
        else:
            raw = rng.integers(0, 256, (rows, cols // block, size), dtype=np.uint8)
            # Finite half-precision scales where the layout has them.
            scales = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q8_0: [0], T.Q4_K: [0, 2], T.Q6_K: [208]}.get(t, [])
            for o in scales:
                raw[:, :, o:o + 2] = half(rng.uniform(-0.1, 0.1, raw.shape[:2])).reshape(rows, -1, 2)
            raw = raw.reshape(rows, -1)
            expected = gguf.quants.dequantize(raw, t).astype(np.float32)
            w.add_tensor(name, raw, raw_dtype=t)
        expected.reshape(-1).tofile(f"{out}/{name}.f32")
        names.append(name)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    print(json.dumps({"names": names}))
    """#

    /// Loads the GGUF with transformers (`gguf_file=`), computes the logits of the tokens and
    /// compares them with ours.
    static let compareScript = #"""
    import json, os, sys
    import numpy as np, torch, transformers
    path, ours_path, tokens = sys.argv[1], sys.argv[2], [int(t) for t in sys.argv[3].split(",")]
    torch.set_num_threads(2)
    transformers.utils.logging.disable_progress_bar()
    model = transformers.AutoModelForCausalLM.from_pretrained(
        os.path.dirname(path), gguf_file=os.path.basename(path), dtype=torch.float32)
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor([tokens])).logits[0].double().numpy()
    ours = np.fromfile(ours_path, dtype=np.float32).astype(np.float64).reshape(logits.shape)
    diff = np.abs(ours - logits).max()
    print(json.dumps({"relative": float(diff / np.abs(logits).max()), "max_abs_diff": float(diff),
                      "max_abs": float(np.abs(logits).max())}))
    """#
}
