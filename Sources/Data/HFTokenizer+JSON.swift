import Crypto
import Foundation
import Hashing
import Support

extension HFTokenizer {
    public static let fileName = "tokenizer.json"

    /// Reads a Hugging Face `tokenizer.json` with a BPE model. Special tokens are those the
    /// caller resolved from `tokenizer_config.json` / `config.json` (see `specials(...)`).
    public init(tokenizerJSON url: URL, specials: Specials) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw UserError("\(url.path): cannot read file") }
        try self.init(tokenizerJSON: data, source: url.path, specials: specials)
    }

    public init(tokenizerJSON data: Data, source: String, specials: Specials) throws {
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw UserError("\(source): not a JSON object")
        }
        let digest = String(SHA256.hash(data: data).hex.prefix(12))
        try self.init(tokenizerJSON: json, id: { "hf-bpe\($0)-\(digest)" }, source: source, specials: specials)
    }

    /// A parsed `tokenizer.json`; `id` names the tokenizer from its vocabulary size.
    init(tokenizerJSON json: [String: Any], id: (Int) -> String, source: String, specials: Specials) throws {
        func fail(_ key: String, _ what: String) -> UserError { UserError("\(source): key '\(key)': \(what)") }
        guard let model = json["model"] as? [String: Any] else { throw fail("model", "missing or not an object") }
        let type = model["type"] as? String ?? "BPE"
        guard type == "BPE" else { throw fail("model.type", "'\(type)' is not supported (expected BPE)") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let v = model[key] as? String, !v.isEmpty { throw fail("model.\(key)", "'\(v)' is not supported") }
        }
        if let dropout = model["dropout"] as? Double, dropout > 0 { throw fail("model.dropout", "BPE dropout is not supported") }
        guard let rawVocab = model["vocab"] as? [String: Any] else { throw fail("model.vocab", "missing or not an object") }
        var vocab: [String: Int32] = [:]
        vocab.reserveCapacity(rawVocab.count)
        for (token, id) in rawVocab {
            guard let i = (id as? NSNumber)?.int32Value, i >= 0 else { throw fail("model.vocab", "'\(token)' has no non-negative id") }
            vocab[token] = i
        }
        guard let rawMerges = model["merges"] as? [Any] else { throw fail("model.merges", "missing or not a list") }
        var merges: [(String, String)] = []
        merges.reserveCapacity(rawMerges.count)
        for (k, m) in rawMerges.enumerated() {
            if let pair = m as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1]))
            } else if let s = m as? String, let space = s.firstIndex(of: " ") {
                merges.append((String(s[..<space]), String(s[s.index(after: space)...])))
            } else {
                throw fail("model.merges", "entry \(k) is not 'a b' or [a, b]")
            }
        }
        var added: [(content: String, id: Int32, special: Bool)] = []
        for (k, t) in (json["added_tokens"] as? [[String: Any]] ?? []).enumerated() {
            guard let content = t["content"] as? String, let id = (t["id"] as? NSNumber)?.int32Value else {
                throw fail("added_tokens", "entry \(k) needs content and id")
            }
            added.append((content, id, t["special"] as? Bool ?? false))
        }
        let normalizers = try Self.normalizers(json["normalizer"], key: "normalizer", fail: fail)
        let preTokenizers = try Self.preTokenizers(json["pre_tokenizer"], key: "pre_tokenizer", source: source, fail: fail)
        let byteLevel = Self.mentions(json["pre_tokenizer"], "ByteLevel") || Self.mentions(json["decoder"], "ByteLevel")
        try self.init(id: id(vocab.count), vocab: vocab, merges: merges, normalizers: normalizers,
                      preTokenizers: preTokenizers, added: added,
                      byteFallback: model["byte_fallback"] as? Bool ?? false, unknown: model["unk_token"] as? String,
                      fuseUnknown: model["fuse_unk"] as? Bool ?? false, ignoreMerges: model["ignore_merges"] as? Bool ?? false,
                      byteLevel: byteLevel, specials: specials, source: source)
    }

    static func mentions(_ node: Any?, _ type: String) -> Bool {
        guard let node = node as? [String: Any] else { return false }
        if node["type"] as? String == type { return true }
        let children = (node["pretokenizers"] ?? node["decoders"] ?? node["normalizers"]) as? [Any] ?? []
        return children.contains { mentions($0, type) }
    }

    static func normalizers(_ node: Any?, key: String, fail: (String, String) -> UserError) throws -> [HFNormalizer] {
        guard let node, !(node is NSNull) else { return [] }
        guard let n = node as? [String: Any], let type = n["type"] as? String else { throw fail(key, "not an object with a type") }
        switch type {
        case "Sequence":
            return try (n["normalizers"] as? [Any] ?? []).enumerated().flatMap {
                try normalizers($1, key: "\(key).normalizers[\($0)]", fail: fail)
            }
        case "Prepend":
            guard let p = n["prepend"] as? String else { throw fail(key, "Prepend needs 'prepend'") }
            return [.prepend(p)]
        case "Replace":
            guard let pattern = n["pattern"] as? [String: Any], let a = pattern["String"] as? String,
                  let b = n["content"] as? String else {
                throw fail(key, "Replace is supported with a String pattern and a content")
            }
            return [.replace(a, with: b)]
        case "NFC": return [.nfc]
        case "NFKC": return [.nfkc]
        case "NFD": return [.nfd]
        case "NFKD": return [.nfkd]
        case "Lowercase": return [.lowercase]
        default: throw fail("\(key).type", "normalizer '\(type)' is not supported")
        }
    }

    static func preTokenizers(_ node: Any?, key: String, source: String,
                              fail: (String, String) -> UserError) throws -> [HFPreTokenizer] {
        guard let node, !(node is NSNull) else { return [] }
        guard let n = node as? [String: Any], let type = n["type"] as? String else { throw fail(key, "not an object with a type") }
        switch type {
        case "Sequence":
            return try (n["pretokenizers"] as? [Any] ?? []).enumerated().flatMap {
                try preTokenizers($1, key: "\(key).pretokenizers[\($0)]", source: source, fail: fail)
            }
        case "ByteLevel":
            return [.byteLevel(addPrefixSpace: n["add_prefix_space"] as? Bool ?? true, useRegex: n["use_regex"] as? Bool ?? true)]
        case "Split":
            let pattern = n["pattern"] as? [String: Any]
            let regex: NSRegularExpression
            if let r = pattern?["Regex"] as? String {
                regex = try HFPreTokenizer.regex(r, source: "\(source): key '\(key).pattern'")
            } else if let s = pattern?["String"] as? String {
                regex = try NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: s))
            } else {
                throw fail("\(key).pattern", "expected {\"Regex\": ...} or {\"String\": ...}")
            }
            let behaviors: [String: HFPreTokenizer.SplitBehavior] = [
                "Isolated": .isolated, "Removed": .removed, "MergedWithPrevious": .mergedWithPrevious,
                "MergedWithNext": .mergedWithNext,
            ]
            let name = n["behavior"] as? String ?? "Isolated"
            guard let behavior = behaviors[name] else { throw fail("\(key).behavior", "'\(name)' is not supported") }
            return [.split(regex, behavior: behavior, invert: n["invert"] as? Bool ?? false)]
        case "Digits":
            return [.digits(individual: n["individual_digits"] as? Bool ?? false)]
        case "Metaspace":
            let replacement = n["replacement"] as? String ?? "\u{2581}"
            var scheme = n["prepend_scheme"] as? String ?? "always"
            if let add = n["add_prefix_space"] as? Bool, n["prepend_scheme"] == nil { scheme = add ? "always" : "never" }
            return [.metaspace(replacement: replacement, prependScheme: scheme, split: n["split"] as? Bool ?? true)]
        default:
            throw fail("\(key).type", "pre-tokenizer '\(type)' is not supported (expected ByteLevel, Split, Digits, Metaspace or a Sequence of them)")
        }
    }

    /// Special-token ids as a Hugging Face directory declares them: `tokenizer_config.json`'s
    /// `bos_token`/`eos_token`/`pad_token` (strings or `{"content": ...}`), looked up in
    /// `tokenizer.json`, else `config.json`'s `bos_token_id`/`eos_token_id`/`pad_token_id`.
    public static func specials(directory dir: URL) throws -> Specials {
        func object(_ name: String) -> [String: Any] {
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(name)) else { return [:] }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        }
        let config = object("config.json"), tokenizerConfig = object("tokenizer_config.json")
        var ids: [String: Int32] = [:]
        if let json = object(fileName) as [String: Any]? {
            for t in json["added_tokens"] as? [[String: Any]] ?? [] {
                if let c = t["content"] as? String, let i = (t["id"] as? NSNumber)?.int32Value { ids[c] = i }
            }
            for (token, id) in (json["model"] as? [String: Any])?["vocab"] as? [String: Any] ?? [:] where ids[token] == nil {
                if let i = (id as? NSNumber)?.int32Value { ids[token] = i }
            }
        }
        func lookup(_ name: String) -> Int32? {
            let entry = tokenizerConfig["\(name)_token"]
            if let s = (entry as? String) ?? ((entry as? [String: Any])?["content"] as? String), let id = ids[s] { return id }
            if let n = config["\(name)_token_id"] as? NSNumber { return n.int32Value }
            if let list = config["\(name)_token_id"] as? [NSNumber], let first = list.first { return first.int32Value }
            return nil
        }
        return Specials(bos: lookup("bos"), eos: lookup("eos"), pad: lookup("pad"))
    }
}
