import Foundation
import Support

extension HFTokenizer {
    /// A tokenizer from GGUF's `tokenizer.ggml.*` metadata of the `gpt2` model (byte-level
    /// BPE: tokens, merges, token types), as llama.cpp and transformers' GGUF loader read it.
    /// `pre` is `tokenizer.ggml.pre`: it names the split pattern. Control (3) and user-defined
    /// (4) tokens are matched verbatim, like a `tokenizer.json`'s added tokens.
    public init(ggufModel model: String, pre: String?, tokens: [String], merges: [String], types: [Int]?,
                specials: Specials, source: String) throws {
        guard model == "gpt2" else {
            throw UserError("\(source): tokenizer.ggml.model '\(model)' is not supported (expected gpt2)")
        }
        let pattern: String
        switch pre ?? "default" {
        case "default", "gpt2", "smollm", "gpt-2": pattern = HFPreTokenizer.gpt2Pattern
        case "llama-bpe", "llama3", "llama-v3": pattern = HFPreTokenizer.llama3Pattern
        case let other:
            throw UserError("\(source): tokenizer.ggml.pre '\(other)' is not supported (expected default, gpt2, smollm or llama-bpe)")
        }
        var vocab: [String: Int32] = [:]
        vocab.reserveCapacity(tokens.count)
        var added: [(content: String, id: Int32, special: Bool)] = []
        for (i, t) in tokens.enumerated() {
            let type = types.flatMap { i < $0.count ? $0[i] : nil } ?? 1
            if type == 3 || type == 4 { added.append((t, Int32(i), type == 3)) }
            if vocab[t] == nil { vocab[t] = Int32(i) }
        }
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(merges.count)
        for (k, m) in merges.enumerated() {
            guard let space = m.firstIndex(of: " ") else {
                throw UserError("\(source): tokenizer.ggml.merges[\(k)] '\(m)' is not two tokens separated by a space")
            }
            pairs.append((String(m[..<space]), String(m[m.index(after: space)...])))
        }
        let digest = String(SHA256.hex(Array((tokens + ["\u{0}"] + merges).joined(separator: "\n").utf8)).prefix(12))
        let preTokenizers: [HFPreTokenizer] = pattern == HFPreTokenizer.gpt2Pattern
            ? [.byteLevel(addPrefixSpace: false, useRegex: true)]
            : [.split(try HFPreTokenizer.regex(pattern, source: source), behavior: .isolated, invert: false),
               .byteLevel(addPrefixSpace: false, useRegex: false)]
        try self.init(id: "gguf-bpe\(tokens.count)-\(digest)", vocab: vocab, merges: pairs, normalizers: [],
                      preTokenizers: preTokenizers, added: added, byteFallback: false, unknown: nil, fuseUnknown: false,
                      ignoreMerges: pattern == HFPreTokenizer.llama3Pattern, byteLevel: true, specials: specials, source: source)
    }
}
