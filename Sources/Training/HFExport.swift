import Data
import Foundation
import Model
import Support

/// `longlora export-hf`: a checkpoint becomes a plain Hugging Face LLaMA directory with LoRA
/// merged into the base weights and `rope_scaling` kept (losing it is a known pitfall), with
/// its tokenizer. Given the base it was fine-tuned from, a LoRA checkpoint also becomes that
/// base (`base/`) and a PEFT adapter over it (`adapter/`) that together give the merged model.
public enum HFExport {
    public static let baseDirectory = "base"
    public static let adapterDirectory = "adapter"

    /// What an export wrote besides the merged model.
    public struct Written: Sendable {
        /// The base and adapter directories, when the export has them.
        public var base: URL?, adapter: URL?
        /// The adapter's `modules_to_save`.
        public var modulesToSave: [String] = []
    }

    @discardableResult
    public static func export(checkpoint: URL, to out: URL, tokenizer: HFTokenizerFiles?, base: URL? = nil) throws -> Written {
        let model = try LlamaModel.load(from: checkpoint, trainable: [])
        let merged = try model.merged()
        // W + (alpha/r) B A can overflow even when every factor is finite.
        if let bad = merged.parameters.firstNonFinite() {
            throw UserError("\(checkpoint.path): merging the adapters makes '\(bad.tensor)'[\(bad.index)] \(bad.value): refusing to export non-finite weights")
        }
        if let tokenizer, tokenizer.vocabSize > model.config.vocabSize {
            throw UserError("\(checkpoint.path): the tokenizer has \(tokenizer.vocabSize) ids, the model's vocabulary only \(model.config.vocabSize)",
                            hint: "export with the tokenizer the model was trained with (--tokenizer)")
        }
        let specials = tokenizer.map {
            HFConfig.SpecialTokens(bos: $0.specials.bos.map(Int.init), eos: $0.specials.eos.map(Int.init), pad: $0.specials.pad.map(Int.init))
        }
        let peftBase = try base.flatMap { url in
            try model.lora == nil ? nil : model.peftBase(from: LlamaModel.load(from: url, trainable: []), source: url.path)
        }
        let final = out.standardizedFileURL
        var written = Written()
        try CheckpointDirectory.write(final) { tmp in
            try merged.writeHF(into: tmp, specialTokens: specials)
            try tokenizer?.write(into: tmp)
            guard let peftBase else { return }
            let baseDir = tmp.appendingPathComponent(baseDirectory)
            try peftBase.writeHF(into: baseDir, specialTokens: specials)
            try tokenizer?.write(into: baseDir)
            // PEFT and transformers read a relative name against the working directory (and a
            // name that is no directory as a hub id): the base is named by its absolute path.
            written.modulesToSave = try model.writePEFTAdapter(over: peftBase, baseDirectory: final.appendingPathComponent(baseDirectory).path,
                                       source: checkpoint.path, into: tmp.appendingPathComponent(adapterDirectory))
            written.base = final.appendingPathComponent(baseDirectory)
            written.adapter = final.appendingPathComponent(adapterDirectory)
        }
        return written
    }
}
