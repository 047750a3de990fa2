import Foundation
import Kernels
import Model
import Support
import Testing

/// Checkpoint damage the fuzz tests found, one case each: every one used to trap, allocate
/// without bound, or load wrong numbers silently; each is now a `UserError` naming the file
/// and the key or tensor.
@Suite struct CheckpointBoundsTests {
    /// The micro model with LoRA adapters on q, k, v and o, written as a Hugging Face directory.
    func checkpoint() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bounds-\(UUID().uuidString)")
        try TestModels.model(lora: LoRAConfig(rank: 4, alpha: 8)).writeHF(into: dir)
        return dir
    }

    func edit(_ url: URL, _ change: (inout [String: Any]) -> Void) throws {
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    func loadError(_ dir: URL) -> String {
        do {
            _ = try LlamaModel.load(from: dir, trainable: [])
            return "loaded"
        } catch let error as UserError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// A size beyond Int's range trapped converting the JSON number; one within it but
    /// beyond the weights file (vocab_size 2^30) allocated terabytes.
    @Test(arguments: [("hidden_size", 1e30, "key 'hidden_size' is 1e+30, more than 2147483647"),
                      ("num_hidden_layers", 9.2e18, "key 'num_hidden_layers' is 9.2e+18, more than"),
                      ("vocab_size", 1073741824.0, "more than the"), ("intermediate_size", 2147483647.0, "more than the")])
    func sizesBeyondTheFileAreRefused(key: String, value: Double, says: String) throws {
        let dir = try checkpoint()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        try edit(config) { $0[key] = value }
        let message = loadError(dir)
        #expect(message.hasPrefix(config.path) && message.contains(says), "\(message)")
    }

    /// A negative or huge RMSNorm epsilon loaded and gave NaN or uniform outputs.
    @Test(arguments: [-1e-5, 0, 2.5])
    func normEpsilonOutOfRangeIsRefused(eps: Double) throws {
        let dir = try checkpoint()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        try edit(config) { $0["rms_norm_eps"] = eps }
        let message = loadError(dir)
        #expect(message.hasPrefix(config.path) && message.contains("RMSNorm epsilon"), "\(message)")
    }

    /// Found by the campaign: a key of the wrong type was read as its default (untied, silu).
    @Test(arguments: [("tie_word_embeddings", 0 as Any), ("tie_word_embeddings", ["a": 1] as Any), ("hidden_act", 0 as Any)])
    func keysOfTheWrongTypeAreRefused(key: String, value: Any) throws {
        let dir = try checkpoint()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        try edit(config) { $0[key] = value }
        let message = loadError(dir)
        #expect(message.hasPrefix(config.path) && message.contains("key '\(key)' is"), "\(message)")
    }

    /// A layer count smaller than the weights' dropped the extra layers silently.
    @Test func weightsOfLayersBeyondTheConfigAreRefused() throws {
        let dir = try checkpoint()
        defer { try? FileManager.default.removeItem(at: dir) }
        try edit(dir.appendingPathComponent("config.json")) { $0["num_hidden_layers"] = 1 }
        let message = loadError(dir)
        #expect(message.hasPrefix(dir.appendingPathComponent("model.safetensors").path)
                && message.contains("belongs to layer 1, but the model has 1 layers"), "\(message)")
    }

    /// A huge rank allocated without bound; a huge alpha made every adapted output infinite;
    /// fewer target modules than the adapter weights dropped adapters silently.
    @Test(arguments: [("r", 1 << 40 as Any, "key 'r' is 1099511627776, more than hidden_size 32"),
                      ("lora_alpha", 1e300 as Any, "is not a finite float scale"),
                      ("target_modules", ["q_proj"] as Any, "is not one of the adapters of the configuration")])
    func adapterConfigurationsTheWeightsContradictAreRefused(key: String, value: Any, says: String) throws {
        let dir = try checkpoint()
        defer { try? FileManager.default.removeItem(at: dir) }
        try edit(dir.appendingPathComponent("adapter_config.json")) { $0[key] = value }
        let message = loadError(dir)
        #expect(message.hasPrefix(dir.path) && message.contains(says), "\(message)")
    }

    /// Offsets shifted within the file read the neighbouring bytes as weights.
    @Test func safetensorsOffsetsMustTileTheData() throws {
        let values: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        let data = try values.withUnsafeBufferPointer { all in
            try Safetensors.encode([(name: "a", shape: [4], values: UnsafeBufferPointer(rebasing: all[0..<4])),
                                    (name: "b", shape: [3], values: UnsafeBufferPointer(rebasing: all[4..<7]))])
        }
        // One spare float at the end, then b moved onto it.
        var spare = data
        spare.append(contentsOf: [0, 0, 0x80, 0x3F])
        var error = #expect(throws: UserError.self) { try Safetensors.decode(spare, source: "w.safetensors") }
        #expect(error?.message.contains("end at byte 28, but the data is 32 bytes") == true, "\(error?.message ?? "")")
        let length = Int(data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        let header = String(decoding: data.subdata(in: 8..<(8 + length)), as: UTF8.self)
        let shifted = header.replacingOccurrences(of: "[16,28]", with: "[20,32]")
        try #require(shifted != header && shifted.utf8.count == length)
        error = #expect(throws: UserError.self) {
            try Safetensors.decode(data.prefix(8) + Data(shifted.utf8) + spare.suffix(from: 8 + length), source: "w.safetensors")
        }
        #expect(error?.message.contains("tensor 'b': data_offsets [20, 32] leave a gap after byte 16") == true, "\(error?.message ?? "")")
    }

    /// GGUF: a block count smaller than the file's layers, a NaN epsilon, an infinite RoPE base.
    @Test func ggufMetadataTheTensorsContradictIsRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bounds-\(UUID().uuidString).gguf")
        defer { try? FileManager.default.removeItem(at: url) }
        let cases: [(String, GGUFFuzzTests.Value, String)] = [
            ("llama.block_count", .u32(1), "tensor 'blk.1.attn_norm.weight' belongs to layer 1, but llama.block_count is 1"),
            ("llama.attention.layer_norm_rms_epsilon", .f32(.nan), "RMSNorm epsilon nan"),
            ("llama.rope.freq_base", .f32(.infinity), "RoPE base must be finite"),
        ]
        for (key, value, says) in cases {
            var layout = try GGUFFuzzTests.microLayout()
            let i = try #require(layout.metadata.firstIndex { $0.0 == key })
            layout.metadata[i].1 = value
            try Data(layout.bytes()).write(to: url)
            let message = loadError(url)
            #expect(message.hasPrefix(url.path) && message.contains(says), "\(key): \(message)")
        }
        // YaRN from GGUF: its beta_fast/beta_slow are not in the metadata, so it is refused, not guessed.
        var layout = try GGUFFuzzTests.microLayout()
        layout.metadata.append(("llama.rope.scaling.type", .string("yarn")))
        layout.metadata.append(("llama.rope.scaling.factor", .f32(4)))
        try Data(layout.bytes()).write(to: url)
        let message = loadError(url)
        #expect(message.hasPrefix(url.path) && message.contains("'yarn' is not supported from GGUF"), "\(message)")
    }
}
