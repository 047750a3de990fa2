import Crypto
import Data
import Evaluation
import Foundation
import Hashing
import Model
import Support

/// A pretrained model that a spec fine-tunes and evaluates instead of pretraining its own
/// (`base.checkpoint`): a Hugging Face LLaMA directory, a llama `.gguf` file, or a harness
/// model directory (a run's checkpoint directory, with `checkpoint.json`, stands for its
/// model). Read when the spec is validated, before any work: its shape and RoPE (from
/// `config.json` or the GGUF metadata), its tokenizer if it ships one, and the SHA-256 of
/// its files, which enters the run's content hash so that an edited checkpoint runs again.
public struct BaseCheckpoint: Hashable, Sendable {
    /// The path as the spec gives it: relative to the working directory, as the `data/` and
    /// `results/` folders a spec names are.
    public var path: String
    /// The model file or directory to load.
    public var model: URL
    /// Its shape; `maxContext` is its trained context (`max_position_embeddings`, GGUF
    /// `llama.context_length`).
    public var config: ModelConfig
    /// Its own RoPE (base and any scaling it was saved with).
    public var rope: RoPE
    /// Its tokenizer's id and number of ids; nil when it ships none.
    public var tokenizerID: String?
    public var tokenizerVocabSize: Int?
    /// SHA-256 hex over its files (a directory: each regular file's name and digest).
    public var digest: String

    /// The checkpoint at `path`, read once per process while its files keep their sizes and
    /// modification times (the SHA-256 of SmolLM2's 98 MB GGUF is a fraction of a second, but
    /// a sweep resolves it once per run).
    public static func describe(_ path: String) throws -> BaseCheckpoint {
        let reference = try CheckpointReference(parsing: path)
        let model = reference.model
        let files = try files(of: model)
        let signature = files.map { "\($0.url.path):\($0.size):\($0.modified)" }.joined(separator: "\n")
        if let cached = cache.get(signature) { return cached.checkpoint }
        let (checkpoint, tokenizer) = try read(path: path, model: model, files: files)
        cache.set(signature, (checkpoint, tokenizer))
        return checkpoint
    }

    /// The checkpoint's own tokenizer (`tokenizer.json` or GGUF metadata).
    public func loadTokenizer() throws -> HFTokenizer {
        if let cached = try Self.cache.tokenizer(for: self) { return cached }
        throw UserError("\(model.path): the checkpoint ships no tokenizer (no \(HFTokenizer.fileName), or no tokenizer.ggml.* metadata)")
    }

    static func read(path: String, model: URL, files: [FileStamp]) throws -> (BaseCheckpoint, HFTokenizer?) {
        let config: ModelConfig, rope: RoPE
        if model.pathExtension.lowercased() == "gguf" {
            (config, rope) = try GGUFLlama.configuration(try GGUFFile(model))
        } else {
            let configURL = model.appendingPathComponent(LlamaModel.configFile)
            guard exists(configURL) else {
                throw UserError("\(model.path): not a model (expected a .gguf file, or a directory with \(LlamaModel.configFile))")
            }
            (config, rope) = try HFConfig.parseLlama(try HFConfig.readJSON(configURL), source: configURL.path)
            // Trained adapters would be re-initialised by the fine-tune: a merged model is the base.
            if exists(model.appendingPathComponent(LlamaModel.adapterConfigFile)) {
                throw UserError("\(model.path): carries LoRA adapters (\(LlamaModel.adapterConfigFile)); a base must be one plain model",
                                hint: "longlora export-hf \(path) DIR writes the merged model, whose DIR can be the base")
            }
            _ = try SafetensorsCheckpoint(directory: model, weightsFile: LlamaModel.weightsFile)
        }
        do { try config.validate() } catch let error as UserError { throw UserError("\(model.path): \(error.message)") }
        let tokenizer = try ModelTokenizer.load(model)
        if let tokenizer { try ModelTokenizer.check(tokenizer, vocabSize: config.vocabSize, what: model.path) }
        let digest = try Self.digest(files, root: model)
        return (BaseCheckpoint(path: path, model: model, config: config, rope: rope, tokenizerID: tokenizer?.id,
                               tokenizerVocabSize: tokenizer?.vocabSize, digest: digest), tokenizer)
    }

    struct FileStamp {
        var url: URL
        var size: Int
        var modified: Double
    }

    /// The file itself, or every regular, non-hidden file of the directory (not recursive:
    /// a model directory is flat), by name.
    static func files(of model: URL) throws -> [FileStamp] {
        guard exists(model) else { throw UserError("\(model.path): no such file or directory") }
        let urls: [URL]
        if isDirectory(model) {
            let names = try FileManager.default.contentsOfDirectory(atPath: model.path).filter { !$0.hasPrefix(".") }.sorted()
            urls = names.map { model.appendingPathComponent($0) }.filter { !isDirectory($0) }
        } else {
            urls = [model]
        }
        return try urls.map { url in
            // Of the file a link points to (models/ links into the virtualenv).
            let attributes = try FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)
            // A pipe or device would block the reader or never end.
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                throw UserError("\(url.path): not a regular file")
            }
            return FileStamp(url: url, size: (attributes[.size] as? NSNumber)?.intValue ?? -1,
                             modified: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        }
    }

    /// A file's SHA-256; a directory's is that of its lines `<name> <sha256>`.
    static func digest(_ files: [FileStamp], root: URL) throws -> String {
        guard isDirectory(root) else { return try SHA256.hash(fileAt: root).hex }
        let lines = try files.map { "\($0.url.lastPathComponent) \(try SHA256.hash(fileAt: $0.url).hex)\n" }.joined()
        return SHA256.hash(data: Array(lines.utf8)).hex
    }

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    static func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }

    static let cache = Cache()

    /// Descriptions (and tokenizers) by the stamps of their files, for the process's life.
    final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String: (checkpoint: BaseCheckpoint, tokenizer: HFTokenizer?)] = [:]

        func get(_ key: String) -> (checkpoint: BaseCheckpoint, tokenizer: HFTokenizer?)? {
            lock.withLock { entries[key] }
        }

        func set(_ key: String, _ value: (BaseCheckpoint, HFTokenizer?)) {
            lock.withLock { entries[key] = value }
        }

        /// The tokenizer of `checkpoint`, read again if its files changed since.
        func tokenizer(for checkpoint: BaseCheckpoint) throws -> HFTokenizer? {
            let found = lock.withLock { entries.values.first { $0.checkpoint == checkpoint } }
            if let found { return found.tokenizer }
            let tokenizer = try ModelTokenizer.load(checkpoint.model)
            guard tokenizer?.id == checkpoint.tokenizerID else {
                throw UserError("\(checkpoint.model.path): its tokenizer changed since the spec was read (\(checkpoint.tokenizerID ?? "none") -> \(tokenizer?.id ?? "none"))")
            }
            return tokenizer
        }
    }
}
