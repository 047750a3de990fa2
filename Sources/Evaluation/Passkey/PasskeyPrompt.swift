import Data
import Kernels
import Support

/// The passkey retrieval prompt of the paper (Sec. 4, after Mohtashami & Jaggi), in the
/// wording of the official `passkey_retrivial.py`: five lines joined by "\n":
///
///     <task description>
///     <filler prefix>
///     The pass key is K. Remember it. K is the pass key.
///     <filler suffix>
///     What is the pass key? The pass key is
///
/// The filler is the five sentences below repeated, joined by single spaces; prefix and
/// suffix are both cut from its start at a character count (possibly mid-sentence), the
/// prefix taking the fraction `depth` of the filler characters. The official script sets
/// the filler length by a rough characters-per-token ratio; here it is the largest filler
/// whose prompt (with BOS) has at most the target number of tokens.
public struct PasskeyPrompt: Sendable, Equatable {
    public static let taskDescription =
        "There is an important info hidden inside a lot of irrelevant text. Find it and memorize them. "
        + "I will quiz you about the important information there."
    public static let filler = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again."
    public static let question = "What is the pass key? The pass key is"
    /// The official key range: numpy randint(1, 50000), i.e. 1...49999.
    public static let keyRange = 1...49999

    public static func informationLine(key: Int) -> String {
        "The pass key is \(key). Remember it. \(key) is the pass key."
    }

    /// The first `count` characters of the endlessly repeated filler.
    public static func fillerText(count: Int) -> String {
        let unit = Array((filler + " ").utf8)  // ASCII: characters are bytes
        return String(decoding: (0..<count).map { unit[$0 % unit.count] }, as: UTF8.self)
    }

    public static func text(key: Int, fillerCharacters: Int, depth: Double) -> String {
        let prefix = prefixCharacters(fillerCharacters: fillerCharacters, depth: depth)
        return [taskDescription, fillerText(count: prefix), informationLine(key: key),
                fillerText(count: fillerCharacters - prefix), question].joined(separator: "\n")
    }

    /// Filler characters before the key: floor(depth * total), clamped to the filler.
    public static func prefixCharacters(fillerCharacters: Int, depth: Double) -> Int {
        min(fillerCharacters, max(0, Int((depth * Double(fillerCharacters)).rounded(.down))))
    }

    /// The continuation a model must produce: " K", the key after the space that ends
    /// the question. (The official script's SentencePiece ids for the key begin with the
    /// word-boundary piece, which is this same space.)
    public static func answerText(key: Int) -> String { " \(key)" }

    public let key: Int
    public let depth: Double
    public let fillerCharacters: Int
    public let text: String
    /// The prompt ids [BOS] + encode(text) (the official script's tokenizer adds BOS too),
    /// at most the target length.
    public let tokens: [Int32]
    /// encode(answerText): the ids greedy decoding must reproduce exactly.
    public let answer: [Int32]

    /// Builds the prompt for `key` at `depth` in [0, 1] with at most `targetTokens` tokens.
    public init(key: Int, depth: Double, targetTokens: Int, tokenizer: any Tokenizer) throws {
        func tokens(_ n: Int) -> [Int32] {
            [tokenizer.bos] + tokenizer.encode(Self.text(key: key, fillerCharacters: n, depth: depth).utf8)
        }
        let fixed = tokens(0).count
        guard fixed <= targetTokens else {
            throw UserError("passkey length \(targetTokens) is below the \(fixed) tokens of the prompt without filler")
        }
        // Largest n with tokens(n).count <= target: grow an upper bound, then bisect.
        // (Every token covers at least one byte, so high never needs to pass 2 * target bytes
        // of filler per token; the cap only guards a tokenizer that drops text.)
        var low = 0, high = max(1, targetTokens - fixed)
        while tokens(high).count <= targetTokens {
            low = high
            high *= 2
            guard high <= 64 * targetTokens + 64 else {
                throw UserError("passkey prompt: the tokenizer does not grow with the filler text")
            }
        }
        while high - low > 1 {
            let mid = (low + high) / 2
            if tokens(mid).count <= targetTokens { low = mid } else { high = mid }
        }
        self.key = key
        self.depth = depth
        self.fillerCharacters = low
        self.text = Self.text(key: key, fillerCharacters: low, depth: depth)
        self.tokens = tokens(low)
        self.answer = tokenizer.encode(Self.answerText(key: key).utf8)
    }

    /// The fewest tokens a prompt can have under `tokenizer`: the prompt without filler, for
    /// the key that tokenizes longest among the shortest and longest key of each digit
    /// count (exact for the byte tokenizer, whose count only depends on the digits).
    /// A passkey length below this is refused (`init` throws for it).
    public static func minimumTokens(tokenizer: any Tokenizer) -> Int {
        var keys: [Int] = []
        var low = 1
        while low <= keyRange.upperBound {
            keys += [max(low, keyRange.lowerBound), min(low * 10 - 1, keyRange.upperBound)]
            low *= 10
        }
        return keys.map { key in
            1 + tokenizer.encode(text(key: key, fillerCharacters: 0, depth: 0).utf8).count
        }.max()!
    }

    /// Draws a key in 1...49999 and a depth in [0, 1) from `rng`.
    public static func draw(targetTokens: Int, tokenizer: any Tokenizer, rng: inout SplitMix64) throws -> PasskeyPrompt {
        let key = keyRange.lowerBound + Int(rng.nextUniform() * Double(keyRange.count))
        let depth = rng.nextUniform()
        return try PasskeyPrompt(key: key, depth: depth, targetTokens: targetTokens, tokenizer: tokenizer)
    }

    /// The first run of decimal digits in a model's answer, for reports; correctness is
    /// decided on ids, not on this.
    public static func parseKey(_ answer: String) -> Int? {
        let digits = answer.drop(while: { !$0.isASCII || !$0.isNumber }).prefix(while: { $0.isASCII && $0.isNumber })
        return digits.isEmpty ? nil : Int(digits.prefix(18))
    }
}
