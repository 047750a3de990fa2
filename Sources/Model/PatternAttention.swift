import Support

/// The production `AttentionBackend`: one pattern from the `AttentionPatterns` registry run
/// on the shared tiled kernel. Shapes are validated here, once per call, so a bad group size
/// is a `UserError` rather than a trap inside the kernel.
public struct PatternAttention: AttentionBackend {
    public let pattern: any AttentionPattern

    public init(pattern: any AttentionPattern) { self.pattern = pattern }

    /// e.g. `PatternAttention("s2", groupSize: .ratio(0.25))`.
    public init(_ name: String, groupSize: GroupSize = .ratio(0.25)) throws {
        pattern = try AttentionPatterns.make(name, groupSize: groupSize)
    }

    /// Full causal attention: what evaluation and inference use.
    public static var full: PatternAttention { try! PatternAttention("full") }

    public var name: String { pattern.name }

    public func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                        out: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
                        shape: AttentionGeometry, threads: Int) throws {
        try pattern.validate(geometry: shape)
        Attention.forward(q: q, k: k, v: v, out: out, lse: lse, geometry: shape, pattern: pattern, threads: threads)
    }

    public func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                         out: UnsafePointer<Float>, lse: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                         dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                         dv: UnsafeMutablePointer<Float>, shape: AttentionGeometry, threads: Int) throws {
        try pattern.validate(geometry: shape)
        Attention.backward(q: q, k: k, v: v, out: out, lse: lse, dOut: dOut, dq: dq, dk: dk, dv: dv,
                           geometry: shape, pattern: pattern, threads: threads)
    }

    public func scoredPairs(shape: AttentionGeometry) throws -> Int {
        try pattern.validate(geometry: shape)
        return pattern.scoredPairs(geometry: shape)
    }
}
