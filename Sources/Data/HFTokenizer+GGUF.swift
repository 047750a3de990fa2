import Crypto
import Foundation
import Hashing
import Support

/// GGUF's `tokenizer.ggml.*` metadata, as read from the file.
public struct GGUFTokenizerMetadata: Sendable {
    public var model: String, pre: String?
    public var tokens: [String], merges: [String]?, scores: [Double]?, types: [Int]?
    public var unknown: Int?
    public var specials: HFTokenizer.Specials

    public init(model: String, pre: String?, tokens: [String], merges: [String]?, scores: [Double]?, types: [Int]?,
                unknown: Int?, specials: HFTokenizer.Specials) {
        self.model = model; self.pre = pre; self.tokens = tokens; self.merges = merges; self.scores = scores
        self.types = types; self.unknown = unknown; self.specials = specials
    }
}

extension HFTokenizer {
    /// A tokenizer from GGUF's `tokenizer.ggml.*` metadata, built as transformers' GGUF loader
    /// builds it (and llama.cpp runs it), through the `tokenizer.json` that `export-hf` writes:
    /// - `gpt2`: byte-level BPE from the tokens and merges; `pre` (`tokenizer.ggml.pre`) names
    ///   the split pattern; a token spelled outside the byte-level alphabet is respelled in it.
    /// - `llama`: SentencePiece-style BPE (`▁` for spaces, prepended to the text; byte fallback
    ///   to `<0xXX>`; unknown characters fused into one unknown token), with the merges of the
    ///   file or, as most files have none, the ones its scores imply (`generatedMerges`).
    /// Control (3) and user-defined (4) tokens are matched verbatim, like a `tokenizer.json`'s
    /// added tokens; in a byte-level vocabulary a control token spelled outside the alphabet is
    /// a converter's mislabel and stays a plain entry.
    public init(gguf metadata: GGUFTokenizerMetadata, source: String) throws {
        let (json, digest) = try Self.tokenizerJSON(gguf: metadata, source: source)
        try self.init(tokenizerJSON: json, id: { _ in "gguf-\(metadata.model)\(metadata.tokens.count)-\(digest)" },
                      source: source, specials: metadata.specials)
    }

