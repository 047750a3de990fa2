import Foundation
import Support

/// A pretrained BPE tokenizer as Hugging Face `tokenizers` runs it: added tokens are cut out
/// of the text first, the rest is normalized, cut into pieces by the pre-tokenizer, and each
/// piece is encoded by BPE over its Unicode scalars (byte-level vocabularies spell bytes in
/// `ByteLevelAlphabet`; SentencePiece-style ones fall back to `<0xXX>` byte tokens).
///
/// Built from a `tokenizer.json` (`HFTokenizer+JSON.swift`) or from GGUF metadata
/// (`HFTokenizer+GGUF.swift`). `encode` never adds BOS/EOS (as `add_special_tokens=False`).
public struct HFTokenizer: Tokenizer {
    public let id: String
    public let vocabSize: Int
    public let bos: Int32
    public let eos: Int32
    public let pad: Int32

    let vocab: [String: Int32]
    let merges: BPEMerge
    let normalizers: [HFNormalizer]
    let preTokenizers: [HFPreTokenizer]
    /// Added tokens matched verbatim in the text, longest first.
    let addedTokens: [(content: String, id: Int32)]
    let byteFallback: Bool
    let unknown: Int32?
    let fuseUnknown: Bool
    let ignoreMerges: Bool
    /// Bytes of each id for `decode` (special tokens: none).
    let pieces: [[UInt8]]

    public struct Specials: Sendable {
        public var bos: Int32?, eos: Int32?, pad: Int32?
        public init(bos: Int32? = nil, eos: Int32? = nil, pad: Int32? = nil) { self.bos = bos; self.eos = eos; self.pad = pad }
    }

