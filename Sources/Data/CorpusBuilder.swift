import Crypto
import Foundation
import Hashing
import Kernels
import Support

/// Input formats for `longlora data build --from PATH --format F`.
public enum CorpusFormat: String, CaseIterable, Sendable {
    case pg19, proofPile = "proof-pile", text
}

public enum TokenizerKind: String, CaseIterable, Sendable {
    /// `model`: a pretrained model's own tokenizer (`CorpusBuilder.modelTokenizer`).
    case byte, bpe, model
}

/// `longlora data build`: documents -> split -> tokenizer -> shards + manifest.
public struct CorpusBuilder {
    public var corpus: String
    public var tokenizer: TokenizerKind = .byte
    public var vocabSize = BPETokenizer.defaultVocabSize
    public var seed: UInt64 = 0
    public var dataDirectory: URL
    /// Read a user's corpus instead of a built-in one.
    public var input: (path: URL, format: CorpusFormat)?
    public var environment: DebianEnvironment
    public var threads = 1
    /// The tokenizer of `.model`: a pretrained checkpoint's (`tokenizer.json` or GGUF metadata).
    public var modelTokenizer: (any Tokenizer)?

    public init(corpus: String, dataDirectory: URL) {
        self.corpus = corpus
        self.dataDirectory = dataDirectory
        self.environment = DebianEnvironment(dataDirectory: dataDirectory)
    }

    /// `data/<corpus>`, or `data/<corpus>@<tokenizer id>` under a model's tokenizer (`CorpusFolder`).
    public var outputDirectory: URL {
        dataDirectory.appendingPathComponent(CorpusFolder.name(corpus: corpus, modelTokenizer: tokenizer == .model ? modelTokenizer?.id : nil))
    }

    @discardableResult
    public func build(progress: ProgressSink = Progress.silent) throws -> CorpusManifest {
        guard !corpus.isEmpty, !corpus.contains("/"), !corpus.hasPrefix("."), !corpus.contains(":") else {
            throw UserError("corpus name '\(corpus)' must be a plain folder name (no '/', ':' or leading '.')")
        }
        let splitter = DocumentSplitter(seed: seed)
        let splitMethod = "seeded shuffle, train/validation/test = "
            + "\(DocumentSplitter.defaultRatios.train)/\(DocumentSplitter.defaultRatios.validation)/\(DocumentSplitter.defaultRatios.test)"
        var sources = CorpusSources()
        let documents: SplitDocuments
        let source: String
        var method = splitMethod
        var cap: Int? = nil
        // Check the cheap things before reading megabytes.
        if input == nil { _ = try BuiltinCorpus.named(corpus) }
        if tokenizer == .bpe { _ = try BPETrainer(vocabSize: vocabSize) }
        if tokenizer == .model, modelTokenizer == nil {
            throw UserError("corpus \(corpus): tokenizer 'model' needs the model whose tokenizer to use")
        }
        let reading = DispatchTime.now().uptimeNanoseconds
        progress(.begin(task: "read \(corpus)", total: nil))
        if let input {
            source = "\(input.format.rawValue):\(input.path.path)"
            sources.files = try Self.inputChecksums(input.path)
            switch input.format {
            case .pg19:
                documents = try PG19Reader(root: input.path).read()
                method = "the input's own split folders"
            case .proofPile:
                documents = try ProofPileReader(root: input.path).read()
                method = "the input's own split folders"
            case .text:
                documents = try splitter.split(try TextReader(path: input.path).read())
            }
        } else {
            let builtin = try BuiltinCorpus.named(corpus)
            let collected = try builtin.collect(in: environment)
            sources = collected.sources
            documents = try splitter.split(collected.documents)
            source = "debian"
            cap = builtin.byteCap
        }
        guard !documents.train.isEmpty else { throw UserError("corpus \(corpus): the train split has no documents") }
        progress(.end(task: "read \(corpus)", seconds: Double(DispatchTime.now().uptimeNanoseconds - reading) / 1e9))

        // Shards change below: drop the old manifest first, so an interrupted build leaves
        // a corpus that reads as "not built" rather than a manifest describing other shards.
        try? FileManager.default.removeItem(at: outputDirectory.appendingPathComponent(CorpusManifest.fileName))

        let tokenizer: any Tokenizer
        var mergesFile: String? = nil
        switch self.tokenizer {
        case .byte:
            tokenizer = ByteTokenizer()
        case .bpe:
            let start = DispatchTime.now().uptimeNanoseconds
            let bpe = try BPETrainer(vocabSize: vocabSize).train(on: documents.train, progress: progress)
            progress(.end(task: "train BPE", seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
            mergesFile = "tokenizer.bpe"
            try bpe.save(to: outputDirectory.appendingPathComponent(mergesFile!))
            tokenizer = bpe
        case .model:
            tokenizer = modelTokenizer!  // checked above
        }

        var splits: [String: CorpusManifest.SplitInfo] = [:]
        for split in Split.allCases {
            let docs = documents[split]
            let task = "tokenize \(split.rawValue)"
            progress(.begin(task: task, total: docs.count, unit: "docs"))
            let start = DispatchTime.now().uptimeNanoseconds
            let encoded = encodeAll(docs, tokenizer)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let bytes = docs.reduce(0) { $0 + $1.text.count }
            progress(.advance(task: task, completed: docs.count, total: docs.count,
                              metrics: [("MB", Double(bytes) / 1e6), ("MB/s", Double(bytes) / 1e6 / max(seconds, 1e-9))], unit: "docs"))
            progress(.end(task: task, seconds: seconds))
            let shard = "\(split.rawValue).tokens"
            let tokens = try TokenShardWriter.write(encoded, eos: tokenizer.eos, vocabSize: tokenizer.vocabSize,
                                                    to: outputDirectory.appendingPathComponent(shard))
            splits[split.rawValue] = .init(documents: docs.count, tokens: tokens, bytes: bytes, shard: shard)
        }
        let manifest = CorpusManifest(
            corpus: corpus, source: source, packages: sources.packages, files: sources.files, byteCap: cap,
            tokenizer: .init(id: tokenizer.id, vocabSize: tokenizer.vocabSize, merges: mergesFile),
            seed: seed, splitMethod: method, tokenWidth: TokenShardWriter.width(forVocabSize: tokenizer.vocabSize),
            splits: splits)
        try manifest.write(to: outputDirectory)
        return manifest
    }

    /// SHA-256 of every file of a `--from` input (every regular, non-hidden file below a
    /// folder, by relative path; a lone file by its name): the manifest, and so every run's
    /// content hash, moves with any edit of the input.
    static func inputChecksums(_ path: URL) throws -> [String: String] {
        guard FileReading.exists(path) else { throw UserError("\(path.path): no such file or folder") }
        guard FileReading.isDirectory(path) else { return [path.lastPathComponent: try SHA256.hash(fileAt: path).hex] }
        var checksums: [String: String] = [:]
        for file in try FileReading.files(in: path, recursive: true) { checksums[file.relative] = try SHA256.hash(fileAt: file.url).hex }
        return checksums
    }

    private func encodeAll(_ docs: [Document], _ tokenizer: any Tokenizer) -> [[Int32]] {
        var encoded = [[Int32]](repeating: [], count: docs.count)
        encoded.withUnsafeMutableBufferPointer { out in
            Parallel.forEach(docs.count, threads: threads) { out[$0] = tokenizer.encode(docs[$0].text) }
        }
        return encoded
    }
}
