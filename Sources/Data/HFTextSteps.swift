import Foundation
import Support

/// The normalizer and pre-tokenizer steps of a Hugging Face `tokenizer.json` that LLaMA-family
/// tokenizers use. Normalizers rewrite the text; pre-tokenizers cut it into pieces that BPE
/// encodes separately.
public enum HFNormalizer: Sendable {
    case prepend(String)
    case replace(String, with: String)
    case nfc, nfkc, nfd, nfkd, lowercase

    func apply(_ s: String) -> String {
        switch self {
        case .prepend(let p): return s.isEmpty ? s : p + s
        case .replace(let a, let b): return s.replacingOccurrences(of: a, with: b)
        case .nfc: return s.precomposedStringWithCanonicalMapping
        case .nfkc: return s.precomposedStringWithCompatibilityMapping
        case .nfd: return s.decomposedStringWithCanonicalMapping
        case .nfkd: return s.decomposedStringWithCompatibilityMapping
        case .lowercase: return s.lowercased()
        }
    }
}

public enum HFPreTokenizer: @unchecked Sendable {
    /// GPT-2's byte-level step: optionally split by `SplitPattern.gpt2`, then spell each piece's
    /// UTF-8 bytes in `ByteLevelAlphabet`.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    /// Split by a regular expression; `isolated` keeps matches and gaps as pieces, `removed`
    /// drops the matches. `invert` treats the gaps as the matches.
    case split(NSRegularExpression, behavior: SplitBehavior, invert: Bool)
    case digits(individual: Bool)
    /// SentencePiece's spaces: ' ' becomes `replacement`, prepended per `prependScheme`, and
    /// with `split` every replacement starts a new piece.
    case metaspace(replacement: String, prependScheme: String, split: Bool)

    public enum SplitBehavior: String, Sendable { case isolated, removed, mergedWithPrevious, mergedWithNext }

    /// The split pattern of GPT-2's byte-level pre-tokenizer, used by `ByteLevel(use_regex)` and
    /// by GGUF's `gpt2`/`smollm` pre-tokenizers.
    public static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    /// Llama 3's pattern (GGUF pre-tokenizer `llama-bpe`).
    public static let llama3Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// Compiles a pattern written for Oniguruma (which `tokenizers` uses) for ICU: `\s` there is
    /// Unicode White_Space (ICU's `\s` leaves out U+000B and U+0085).
    public static func regex(_ pattern: String, source: String) throws -> NSRegularExpression {
        let icu = pattern.replacingOccurrences(of: #"\s"#, with: #"\p{White_Space}"#)
            .replacingOccurrences(of: #"\S"#, with: #"\P{White_Space}"#)
        do { return try NSRegularExpression(pattern: icu) } catch {
            throw UserError("\(source): split pattern \(pattern) is not a regular expression this harness can compile")
        }
    }

    static let gpt2 = try! regex(gpt2Pattern, source: "built-in")
    static let digitRuns = try! NSRegularExpression(pattern: #"\p{N}+"#)
    static let singleDigits = try! NSRegularExpression(pattern: #"\p{N}"#)

    /// Applies the step to each piece (the first piece starts the text).
    func apply(_ pieces: [String]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(pieces.count)
        for (k, piece) in pieces.enumerated() {
            switch self {
            case .byteLevel(let addPrefixSpace, let useRegex):
                let p = addPrefixSpace && !piece.hasPrefix(" ") ? " " + piece : piece
                let parts = useRegex ? Self.split(p, by: Self.gpt2, behavior: .isolated, invert: false) : [p]
                out += parts.map { ByteLevelAlphabet.encode($0.utf8) }
            case .split(let regex, let behavior, let invert):
                out += Self.split(piece, by: regex, behavior: behavior, invert: invert)
            case .digits(let individual):
                out += Self.split(piece, by: individual ? Self.singleDigits : Self.digitRuns, behavior: .isolated, invert: false)
            case .metaspace(let r, let scheme, let split):
                var p = piece.replacingOccurrences(of: " ", with: r)
                if (scheme == "always" || (scheme == "first" && k == 0)), !p.hasPrefix(r) { p = r + p }
                guard split else { out.append(p); continue }
                // Each replacement begins a piece (tokenizers' MergedWithNext).
                var current = ""
                for ch in p {
                    if String(ch) == r, !current.isEmpty { out.append(current); current = "" }
                    current.append(ch)
                }
                if !current.isEmpty { out.append(current) }
            }
        }
        return out
    }

    /// Cuts `s` at the matches of `regex` per `behavior` (tokenizers' `SplitDelimiterBehavior`).
    static func split(_ s: String, by regex: NSRegularExpression, behavior: SplitBehavior, invert: Bool) -> [String] {
        let ns = s as NSString
        var spans: [(NSRange, Bool)] = []  // (range, is a delimiter)
        var last = 0
        for m in regex.matches(in: s, range: NSRange(location: 0, length: ns.length)) where m.range.length > 0 {
            if m.range.location > last { spans.append((NSRange(location: last, length: m.range.location - last), invert)) }
            spans.append((m.range, !invert))
            last = m.range.location + m.range.length
        }
        if last < ns.length { spans.append((NSRange(location: last, length: ns.length - last), invert)) }
        var out: [String] = []
        var pendingNext: String? = nil
        for (range, isDelimiter) in spans {
            let text = ns.substring(with: range)
            guard isDelimiter else {
                out.append((pendingNext ?? "") + text)
                pendingNext = nil
                continue
            }
            switch behavior {
            case .isolated: out.append(text)
            case .removed: break
            case .mergedWithPrevious:
                if out.isEmpty { out.append(text) } else { out[out.count - 1] += text }
            case .mergedWithNext: pendingNext = (pendingNext ?? "") + text
            }
        }
        if let pendingNext { out.append(pendingNext) }
        return out
    }
}
