/// GPT-2's byte-level alphabet (`bytes_to_unicode`), which byte-level BPE vocabularies (GPT-2,
/// Llama 3, SmolLM) are written in: printable Latin-1 bytes stand for themselves, the other 68
/// bytes for U+0100 onwards in byte order, so every byte string is a printable string.
public enum ByteLevelAlphabet {
    public static let scalars: [Unicode.Scalar] = {
        var next: UInt32 = 256
        return (0..<256).map { b -> Unicode.Scalar in
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                return Unicode.Scalar(UInt32(b))!
            }
            defer { next += 1 }
            return Unicode.Scalar(next)!
        }
    }()

    /// Scalar value -> byte, for decoding.
    public static let bytes: [UInt32: UInt8] = Dictionary(uniqueKeysWithValues: scalars.enumerated().map {
        ($1.value, UInt8($0))
    })

    /// The alphabet's spelling of `bytes`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(scalars[Int(b)]) }
        return String(s)
    }

    /// The bytes a vocabulary entry stands for, or nil if it uses scalars outside the alphabet.
    public static func decode(_ token: String) -> [UInt8]? {
        var out: [UInt8] = []
        for s in token.unicodeScalars {
            guard let b = bytes[s.value] else { return nil }
            out.append(b)
        }
        return out
    }
}
