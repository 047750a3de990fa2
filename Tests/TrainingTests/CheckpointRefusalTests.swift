import Foundation
import Model
import Support
import Testing
import Training

/// A checkpoint that would give silently wrong numbers is refused by `eval` (which loads
/// through `LlamaModel.load`) and by `export-hf`: adapter weights without their config (the
/// bare base would be measured instead), and weights that are not finite.
@Suite struct CheckpointRefusalTests {
    func saved(_ edit: (LlamaModel) -> Void = { _ in }) throws -> URL {
        let m = try Fixtures.model()
        edit(m)
        let dir = Fixtures.temporaryDirectory().appendingPathComponent("checkpoint")
        try m.writeHF(into: dir)
        return dir
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch let error as UserError { return error.message } catch { return "\(error)" }
    }

    @Test func adapterWeightsWithoutTheirConfigAreRefused() throws {
        let dir = try saved()
        _ = try LlamaModel.load(from: dir, trainable: [])
        try FileManager.default.removeItem(at: dir.appendingPathComponent(LlamaModel.adapterConfigFile))
        let load = message { _ = try LlamaModel.load(from: dir, trainable: []) }
        #expect(load.hasPrefix(dir.path) && load.contains("adapter_model.safetensors but no adapter_config.json"), "\(load)")
        let export = message { try HFExport.export(checkpoint: dir, to: dir.deletingLastPathComponent().appendingPathComponent("hf"), tokenizer: nil) }
        #expect(export == load)
    }

    @Test func nonFiniteWeightsAreRefusedByEvalAndExport() throws {
        let dir = try saved { m in
            let spec = m.parameters.tensors[2]
            (m.parameters.values.pointer + spec.offset + 5).pointee = .nan
        }
        let name = try Fixtures.model().parameters.tensors[2].name
        let load = message { _ = try LlamaModel.load(from: dir, trainable: []) }
        #expect(load.hasPrefix(dir.path) && load.contains("tensor '\(name)' holds nan at index 5"), "\(load)")
        let out = dir.deletingLastPathComponent().appendingPathComponent("hf")
        let export = message { try HFExport.export(checkpoint: dir, to: out, tokenizer: nil) }
        #expect(export == load)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
