import Foundation
import Support

/// The tokenizer files `export-hf` writes beside a model, so that `AutoTokenizer.from_pretrained`
/// gives the ids the harness gives, and the special tokens they declare (nil: none), which the
/// model's `config.json` and `generation_config.json` repeat.
public struct HFTokenizerFiles {
    public var specials: HFTokenizer.Specials
    /// Ids the tokenizer can emit (0..<vocabSize); the model's vocabulary must hold them.
    public var vocabSize: Int
    /// File name -> contents.
    public var files: [(name: String, contents: Data)]

    /// The files of a Hugging Face directory's tokenizer, copied as they are.
    public static let copiedNames = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                     "added_tokens.json", "vocab.json", "merges.txt", "tokenizer.model",
                                     "chat_template.jinja", "chat_template.json"]

    /// A Hugging Face directory's own tokenizer (`tokenizer.json` and its companions).
    public init(copying dir: URL) throws {
        var files: [(String, Data)] = []
        for name in Self.copiedNames {
            let url = dir.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            files.append((name, try Data(contentsOf: url)))
        }
        guard files.contains(where: { $0.0 == HFTokenizer.fileName }) else {
            throw UserError("\(dir.path): no \(HFTokenizer.fileName) to export")
        }
        self.files = files
        specials = try HFTokenizer.specials(directory: dir)
        vocabSize = try HFTokenizer(tokenizerJSON: dir.appendingPathComponent(HFTokenizer.fileName), specials: specials).vocabSize
    }

    public func write(into dir: URL) throws {
        for (name, contents) in files { try AtomicFile.write(contents, to: dir.appendingPathComponent(name)) }
    }
}
