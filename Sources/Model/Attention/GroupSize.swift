import Support

/// The S2-Attn group size G: a fraction of the sequence length (the paper's default is
/// n/4) or an absolute number of tokens. Resolved against each sequence length, because
/// the same run evaluates several lengths.
public enum GroupSize: Hashable, Sendable {
    /// G = n * ratio, e.g. 0.25 for the paper's n/4.
    case ratio(Double)
    /// G = a fixed number of tokens.
    case tokens(Int)

    /// G for a sequence of n tokens. Throws when G is not a whole number, is below 2,
    /// exceeds n, or does not divide n (the official code raises for this too).
    /// Pattern-specific needs (G even for a G/2 shift) are checked by the pattern.
    public func resolve(sequenceLength n: Int) throws -> Int {
        guard n > 0 else { throw UserError("sequence length \(n) must be positive") }
        let g: Int
        switch self {
        case .ratio(let r):
            let exact = Double(n) * r
            guard r > 0, r <= 1, exact.isFinite, abs(exact - exact.rounded()) < 1e-9 else {
                throw UserError("group ratio \(r) times sequence length \(n) = \(exact) is not a whole number of tokens in 2...\(n)")
            }
            g = Int(exact.rounded())
        case .tokens(let t):
            g = t
        }
        guard g >= 2 else { throw UserError("group size \(g) (\(self)) must be at least 2 tokens") }
        guard g <= n else { throw UserError("group size \(g) exceeds the sequence length \(n)") }
        guard n % g == 0 else {
            throw UserError("sequence length \(n) is not a multiple of the group size \(g) (\(self))",
                            hint: "choose a length that is a multiple of \(g), or a group size that divides \(n)")
        }
        return g
    }
}

extension GroupSize: CustomStringConvertible {
    public var description: String {
        switch self {
        case .ratio(let r): return "ratio \(r)"
        case .tokens(let t): return "\(t) tokens"
        }
    }
}

/// Encoded as `{"ratio": 0.25}` or `{"tokens": 256}` so config files stay readable.
extension GroupSize: Codable {
    private enum CodingKeys: String, CodingKey { case ratio, tokens }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let r = try c.decodeIfPresent(Double.self, forKey: .ratio) {
            guard !c.contains(.tokens) else {
                throw DecodingError.dataCorruptedError(forKey: .tokens, in: c, debugDescription: "give either 'ratio' or 'tokens', not both")
            }
            self = .ratio(r)
        } else if let t = try c.decodeIfPresent(Int.self, forKey: .tokens) {
            self = .tokens(t)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "group size needs 'ratio' or 'tokens'"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .ratio(let r): try c.encode(r, forKey: .ratio)
        case .tokens(let t): try c.encode(t, forKey: .tokens)
        }
    }
}
