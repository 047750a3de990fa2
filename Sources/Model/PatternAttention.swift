import Support

/// The production `AttentionBackend`: one pattern of the `AttentionRegistry` run on the
/// shared tiled kernel. It is made for one sequence length, where the group size is
/// resolved and checked once (a bad G is a `UserError` here, never a trap in the kernel);
/// `full` serves every length.
public struct PatternAttention: AttentionBackend {
    public let kind: AttentionKind
    public let pattern: any AttentionPattern
    /// The length the pattern was checked for; nil for `full`, which fits any length.
    public let length: Int?

    /// e.g. `PatternAttention(.s2, groupSize: .ratio(0.25), length: 1024)`.
    public init(_ kind: AttentionKind, groupSize: GroupSize = .ratio(0.25), length n: Int) throws {
        self.kind = kind
        pattern = try kind.pattern(groupSize: groupSize, length: n)
        length = kind.isGrouped ? n : nil
    }

    /// Full causal attention: what evaluation and inference use.
    public static let full = PatternAttention(full: ())
    private init(full: Void) {
        kind = .full
        pattern = FullAttention()
        length = nil
    }

    public var name: String { kind.rawValue }

    func check(_ shape: AttentionGeometry) {
        precondition(length == nil || length == shape.n,
                     "attention '\(name)' was resolved for length \(length ?? 0), called with \(shape.n)")
    }

    public func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                        out: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
                        shape: AttentionGeometry, threads: Int) throws {
        check(shape)
        Attention.forward(q: q, k: k, v: v, out: out, lse: lse, geometry: shape, pattern: pattern, threads: threads)
    }

    public func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                         out: UnsafePointer<Float>, lse: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                         dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                         dv: UnsafeMutablePointer<Float>, shape: AttentionGeometry, threads: Int) throws {
        check(shape)
        Attention.backward(q: q, k: k, v: v, out: out, lse: lse, dOut: dOut, dq: dq, dk: dk, dv: dv,
                           geometry: shape, pattern: pattern, threads: threads)
    }

    public func scoredPairs(shape: AttentionGeometry) throws -> Int {
        check(shape)
        return pattern.scoredPairs(geometry: shape)
    }
}
