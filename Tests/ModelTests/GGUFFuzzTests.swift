import Foundation
import Kernels
import Model
import Support
import Testing

/// A micro llama written as a GGUF file (float32 tensors) by a small writer whose every field
/// can be set wrong, then seeded damage: header counts, metadata values of the wrong type or
/// out of range, tensor dimensions, types and offsets, truncation, non-finite weights. Each is
/// detectable, so `LlamaModel.load` must throw a `UserError` naming the file.
@Suite struct GGUFFuzzTests {
    enum Value {
        case u32(UInt32), i32(Int32), f32(Float), string(String), u64(UInt64), bool(UInt8), raw(UInt32, [UInt8])
    }

    struct Tensor {
        var name: String
        var dims: [UInt64]
        var type: UInt32 = 0
        var offset: UInt64
    }

    /// Every field of the file, settable before it is written.
    struct Layout {
        var magic = Array("GGUF".utf8)
        var version: UInt32 = 3
        var tensorCount: UInt64?
        var metadataCount: UInt64?
        var metadata: [(String, Value)]
        var tensors: [Tensor]
        var data: [UInt8]

        func bytes() -> [UInt8] {
            var out = magic
            func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
            func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
            func string(_ s: String) { u64(UInt64(s.utf8.count)); out += Array(s.utf8) }
            u32(version)
            u64(tensorCount ?? UInt64(tensors.count))
            u64(metadataCount ?? UInt64(metadata.count))
            for (key, value) in metadata {
                string(key)
                switch value {
                case .u32(let v): u32(4); u32(v)
                case .i32(let v): u32(5); u32(UInt32(bitPattern: v))
                case .f32(let v): u32(6); u32(v.bitPattern)
                case .bool(let v): u32(7); out.append(v)
                case .string(let v): u32(8); string(v)
                case .u64(let v): u32(10); u64(v)
                case .raw(let type, let bytes): u32(type); out += bytes
                }
            }
            for t in tensors {
                string(t.name)
                u32(UInt32(t.dims.count))
                for d in t.dims { u64(d) }
                u32(t.type)
                u64(t.offset)
            }
            out += [UInt8](repeating: 0, count: (32 - out.count % 32) % 32)
            return out + data
        }
    }

    /// The micro model (untied, grouped-query heads) as a valid layout.
    static func microLayout() throws -> Layout {
        var config = ModelConfig.micro
        config.nKVHeads = 2
        let model = try LlamaModel(config: config, trainable: [])
        model.initialize(rng: SplitMix64(seed: 5))
        var tensors: [Tensor] = []
        var data: [UInt8] = []
        for spec in model.parameters.tensors {
            let name = try #require(GGUFLlama.ggufName(spec.name))
            tensors.append(Tensor(name: name, dims: spec.shape.reversed().map(UInt64.init), offset: UInt64(data.count)))
            model.parameters.values(of: spec.name).withUnsafeBytes { data += $0 }
            data += [UInt8](repeating: 0, count: (32 - data.count % 32) % 32)
        }
        let metadata: [(String, Value)] = [
            ("general.architecture", .string("llama")), ("general.name", .string("micro")),
            ("llama.embedding_length", .u32(32)), ("llama.attention.head_count", .u32(4)),
            ("llama.attention.head_count_kv", .u32(2)), ("llama.block_count", .u32(2)),
            ("llama.feed_forward_length", .u32(96)), ("llama.context_length", .u32(64)),
            ("llama.attention.layer_norm_rms_epsilon", .f32(1e-5)), ("llama.rope.freq_base", .f32(10000)),
            ("llama.vocab_size", .u32(259)),
        ]
        return Layout(metadata: metadata, tensors: tensors, data: data)
    }

