import Data
import Foundation
import Support

/// The data stage on the Data module: builds `data/<corpus>/` with the built-in corpus
/// builder when its manifest is missing, and checks that a present one was made with
/// the spec's tokenizer (a mismatch would silently train on other token ids).
public struct CorpusDataStage: DataStage {
    public var dataDirectory: URL
    public var threads: Int

    public init(dataDirectory: URL, threads: Int = 1) {
        self.dataDirectory = dataDirectory
        self.threads = threads
    }

    /// Under a model's tokenizer the corpus goes to its own folder, `data/<corpus>@<tokenizer id>/`.
    public func prepare(corpus: String, recipe: DataRecipe, progress: ProgressSink) throws -> URL {
        let directory = dataDirectory.appendingPathComponent(recipe.folder(corpus))
        let url = directory.appendingPathComponent(CorpusManifest.fileName)
        let modelTokenizer = try recipe.modelTokenizer()
        if FileManager.default.fileExists(atPath: url.path) {
            let manifest = try CorpusManifest.read(from: directory)
            let isByte = manifest.tokenizer.id == ByteTokenizer().id
            let matches = if let modelTokenizer {
                manifest.tokenizer.id == modelTokenizer.id && manifest.tokenizer.vocabSize == modelTokenizer.vocabSize
            } else {
                isByte == (recipe.tokenizer == .byte) && (isByte || manifest.tokenizer.vocabSize == recipe.vocabSize)
            }
            guard matches else {
                throw UserError("\(url.path): corpus '\(corpus)' was built with tokenizer \(manifest.tokenizer.id) "
                    + "(vocabulary \(manifest.tokenizer.vocabSize)), the spec asks for \(recipe.tokenizer.rawValue) with \(recipe.vocabSize)",
                    hint: "longlora data build --corpus \(corpus) --tokenizer \(recipe.tokenizer.rawValue)")
            }
            return url
        }
        progress(.message("building corpus \(corpus) into \(directory.path)"))
        var builder = CorpusBuilder(corpus: corpus, dataDirectory: dataDirectory)
        builder.tokenizer = recipe.tokenizer
        builder.vocabSize = recipe.vocabSize
        builder.modelTokenizer = modelTokenizer
        // A user's corpus (built with --from) is read again from the input its manifest names.
        if modelTokenizer != nil, BuiltinCorpus(rawValue: corpus) == nil,
           let own = try? CorpusManifest.read(from: dataDirectory.appendingPathComponent(corpus)),
           let colon = own.source.firstIndex(of: ":"), let format = CorpusFormat(rawValue: String(own.source[..<colon])) {
            builder.input = (URL(fileURLWithPath: String(own.source[own.source.index(after: colon)...])), format)
            builder.seed = own.seed
        }
        builder.threads = threads
        try builder.build(progress: progress)
        return url
    }
}

/// A split of a built corpus as one token stream (documents concatenated, as the paper's
/// evaluation and packed training both read it).
public enum CorpusSplit {
    /// `folder`: the corpus's folder under the data folder (`DataRecipe.folder`).
    public static func load(_ folder: String, split: Split, dataDirectory: URL) throws -> TokenShard {
        let directory = dataDirectory.appendingPathComponent(folder)
        return try CorpusManifest.read(from: directory).shard(split, directory: directory)
    }
}