    init(id: String, vocab: [String: Int32], merges: [(String, String)], normalizers: [HFNormalizer],
         preTokenizers: [HFPreTokenizer], added: [(content: String, id: Int32, special: Bool)],
         byteFallback: Bool, unknown: String?, fuseUnknown: Bool, ignoreMerges: Bool, byteLevel: Bool,
         specials: Specials, source: String) throws {
        var rules: [UInt64: BPEMerge.Rule] = [:]
        rules.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let ia = vocab[a], let ib = vocab[b], let im = vocab[a + b] else {
                throw UserError("\(source): merge \(rank) ('\(a)' '\(b)') names a token that is not in the vocabulary")
            }
            let key = BPEMerge.key(ia, ib)
            if rules[key] == nil { rules[key] = BPEMerge.Rule(rank: UInt32(rank), merged: im) }
        }
        var all = vocab
        for t in added { all[t.content] = t.id }
        let size = Int(all.values.max() ?? -1) + 1
        guard size > 0, all.values.allSatisfy({ $0 >= 0 }) else { throw UserError("\(source): the vocabulary is empty or has negative ids") }
        var pieces = [[UInt8]](repeating: [], count: size)
        for (token, i) in vocab {
            if byteLevel, let bytes = ByteLevelAlphabet.decode(token) {
                pieces[Int(i)] = bytes
            } else if let b = Self.byteToken(token) {
                pieces[Int(i)] = [b]
            } else {
                pieces[Int(i)] = Array(token.replacingOccurrences(of: "\u{2581}", with: " ").utf8)
            }
        }
        for t in added { pieces[Int(t.id)] = t.special ? [] : Array(t.content.utf8) }
        func resolve(_ v: Int32?, _ what: String) throws -> Int32? {
            guard let v else { return nil }
            guard (0..<Int32(size)).contains(v) else { throw UserError("\(source): \(what) token id \(v) is outside the vocabulary 0..<\(size)") }
            return v
        }
        guard let eos = try resolve(specials.eos, "EOS") else {
            throw UserError("\(source): no end-of-sequence token is declared (eos_token)",
                            hint: "documents are joined with EOS; give the tokenizer its tokenizer_config.json or config.json")
        }
        self.id = id
        self.vocabSize = size
        self.eos = eos
        self.bos = try resolve(specials.bos, "BOS") ?? eos
        self.pad = try resolve(specials.pad, "PAD") ?? eos
        self.vocab = vocab
        self.merges = BPEMerge(rules: rules)
        self.normalizers = normalizers
        self.preTokenizers = preTokenizers
        self.addedTokens = added.map { ($0.content, $0.id) }.filter { !$0.0.isEmpty }.sorted { $0.0.count > $1.0.count }
        self.byteFallback = byteFallback
        self.unknown = unknown.flatMap { name in vocab[name] ?? added.first(where: { $0.content == name })?.id }
        self.fuseUnknown = fuseUnknown
        self.ignoreMerges = ignoreMerges
        self.pieces = pieces
    }

    /// `<0x0A>` -> 0x0A.
    static func byteToken(_ token: String) -> UInt8? {
        guard token.count == 6, token.hasPrefix("<0x"), token.hasSuffix(">") else { return nil }
        return UInt8(token.dropFirst(3).prefix(2), radix: 16)
    }

    public func encode(_ bytes: some Collection<UInt8>) -> [Int32] {
        encode(text: String(decoding: Array(bytes), as: UTF8.self))
    }

    public func encode(text: String) -> [Int32] {
        var out: [Int32] = []
        var cache: [String: [Int32]] = [:]
        for (segment, added) in splitAdded(text) {
            if let added { out.append(added); continue }
            var s = segment
            for n in normalizers { s = n.apply(s) }
            var parts = [s]
            for p in preTokenizers { parts = p.apply(parts) }
            for part in parts where !part.isEmpty {
                if let hit = cache[part] { out += hit; continue }
                let ids = word(part)
                if part.utf8.count <= 256 { cache[part] = ids }
                out += ids
            }
        }
        return out
    }

    /// The text cut at added tokens: (segment, nil) for text, ("", id) for an added token.
    func splitAdded(_ text: String) -> [(String, Int32?)] {
        guard !addedTokens.isEmpty, addedTokens.contains(where: { text.contains($0.content) }) else { return [(text, nil)] }
        var out: [(String, Int32?)] = []
        var rest = text[...]
        var segment = ""
        outer: while !rest.isEmpty {
            for t in addedTokens where rest.hasPrefix(t.content) {
                if !segment.isEmpty { out.append((segment, nil)); segment = "" }
                out.append(("", t.id))
                rest = rest.dropFirst(t.content.count)
                continue outer
            }
            segment.append(rest.removeFirst())
        }
        if !segment.isEmpty { out.append((segment, nil)) }
        return out
    }

    /// BPE over one piece's scalars.
    func word(_ piece: String) -> [Int32] {
        if ignoreMerges, let id = vocab[piece] { return [id] }
        var ids: [Int32] = []
        ids.reserveCapacity(piece.unicodeScalars.count)
        var lastUnknown = false
        for scalar in piece.unicodeScalars {
            if let id = vocab[String(scalar)] {
                ids.append(id)
                lastUnknown = false
            } else if byteFallback, let fallback = byteTokens(scalar) {
                ids += fallback
                lastUnknown = false
            } else if let unknown {
                if !(fuseUnknown && lastUnknown) { ids.append(unknown) }
                lastUnknown = true
            }
        }
        return merges.apply(ids)
    }

    /// The `<0xXX>` ids of a scalar's UTF-8 bytes, if the vocabulary has them all.
    func byteTokens(_ scalar: Unicode.Scalar) -> [Int32]? {
        var out: [Int32] = []
        for b in String(scalar).utf8 {
            guard let id = vocab[String(format: "<0x%02X>", b)] else { return nil }
            out.append(id)
        }
        return out
    }

    public func decode(_ ids: [Int32]) -> [UInt8] {
        var out: [UInt8] = []
        for id in ids where id >= 0 && Int(id) < pieces.count { out += pieces[Int(id)] }
        return out
    }
}
