import Foundation
import Kernels
import Model
import Support
import Testing

/// Seeded damage to the files `eval` reads besides specs and result files: a built corpus
/// (its `test.tokens` shard and `manifest.json`) and a Hugging Face checkpoint directory
/// (`config.json`, `model.safetensors`, `adapter_config.json`, `adapter_model.safetensors`).
/// Each case runs `longlora eval` in its own process under a time limit; every case here is
/// detectable damage, so each must end with exit 1 or 2 and a message naming the damaged
/// folder: never a signal, a hang or exit 0. `scripts/fuzz.sh` is the long campaign.
@Suite(.serialized) struct InputFileFuzzTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("input-fuzz-\(UUID().uuidString)")
    var data: URL { root.appendingPathComponent("data") }
    var corpus: URL { data.appendingPathComponent("tiny") }
    var checkpoint: URL { root.appendingPathComponent("ckpt") }

    init() throws {
        // A byte-level corpus of a few thousand ids per split.
        let words = ["the", "grass", "is", "green", "sky", "blue", "sun", "and", "a", "river", "runs", "over"]
        var rng = SplitMix64(seed: 3)
        let text = (0..<400).map { _ in (0..<8).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ") + ".\n" }
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let source = root.appendingPathComponent("tiny.txt")
        try Data(text.joined().utf8).write(to: source)
        let build = try CLI.run(["data", "build", "--corpus", "tiny", "--from", source.path, "--format", "text",
                                 "--data-dir", data.path, "--quiet"])
        guard build.status == 0 else { throw UserError("building the tiny corpus failed: \(build.stderr)") }
        // The micro model with LoRA adapters whose B is not zero, so the adapter changes the outputs.
        let model = try LlamaModel(config: .micro, lora: LoRAConfig(rank: 4, alpha: 8), trainable: .all)
        model.initialize(rng: SplitMix64(seed: 1))
        for t in model.parameters.tensors where t.name.hasSuffix("lora_B.weight") {
            let v = model.parameters.view(t)
            for i in 0..<t.count { v.value[i] = Float(rng.nextGaussian() * 0.05) }
        }
        try model.writeHF(into: checkpoint)
    }

    /// Runs `eval` on the checkpoint and the corpus; nil status means killed at the time limit.
    func evaluate(_ dataArgument: String? = nil) throws -> CLI.Output {
        let arguments = ["timeout", "-s", "KILL", "60", CLI.binary.path, "eval", checkpoint.path,
                         "--data", dataArgument ?? "tiny:test", "--data-dir", data.path,
                         "--length", "32", "--max-windows", "2", "--threads", "1", "--quiet"]
        guard let result = Shell.run(arguments) else { throw CocoaError(.executableLoad) }
        return CLI.Output(status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
                          stderr: String(decoding: result.stderr, as: UTF8.self))
    }

    /// Restores `file` after `body` damaged it, and checks the outcome.
    func expectRefused(_ label: String, _ file: URL, names folder: URL, dataArgument: String? = nil,
                       _ damage: () throws -> Void) throws {
        let original = try? Data(contentsOf: file)
        try damage()
        defer {
            if let original { try? original.write(to: file) }
        }
        let out = try evaluate(dataArgument)
        let hint = "\(label): exit \(out.status): \(out.stderr.prefix(400))"
        #expect(out.status == 1 || out.status == 2, "\(hint)")
        #expect(out.stderr.contains(folder.path), "\(hint)")
    }

    @Test func damagedCorporaAndCheckpointsAreClearErrors() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        // The undamaged files evaluate.
        let clean = try evaluate()
        try #require(clean.status == 0, "\(clean.stderr)")
        var rng = SplitMix64(seed: 17)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

        // Token shard: header fields, ids beyond the vocabulary, offsets, truncation.
        let shard = corpus.appendingPathComponent("test.tokens")
        let shardBytes = [UInt8](try Data(contentsOf: shard))
        let huge: [UInt64] = [0, 1, 3, 8, 1 << 31, 1 << 40, 1 << 62, 1 << 63, UInt64.max, UInt64.max - 6]
        for number in 0..<24 {
            var bytes = shardBytes
            let kind = below(5)
            func put(_ value: UInt64, at offset: Int, width: Int) {
                for b in 0..<width { bytes[offset + b] = UInt8(truncatingIfNeeded: value >> (8 * b)) }
            }
            switch kind {
            case 0: put(pick([0, 1, 3, 8, 0xFFFF_FFFF]), at: 8, width: 4)  // width
            case 1: put(pick(huge), at: 16, width: 8)  // token count
            case 2: put(pick(huge), at: 24, width: 8)  // document count
            case 3: put(0xFFFF, at: 32 + 2 * below(100), width: 2)  // an id far beyond the 259 of bytes
            default: bytes.removeLast(1 + below(bytes.count - 1))
            }
            if bytes == shardBytes { continue }
            // The shard read through the manifest, and alone.
            let argument = number % 2 == 0 ? nil : shard.path
            try expectRefused("shard \(number) (kind \(kind))", shard, names: corpus, dataArgument: argument) {
                try Data(bytes).write(to: shard)
            }
        }

        // Manifest: values of the wrong type, out of range or inconsistent with the shard.
        let manifest = corpus.appendingPathComponent("manifest.json")
        let manifestJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as? [String: Any])
        let manifestKeys: [[String]] = [["format_version"], ["token_width"], ["tokenizer", "vocab_size"], ["tokenizer", "id"],
                                        ["splits", "test", "tokens"], ["splits", "test", "documents"],
                                        ["splits", "test", "bytes"], ["splits", "test", "shard"], ["splits"], ["corpus"]]
        let wrongValues: [Any] = [-1, 0, 1 << 62, 1e30, 2.5, "7", NSNull(), [1], ["a": 1], true, "../../x", 99]
        for number in 0..<30 {
            let path = pick(manifestKeys)
            let value = pick(wrongValues)
            var changed = manifestJSON
            func set(_ object: [String: Any], _ path: ArraySlice<String>) -> [String: Any] {
                var object = object
                if path.count == 1 { object[path.first!] = value } else {
                    object[path.first!] = set(object[path.first!] as? [String: Any] ?? [:], path.dropFirst())
                }
                return object
            }
            changed = set(changed, path[...])
            let text = try JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys])
            // A value the reader cannot tell from a real one is not damage it can detect.
            if path == ["corpus"] && value is String { continue }
            if path == ["splits", "test", "bytes"], let n = value as? Int, n > 0 { continue }
            try expectRefused("manifest \(number): \(path.joined(separator: ".")) = \(value)", manifest, names: corpus) {
                try (number % 7 == 6 ? text.prefix(below(text.count)) : text).write(to: manifest)
            }
        }

        // config.json: sizes huge, negative, of the wrong type; norm epsilon out of range.
        let config = checkpoint.appendingPathComponent("config.json")
        let configJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
        let sizeKeys = ["hidden_size", "num_attention_heads", "num_hidden_layers", "intermediate_size", "vocab_size",
                        "num_key_value_heads", "rms_norm_eps", "rope_theta"]
        let sizeValues: [Any] = [-1, 0, 1 << 62, 1 << 40, 1e30, -1e30, 2.5, "32", NSNull(), [32], true, 1e300, -1e-5]
        for number in 0..<30 {
            let key = pick(sizeKeys)
            let value = pick(sizeValues)
            if key == "rope_theta", let v = value as? Double, v > 1 { continue }  // a large base is a valid base
            if key == "rope_theta", let v = value as? Int, v > 1 { continue }
            if key == "num_key_value_heads", value is NSNull { continue }  // null means one per query head
            var changed = configJSON
            changed[key] = value
            try expectRefused("config.json \(number): \(key) = \(value)", config, names: checkpoint) {
                try JSONSerialization.data(withJSONObject: changed).write(to: config)
            }
        }

        // model.safetensors: header length, tensor entries, truncated or non-finite data.
        let weights = checkpoint.appendingPathComponent("model.safetensors")
        let weightBytes = try Data(contentsOf: weights)
        let headerLength = Int(weightBytes.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        let header = try #require(try JSONSerialization.jsonObject(with: weightBytes.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        let tensorNames = header.keys.filter { $0 != "__metadata__" }.sorted()
        for number in 0..<30 {
            let kind = below(6)
            var bytes = weightBytes
            switch kind {
            case 0:
                let length = pick([UInt64.max, 1 << 63, UInt64(headerLength) - 1, UInt64(headerLength) + 8, 0])
                bytes.replaceSubrange(0..<8, with: withUnsafeBytes(of: length.littleEndian) { Data($0) })
            case 1, 2:
                var entry = header
                let name = pick(tensorNames)
                var tensor = entry[name] as! [String: Any]
                let field = pick(["dtype", "shape", "data_offsets", "entry"])
                let offsets = tensor["data_offsets"] as! [Int]
                switch field {
                case "dtype": tensor["dtype"] = pick(["F64", "I8", "", "f32"] as [Any] + [5, NSNull()])
                case "shape": tensor["shape"] = pick([[1 << 62], [-1, 32], [], ["32"], [1 << 31, 1 << 31, 1 << 31], 7] as [Any])
                case "data_offsets": tensor["data_offsets"] = pick([[0, 1 << 62], [-8, offsets[1]], [offsets[1], offsets[0]],
                                                                    [offsets[0]], [offsets[0] + 4, offsets[1] + 4], "0"] as [Any])
                default: entry[name] = nil
                }
                if field != "entry" { entry[name] = tensor }
                var json = try JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys])
                json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
                bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Data($0) } + json + weightBytes.suffix(from: 8 + headerLength)
            case 3:
                bytes = bytes.prefix(8 + headerLength + below(bytes.count - 8 - headerLength))
            default:
                // A NaN, an infinity or a huge value in the data.
                let bits: UInt32 = pick([0x7FC0_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0001])
                let index = 8 + headerLength + 4 * below((bytes.count - 8 - headerLength) / 4)
                bytes.replaceSubrange(index..<(index + 4), with: withUnsafeBytes(of: bits.littleEndian) { Data($0) })
            }
            if bytes == weightBytes { continue }
            try expectRefused("model.safetensors \(number) (kind \(kind))", weights, names: checkpoint) {
                try bytes.write(to: weights)
            }
        }

        // adapter_config.json and the adapter weights.
        let adapter = checkpoint.appendingPathComponent("adapter_config.json")
        let adapterWeights = checkpoint.appendingPathComponent("adapter_model.safetensors")
        let adapterJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: adapter)) as? [String: Any])
        let adapterCases: [(String, Any?)] = [
            ("r", 0), ("r", -4), ("r", 1 << 62), ("r", 1e30), ("r", "4"), ("r", 8), ("r", NSNull()),
            ("lora_alpha", "8"), ("lora_alpha", NSNull()), ("lora_alpha", 1e300), ("lora_alpha", -1e300),
            ("target_modules", ["x_proj"]), ("target_modules", [String]()), ("target_modules", 5),
            ("target_modules", ["q_proj", "q_proj", "k_proj", "v_proj", "o_proj"]), ("r", nil), ("target_modules", nil),
        ]
        for (key, value) in adapterCases {
            var changed = adapterJSON
            changed[key] = value
            try expectRefused("adapter_config.json: \(key) = \(value ?? "missing")", adapter, names: checkpoint) {
                try JSONSerialization.data(withJSONObject: changed).write(to: adapter)
            }
        }
        try expectRefused("adapter_config.json removed", adapter, names: checkpoint) {
            try FileManager.default.removeItem(at: adapter)
        }
        try expectRefused("adapter_model.safetensors removed", adapterWeights, names: checkpoint) {
            try FileManager.default.removeItem(at: adapterWeights)
        }
        let adapterBytes = try Data(contentsOf: adapterWeights)
        try expectRefused("adapter_model.safetensors truncated", adapterWeights, names: checkpoint) {
            try adapterBytes.prefix(adapterBytes.count - 4).write(to: adapterWeights)
        }
        // After all the damage, the restored files evaluate as before.
        let after = try evaluate()
        #expect(after.status == 0 && after.stdout == clean.stdout, "\(after.stderr)")
    }
}
