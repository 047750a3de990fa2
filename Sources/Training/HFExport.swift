import Foundation
import Model
import Support

/// `longlora export-hf`: a checkpoint becomes a plain Hugging Face LLaMA directory with LoRA
/// merged into the base weights and `rope_scaling` kept (losing it is a known pitfall).
public enum HFExport {
    public static func export(checkpoint: URL, to out: URL) throws {
        let model = try LlamaModel.load(from: checkpoint, trainable: [])
        let merged = try model.merged()
        try CheckpointDirectory.write(out) { try merged.writeHF(into: $0) }
    }
}
