import Data
import Foundation
import Model
import Support

/// The tokenizer that ships with a pretrained checkpoint: `tokenizer.json` in a Hugging Face
/// directory (special tokens from `tokenizer_config.json` or `config.json`), or the
/// `tokenizer.ggml.*` metadata of a GGUF file. Harness checkpoints carry none (nil): their
/// tokenizer is the one their corpus was built with.
public enum ModelTokenizer {
    public static func load(_ url: URL) throws -> HFTokenizer? {
        if url.pathExtension.lowercased() == "gguf" { return try gguf(GGUFFile(url)) }
        let file = url.appendingPathComponent(HFTokenizer.fileName)
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        return try HFTokenizer(tokenizerJSON: file, specials: try HFTokenizer.specials(directory: url))
    }

    public static func gguf(_ file: GGUFFile) throws -> HFTokenizer {
        try HFTokenizer(gguf: ggufMetadata(file), source: file.url.path)
    }

    /// The tokenizer files `export-hf` writes for a GGUF model.
    public static func ggufFiles(_ file: GGUFFile) throws -> HFTokenizerFiles {
        try HFTokenizerFiles(gguf: ggufMetadata(file), source: file.url.path)
    }

    static func ggufMetadata(_ file: GGUFFile) throws -> GGUFTokenizerMetadata {
        let source = file.url.path
        guard let model = try file.string("tokenizer.ggml.model") else {
            throw UserError("\(source): metadata key 'tokenizer.ggml.model' is missing (the file has no tokenizer)")
        }
        guard let tokens = try file.strings("tokenizer.ggml.tokens") else {
            throw UserError("\(source): metadata key 'tokenizer.ggml.tokens' is missing")
        }
        let types = try file.metadata["tokenizer.ggml.token_type"].map { value -> [Int] in
            guard let items = value.array, case let ints = items.compactMap(\.int), ints.count == items.count else {
                throw UserError("\(source): metadata key 'tokenizer.ggml.token_type' is not an array of integers")
            }
            return ints
        }
        func id(_ key: String) throws -> Int32? { try file.optionalInt(key).map { Int32(clamping: $0) } }
        let specials = HFTokenizer.Specials(bos: try id("tokenizer.ggml.bos_token_id"), eos: try id("tokenizer.ggml.eos_token_id"),
                                            pad: try id("tokenizer.ggml.padding_token_id"))
        let scores = try file.metadata["tokenizer.ggml.scores"].map { value -> [Double] in
            guard let items = value.array, case let numbers = items.compactMap(\.double), numbers.count == items.count else {
                throw UserError("\(source): metadata key 'tokenizer.ggml.scores' is not an array of numbers")
            }
            return numbers
        }
        return GGUFTokenizerMetadata(model: model, pre: try file.string("tokenizer.ggml.pre"), tokens: tokens,
                                     merges: try file.strings("tokenizer.ggml.merges"), scores: scores, types: types,
                                     unknown: try file.optionalInt("tokenizer.ggml.unknown_token_id"), specials: specials)
    }

    /// A tokenizer whose ids do not match the model's vocabulary gives meaningless numbers.
    public static func check(_ tokenizer: any Tokenizer, vocabSize: Int, what: String) throws {
        guard tokenizer.vocabSize == vocabSize else {
            throw UserError("\(what): tokenizer '\(tokenizer.id)' has \(tokenizer.vocabSize) ids, the model's vocabulary \(vocabSize)",
                            hint: "evaluate on text or on data tokenized with the model's own tokenizer")
        }
    }
}