    /// The `tokenizer.json` object of GGUF tokenizer metadata (see `init(gguf:)`), and a digest
    /// of its tokens and merges for the tokenizer's id.
    static func tokenizerJSON(gguf metadata: GGUFTokenizerMetadata, source: String) throws -> (json: [String: Any], digest: String) {
        let tokens = metadata.tokens
        let byteLevel: Bool
        switch metadata.model {
        case "gpt2": byteLevel = true
        case "llama": byteLevel = false
        case let model: throw UserError("\(source): tokenizer.ggml.model '\(model)' is not supported (expected gpt2 or llama)")
        }
        var vocab: [String: Int] = [:]
        vocab.reserveCapacity(tokens.count)
        var added: [[String: Any]] = []
        for (i, t) in tokens.enumerated() {
            let inAlphabet = t.unicodeScalars.allSatisfy { ByteLevelAlphabet.bytes[$0.value] != nil }
            vocab[byteLevel && !inAlphabet ? ByteLevelAlphabet.encode(t.utf8) : t] = i  // last wins, as a dict does
            let type = metadata.types.flatMap { i < $0.count ? $0[i] : nil } ?? 1
            if type == 4 || (type == 3 && (!byteLevel || inAlphabet)) {
                added.append(["id": i, "content": t, "single_word": false, "lstrip": false, "rstrip": false,
                              "normalized": false, "special": type == 3])
            }
        }
        var pairs: [(String, String)] = []
        if let merges = metadata.merges {
            pairs.reserveCapacity(merges.count)
            for (k, m) in merges.enumerated() {
                guard let space = m.firstIndex(of: " ") else {
                    throw UserError("\(source): tokenizer.ggml.merges[\(k)] '\(m)' is not two tokens separated by a space")
                }
                pairs.append((String(m[..<space]), String(m[m.index(after: space)...])))
            }
        } else if byteLevel {
            throw UserError("\(source): metadata key 'tokenizer.ggml.merges' is missing (a gpt2 tokenizer needs its merges)")
        } else {
            guard let scores = metadata.scores, scores.count == tokens.count else {
                throw UserError("\(source): metadata key 'tokenizer.ggml.scores' is missing or not one score per token (a llama tokenizer without merges needs them)")
            }
            pairs = Self.generatedMerges(tokens: tokens, scores: scores)
        }
        let byteLevelStep: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": true]
        var preTokenizer: [String: Any], decoder: [String: Any]
        var ignoreMerges = false
        if byteLevel {
            decoder = byteLevelStep
            switch metadata.pre ?? "default" {
            case "default", "gpt2", "smollm", "gpt-2":
                preTokenizer = byteLevelStep
            case "llama-bpe", "llama3", "llama-v3", "smaug-bpe":
                // llama.cpp's llama-bpe takes a whole piece that is in the vocabulary as is.
                var noRegex = byteLevelStep
                noRegex["use_regex"] = false
                preTokenizer = ["type": "Sequence", "pretokenizers": [
                    ["type": "Split", "pattern": ["Regex": HFPreTokenizer.llama3Pattern], "behavior": "Isolated", "invert": false],
                    noRegex]]
                ignoreMerges = true
            case let other:
                throw UserError("\(source): tokenizer.ggml.pre '\(other)' is not supported (expected default, gpt2, smollm or llama-bpe)")
            }
        } else {
            preTokenizer = ["type": "Metaspace", "replacement": "\u{2581}", "prepend_scheme": "first", "split": false]
            decoder = ["type": "Sequence", "decoders": [
                ["type": "Replace", "pattern": ["String": "\u{2581}"], "content": " "], ["type": "ByteFallback"], ["type": "Fuse"],
                ["type": "Strip", "content": " ", "start": 1, "stop": 0]]]
        }
        let unknown = metadata.unknown.flatMap { $0 >= 0 && $0 < tokens.count ? tokens[$0] : nil } ?? (byteLevel ? nil : "<unk>")
        let json: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": NSNull(), "pre_tokenizer": preTokenizer, "post_processor": NSNull(), "decoder": decoder,
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": unknown ?? NSNull(), "continuing_subword_prefix": NSNull(),
                      "end_of_word_suffix": NSNull(), "fuse_unk": !byteLevel, "byte_fallback": !byteLevel,
                      "ignore_merges": ignoreMerges, "vocab": vocab, "merges": pairs.map { [$0.0, $0.1] }] as [String: Any],
        ]
        let digest = String(SHA256.hash(data: Array((tokens + ["\u{0}"] + pairs.map { $0.0 + " " + $0.1 }).joined(separator: "\n").utf8)).hex.prefix(12))
        return (json, digest)
    }

    /// The merges a SentencePiece vocabulary implies (transformers' `generate_merges`): every
    /// split of a token into two vocabulary entries, ordered by the token's score (highest
    /// first), then by the lengths of the left and right parts (longest first); ties keep the
    /// vocabulary order.
    static func generatedMerges(tokens: [String], scores: [Double]) -> [(String, String)] {
        var index: [String: Int] = [:], score: [String: Double] = [:], order: [String] = []
        for (i, t) in tokens.enumerated() {
            index[t] = i
            if score[t] == nil { order.append(t) }
            score[t] = scores[i]
        }
        var merges: [(left: String, right: String, score: Double, leftLength: Int, rightLength: Int)] = []
        for token in order {
            let scalars = Array(token.unicodeScalars)
            var local: [(String, String, Int, Int)] = []
            for cut in stride(from: 1, to: scalars.count, by: 1) {
                var l = String.UnicodeScalarView(), r = String.UnicodeScalarView()
                l.append(contentsOf: scalars[..<cut]); r.append(contentsOf: scalars[cut...])
                let left = String(l), right = String(r)
                if let il = index[left], let ir = index[right] { local.append((left, right, il, ir)) }
            }
            local.sort { ($0.2, $0.3) < ($1.2, $1.3) }
            for (left, right, _, _) in local {
                merges.append((left, right, score[token]!, left.unicodeScalars.count, right.unicodeScalars.count))
            }
        }
        // Python's stable sort with reverse=True: descending keys, equal keys in original order.
        let ranked = merges.enumerated().sorted { a, b in
            let ka = (a.element.score, a.element.leftLength, a.element.rightLength)
            let kb = (b.element.score, b.element.leftLength, b.element.rightLength)
            return ka != kb ? ka > kb : a.offset < b.offset
        }
        return ranked.map { ($0.element.left, $0.element.right) }
    }
}
