import Foundation
import Support

/// Token ids to evaluate on, with the byte count they encode (for bits per byte).
public struct TokenStream: Sendable {
    public var tokens: TokenShard
    /// Bytes of text behind `tokens`; nil when unknown (a LongLoRA .bin holds ids only).
    public var bytes: Int?
    /// The tokenizer that made the ids; nil for a LongLoRA .bin (LLaMA's tokenizer).
    public var tokenizer: (any Tokenizer)?
    /// E.g. `pg19-mini:test`.
    public var name: String
}

/// Where evaluation data comes from, parsed from a `--data` string:
/// - `pg19-mini:test`: a split of a corpus built under the data folder (split defaults to test);
/// - `path/to/test.bin`: a LongLoRA evaluation file (flat uint16 ids);
/// - `path/to/x.tokens`: one shard of a built corpus;
/// - a PG19 or proof-pile folder (`folder:validation` picks the split), or a text file/folder,
///   tokenized on the fly (byte-level unless a tokenizer is given).
public enum DataSource: Equatable, Sendable {
    case corpus(directory: URL, split: Split)
    case longLoRABin(URL)
    case shard(URL)
    case pg19(URL, split: Split)
    case proofPile(URL, split: Split)
    case text(URL)

    public static func parse(_ spec: String, dataDirectory: URL) throws -> DataSource {
        var base = spec
        var split = Split.test
        if let colon = spec.lastIndex(of: ":"), let s = Split(name: String(spec[spec.index(after: colon)...])) {
            base = String(spec[..<colon])
            split = s
        } else if let colon = spec.lastIndex(of: ":"), BuiltinCorpus(rawValue: String(spec[..<colon])) != nil {
            throw UserError("data source '\(spec)': unknown split '\(spec[spec.index(after: colon)...])'; expected train, validation or test")
        }
        let built = dataDirectory.appendingPathComponent(base)
        if BuiltinCorpus(rawValue: base) != nil
            || (!base.contains("/") && FileReading.exists(built.appendingPathComponent(CorpusManifest.fileName))) {
            return .corpus(directory: built, split: split)
        }
        let url = URL(fileURLWithPath: base)
        guard FileReading.exists(url) else {
            throw UserError("unknown data source '\(spec)': expected a built corpus (\(BuiltinCorpus.names.joined(separator: ", ")))[:train|validation|test], "
                            + "a LongLoRA .bin file, a .tokens shard, or a PG19, proof-pile or text folder")
        }
        if FileReading.isDirectory(url) {
            let has = { (name: String) in FileReading.isDirectory(url.appendingPathComponent(name)) }
            if FileReading.exists(url.appendingPathComponent(CorpusManifest.fileName)) { return .corpus(directory: url, split: split) }
            if has("dev") || (try? FileReading.files(in: url, recursive: true, where: ProofPileReader.isJSONLines).isEmpty) == false {
                return .proofPile(url, split: split)
            }
            if has("train") || has("validation") || has("test") { return .pg19(url, split: split) }
            return .text(url)
        }
        if url.pathExtension == "bin" { return .longLoRABin(url) }
        if url.pathExtension == "tokens" { return .shard(url) }
        return .text(url)
    }

    /// Opens the ids. `tokenizer` is used for sources tokenized on the fly (default byte-level);
    /// built corpora always use the tokenizer named in their manifest (`tokenizer` when it is
    /// that one: a corpus built with a pretrained model's tokenizer).
    public func load(tokenizer: (any Tokenizer)? = nil) throws -> TokenStream {
        switch self {
        case .corpus(let directory, let split):
            let manifest = try CorpusManifest.read(from: directory)
            let shard = try manifest.shard(split, directory: directory)
            let info = manifest.split(split)!
            return TokenStream(tokens: shard, bytes: info.bytes, tokenizer: try manifest.loadTokenizer(directory: directory, model: tokenizer),
                               name: "\(manifest.corpus):\(split.rawValue)")
        case .longLoRABin(let url):
            return TokenStream(tokens: try TokenShard(longLoRABin: url), bytes: nil, tokenizer: nil, name: url.lastPathComponent)
        case .shard(let url):
            return TokenStream(tokens: try TokenShard(contentsOf: url), bytes: nil, tokenizer: tokenizer, name: url.lastPathComponent)
        case .pg19(let url, let split):
            return Self.tokenize(try PG19Reader(root: url).read()[split], tokenizer, name: "\(url.lastPathComponent):\(split.rawValue)")
        case .proofPile(let url, let split):
            return Self.tokenize(try ProofPileReader(root: url).read(required: [split])[split], tokenizer, name: "\(url.lastPathComponent):\(split.rawValue)")
        case .text(let url):
            return Self.tokenize(try TextReader(path: url).read(), tokenizer, name: url.lastPathComponent)
        }
    }

    /// Packs documents the way shards do: ids, then EOS after each document.
    static func tokenize(_ documents: [Document], _ tokenizer: (any Tokenizer)?, name: String) -> TokenStream {
        let tokenizer = tokenizer ?? ByteTokenizer()
        var ids: [Int32] = []
        var offsets = [0]
        for doc in documents {
            ids += tokenizer.encode(doc.text)
            ids.append(tokenizer.eos)
            offsets.append(ids.count)
        }
        return TokenStream(tokens: TokenShard(tokens: ids, documentOffsets: offsets),
                           bytes: documents.reduce(0) { $0 + $1.text.count }, tokenizer: tokenizer, name: name)
    }
}
