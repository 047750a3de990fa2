import Foundation
import Kernels
import Model
import Testing

/// Hugging Face layout: config.json, model.safetensors, PEFT adapter files.
@Suite struct CheckpointFormatTests {
    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("model-tests-\(UUID().uuidString)")
    }

    @Test func hfRoundTripIsBitExact() throws {
        let m = try TestModels.model(TestModels.microGQA, lora: LoRAConfig(rank: 4, alpha: 8), trainable: .longLoRA,
                                     rope: RoPE(base: 10000, scaling: .positionInterpolation(factor: 4)))
        TestModels.perturb(m, seed: 3)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CheckpointDirectory.write(dir) { try m.writeHF(into: $0) }
        let back = try LlamaModel.load(from: dir, trainable: .longLoRA)
        #expect(back.config == m.config)
        #expect(back.lora == m.lora)
        #expect(back.rope == m.rope)
        #expect(back.parameters.values.array == m.parameters.values.array)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as! [String: Any]
        let scaling = config["rope_scaling"] as? [String: Any]
        #expect(scaling?["type"] as? String == "linear")
        #expect(scaling?["factor"] as? Double == 4)
    }

    @Test func safetensorsHeaderFollowsTheSpec() throws {
        let values: [Float] = [1, -2, 3.5, 0, 7, 8]
        let data = try values.withUnsafeBufferPointer {
            try Safetensors.encode([(name: "w", shape: [2, 3], values: $0)])
        }
        let n = data.prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        #expect((8 + n) % 8 == 0)
        #expect(data.count == 8 + n + 24)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
        let w = header["w"] as! [String: Any]
        #expect(w["dtype"] as? String == "F32")
        #expect(w["data_offsets"] as? [Int] == [0, 24])
        #expect(try Safetensors.decode(data, source: "x")["w"] == Safetensors.Tensor(shape: [2, 3], values: values))
    }

    @Test func corruptSafetensorsIsAUserError() throws {
        var data = try [Float](repeating: 1, count: 4).withUnsafeBufferPointer {
            try Safetensors.encode([(name: "w", shape: [4], values: $0)])
        }
        data.removeLast(4)
        #expect(throws: (any Error).self) { try Safetensors.decode(data, source: "broken.safetensors") }
    }
}
