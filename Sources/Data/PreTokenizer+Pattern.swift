import Foundation

extension PreTokenizer {
    /// The same words as `forEachWord`, as an Oniguruma pattern for a Hugging Face `Split`
    /// pre-tokenizer that runs after `ByteLevel` (no regex): each byte is then one character of
    /// `ByteLevelAlphabet`, so byte classes become character classes and the 32-byte cut a
    /// `{1,32}` bound. In order: a single space joined to the run after it; spaces before such a
    /// space; any other spaces; then a run of one class.
    public static var byteLevelPattern: String {
        func characters(_ c: ByteClass) -> String {
            let scalars = (0..<256).filter { classes[$0] == c }.map { ByteLevelAlphabet.scalars[$0].value }.sorted()
            var ranges: [(UInt32, UInt32)] = []
            for s in scalars {
                if let last = ranges.last, last.1 + 1 == s { ranges[ranges.count - 1].1 = s } else { ranges.append((s, s)) }
            }
            return ranges.map { $0.0 == $0.1 ? hex($0.0) : "\(hex($0.0))-\(hex($0.1))" }.joined()
        }
        func hex(_ v: UInt32) -> String { "\\x{" + String(v, radix: 16, uppercase: true) + "}" }
        let space = hex(ByteLevelAlphabet.scalars[0x20].value)
        let letter = characters(.letter), digit = characters(.digit), punctuation = characters(.punctuation)
        let joinable = [letter, digit, punctuation]
        let n = maxWordLength
        return (joinable.map { "\(space)[\($0)]{1,\(n - 1)}" }
            + ["\(space){1,\(n)}(?=\(space)+[\(joinable.joined())])", "\(space){1,\(n)}"]
            + [letter, digit, punctuation, characters(.whitespace)].map { "[\($0)]{1,\(n)}" })
            .joined(separator: "|")
    }
}
