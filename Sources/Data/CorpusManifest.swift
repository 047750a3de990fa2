import Foundation
import Support

/// `data/<corpus>/manifest.json`: what a built corpus holds and where it came from.
/// Written last by the builder, so a manifest always describes complete shards.
public struct CorpusManifest: Codable, Equatable, Sendable {
    public struct TokenizerInfo: Codable, Equatable, Sendable {
        /// `byte` or `bpe<vocab>-<hash>`.
        public var id: String
        public var vocabSize: Int
        /// The BPE merges file, relative to the manifest's folder.
        public var merges: String?

        public init(id: String, vocabSize: Int, merges: String?) {
            (self.id, self.vocabSize, self.merges) = (id, vocabSize, merges)
        }
    }

    public struct SplitInfo: Codable, Equatable, Sendable {
        public var documents: Int
        /// Ids in the shard, one EOS per document included.
        public var tokens: Int
        /// Bytes of document text (separators excluded): the denominator of bits per byte.
        public var bytes: Int
        /// The shard file, relative to the manifest's folder.
        public var shard: String

        public init(documents: Int, tokens: Int, bytes: Int, shard: String) {
            (self.documents, self.tokens, self.bytes, self.shard) = (documents, tokens, bytes, shard)
        }
    }

    public var formatVersion = 1
    public var corpus: String
    /// `debian` for the built-in corpora, else `<format>:<path>` of the input.
    public var source: String
    /// Debian package -> version, for the built-in corpora.
    public var packages: [String: String]
    /// Input file path -> SHA-256 (hex): every source file of a Debian package, or every file of
    /// a `--from` input (relative to its folder, or the lone file's name): an edit moves the manifest.
    public var files: [String: String]
    public var byteCap: Int?
    public var tokenizer: TokenizerInfo
    public var seed: UInt64
    /// How documents were assigned: `seeded shuffle, train/validation/test = 0.8/0.1/0.1`
    /// or `the input's own split folders`.
    public var splitMethod: String
    /// Bytes per id in the shards (2 = uint16, 4 = uint32).
    public var tokenWidth: Int
    public var splits: [String: SplitInfo]

    public static let fileName = "manifest.json"