    @Test func theMicroLayoutLoads() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-fuzz-\(UUID().uuidString).gguf")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(try Self.microLayout().bytes()).write(to: url)
        let model = try LlamaModel.load(from: url, trainable: [])
        #expect(model.config.nLayers == 2 && model.config.nKVHeads == 2 && !model.config.isTied)
    }

    @Test func damagedFilesAreUserErrors() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-fuzz-\(UUID().uuidString).gguf")
        defer { try? FileManager.default.removeItem(at: url) }
        let valid = try Self.microLayout()
        var rng = SplitMix64(seed: 23)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        let hugeCounts: [UInt64] = [1 << 31, 1 << 40, 1 << 62, 1 << 63, UInt64.max]
        let sizeKeys = ["llama.embedding_length", "llama.attention.head_count", "llama.attention.head_count_kv",
                        "llama.block_count", "llama.feed_forward_length", "llama.vocab_size"]
        for number in 0..<150 {
            var layout = valid
            var cut: Int?
            let kind = below(11)
            switch kind {
            case 0: layout.version = pick([0, 1, 4, UInt32.max])
            case 1: layout.tensorCount = pick(hugeCounts + [UInt64(valid.tensors.count + 1)])
            case 2: layout.metadataCount = pick(hugeCounts + [UInt64(valid.metadata.count + 1), 0])
            case 3:  // a size out of range, or changed so that it disagrees with the tensors
                let key = pick(sizeKeys)
                let i = valid.metadata.firstIndex { $0.0 == key }!
                var old: UInt32 = 0
                if case .u32(let v) = valid.metadata[i].1 { old = v }
                layout.metadata[i].1 = pick([.u32(0), .u32(UInt32.max), .u32(1 << 31), .u32(old + 1), .u32(old * 2),
                                             .u32(old / 2), .i32(-1), .u64(UInt64.max), .u64(1 << 40)])
            case 4:  // a value of the wrong type
                let i = below(valid.metadata.count)
                guard valid.metadata[i].0 != "general.name" else { continue }
                layout.metadata[i].1 = pick([.string("32"), .bool(1), .f32(.nan), .raw(9, [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
                                             .raw(13, [0]), .raw(7, [2])])
            case 5:  // norm epsilon and RoPE base out of range
                let key = pick(["llama.attention.layer_norm_rms_epsilon", "llama.rope.freq_base"])
                let i = valid.metadata.firstIndex { $0.0 == key }!
                layout.metadata[i].1 = .f32(pick([.nan, .infinity, -.infinity, -1e-5, 0, -10000]))
            case 6:
                let i = below(valid.tensors.count), d = below(valid.tensors[i].dims.count)
                layout.tensors[i].dims[d] = pick(hugeCounts + [0, valid.tensors[i].dims[d] + 1])
            case 7: layout.tensors[below(valid.tensors.count)].type = pick([7, 99, UInt32.max])
            case 8:
                let i = below(valid.tensors.count)
                layout.tensors[i].offset = pick(hugeCounts + [valid.tensors[i].offset + 4, UInt64(valid.data.count)])
            case 9:  // non-finite weights
                let at = 4 * below(valid.data.count / 4)
                let bits: UInt32 = pick([0x7FC0_0000, 0x7F80_0000, 0xFF80_0000])
                withUnsafeBytes(of: bits.littleEndian) { layout.data.replaceSubrange(at..<(at + 4), with: $0) }
                if layout.data == valid.data { continue }  // padding
            default: cut = below(valid.bytes().count)
            }
            var bytes = layout.bytes()
            if let cut { bytes = Array(bytes.prefix(cut)) }
            try Data(bytes).write(to: url)
            do {
                _ = try LlamaModel.load(from: url, trainable: [])
                Issue.record("case \(number) (kind \(kind)): a damaged file loaded")
            } catch let error as UserError {
                #expect(error.message.contains(url.path), "case \(number) (kind \(kind)): \(error.message)")
            } catch {
                Issue.record("case \(number) (kind \(kind)): not a UserError: \(error)")
            }
        }
    }
}
