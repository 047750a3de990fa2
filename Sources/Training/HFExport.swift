import Foundation
import Model
import Support

/// `longlora export-hf`: a checkpoint becomes a plain Hugging Face LLaMA directory with LoRA
/// merged into the base weights and `rope_scaling` kept (losing it is a known pitfall).
public enum HFExport {
    public static func export(checkpoint: URL, to out: URL) throws {
        let model = try LlamaModel.load(from: checkpoint, trainable: [])
        let merged = try model.merged()
        // W + (alpha/r) B A can overflow even when every factor is finite.
        if let bad = merged.parameters.firstNonFinite() {
            throw UserError("\(checkpoint.path): merging the adapters makes '\(bad.tensor)'[\(bad.index)] \(bad.value): refusing to export non-finite weights")
        }
        try CheckpointDirectory.write(out) { try merged.writeHF(into: $0) }
    }
}