    public func split(_ split: Split) -> SplitInfo? { splits[split.rawValue] }

    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self) + Foundation.Data("\n".utf8),
                             to: directory.appendingPathComponent(Self.fileName))
    }

    public static func read(from directory: URL) throws -> CorpusManifest {
        let url = directory.appendingPathComponent(fileName)
        guard FileReading.exists(url) else {
            throw UserError("\(url.path) not found: corpus '\(directory.lastPathComponent)' is not built",
                            hint: "longlora data build --corpus \(directory.lastPathComponent)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            let manifest = try decoder.decode(CorpusManifest.self, from: Foundation.Data(try FileReading.bytes(url)))
            try manifest.check(url)
            return manifest
        } catch let error as DecodingError {
            throw UserError("\(url.path): not a corpus manifest (\(Self.describe(error)))",
                            hint: "longlora data build --corpus \(directory.lastPathComponent)")
        }
    }

    /// The versions this code reads; a newer writer's manifest may mean something else.
    public static let formatVersions = 1...1

    /// Fields another reader would misread silently: an unknown version, a vocabulary the
    /// tokenizer does not have (its ids would be checked against the wrong bound).
    func check(_ url: URL) throws {
        guard Self.formatVersions.contains(formatVersion) else {
            throw UserError("\(url.path): key 'format_version' is \(formatVersion), expected \(Self.formatVersions.upperBound) (written by another version of longlora?)",
                            hint: "longlora data build --corpus \(url.deletingLastPathComponent().lastPathComponent)")
        }
        if tokenizer.id == ByteTokenizer().id, tokenizer.vocabSize != ByteTokenizer().vocabSize {
            throw UserError("\(url.path): key 'tokenizer.vocab_size' is \(tokenizer.vocabSize), but the byte tokenizer has \(ByteTokenizer().vocabSize) tokens")
        }
        guard tokenizer.vocabSize > 0 else {
            throw UserError("\(url.path): key 'tokenizer.vocab_size' is \(tokenizer.vocabSize), expected a positive count")
        }
        guard tokenWidth == 2 || tokenWidth == 4 else {
            throw UserError("\(url.path): key 'token_width' is \(tokenWidth), expected 2 or 4 bytes per id")
        }
        for (name, split) in splits.sorted(by: { $0.key < $1.key }) {
            for (key, value) in [("documents", split.documents), ("tokens", split.tokens), ("bytes", split.bytes)] where value < 0 {
                throw UserError("\(url.path): key 'splits.\(name).\(key)' is \(value), expected a count (0 or more)")
            }
            // Bits per byte divide by `bytes`: ids other than the EOS after each document encode text.
            if split.tokens > split.documents, split.bytes == 0 {
                throw UserError("\(url.path): key 'splits.\(name).bytes' is 0 for \(split.tokens) tokens in \(split.documents) documents")
            }
        }
    }

    /// Opens the shard of `split`, checked against this manifest: the shard and the manifest
    /// are written together, so any disagreement (or an id the tokenizer cannot produce) is damage.
    public func shard(_ split: Split, directory: URL) throws -> TokenShard {
        guard let info = self.split(split) else {
            throw UserError("\(directory.appendingPathComponent(Self.fileName).path): corpus '\(corpus)' has no split '\(split.rawValue)'")
        }
        guard !info.shard.isEmpty, !info.shard.contains("/"), !info.shard.hasPrefix(".") else {
            throw UserError("\(directory.appendingPathComponent(Self.fileName).path): key 'splits.\(split.rawValue).shard' is '\(info.shard)', expected a file name in the corpus folder")
        }
        let url = directory.appendingPathComponent(info.shard)
        let shard = try TokenShard(contentsOf: url)
        for (what, inShard, inManifest) in [("tokens", shard.count, info.tokens), ("documents", shard.documentCount, info.documents),
                                            ("bytes per id", shard.width, tokenWidth)] where inShard != inManifest {
            throw UserError("\(url.path): \(inShard) \(what), manifest says \(inManifest)",
                            hint: "longlora data build --corpus \(corpus)")
        }
        if let (index, id) = shard.firstID(notBelow: tokenizer.vocabSize) {
            throw UserError("\(url.path): token id \(id) at position \(index) is outside the vocabulary 0..<\(tokenizer.vocabSize) of tokenizer '\(tokenizer.id)'",
                            hint: "longlora data build --corpus \(corpus)")
        }
        return shard
    }

    /// The tokenizer the shards were made with. A corpus tokenized with a pretrained
    /// model's tokenizer (`@<id>` folders) holds no copy of it: `model` is that tokenizer,
    /// from the checkpoint, and must be the one the manifest names.
    public func loadTokenizer(directory: URL, model: (any Tokenizer)? = nil) throws -> any Tokenizer {
        if tokenizer.id == ByteTokenizer().id { return ByteTokenizer() }
        if let model, model.id == tokenizer.id, model.vocabSize == tokenizer.vocabSize { return model }
        guard let merges = tokenizer.merges else {
            if tokenizer.id.hasPrefix("hf-") || tokenizer.id.hasPrefix("gguf-") {
                throw UserError("\(directory.appendingPathComponent(Self.fileName).path): corpus tokenized with the tokenizer '\(tokenizer.id)' of a pretrained model"
                    + (model.map { ", not with this model's '\($0.id)'" } ?? ""),
                    hint: "evaluate it with the model whose tokenizer made it")
            }
            throw UserError("\(directory.appendingPathComponent(Self.fileName).path): tokenizer '\(tokenizer.id)' names no merges file")
        }
        let bpe = try BPETokenizer(contentsOf: directory.appendingPathComponent(merges))
        guard bpe.id == tokenizer.id else {
            throw UserError("\(directory.appendingPathComponent(merges).path): merges give tokenizer \(bpe.id), manifest says \(tokenizer.id)",
                            hint: "longlora data build --corpus \(corpus) --tokenizer bpe")
        }
        guard bpe.vocabSize == tokenizer.vocabSize else {
            throw UserError("\(directory.appendingPathComponent(Self.fileName).path): key 'tokenizer.vocab_size' is \(tokenizer.vocabSize), but the merges in \(merges) give \(bpe.vocabSize) tokens")
        }
        return bpe
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "key '\(path)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
