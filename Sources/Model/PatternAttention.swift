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

    func geometry(_ s: AttentionShape) -> AttentionGeometry {
        AttentionGeometry(n: s.n, nHeads: s.nHeads, nKVHeads: s.nKVHeads, headDim: s.headDim,
                          layer: s.layer, nLayers: s.nLayers)
    }

    public func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                        out: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
                        shape: AttentionShape, threads: Int) throws {
        let g = geometry(shape)
        try pattern.validate(geometry: g)
        Attention.forward(q: q, k: k, v: v, out: out, lse: lse, geometry: g, pattern: pattern, threads: threads)
    }

    public func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                         out: UnsafePointer<Float>, lse: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                         dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                         dv: UnsafeMutablePointer<Float>, shape: AttentionShape, threads: Int) throws {
        let g = geometry(shape)
        try pattern.validate(geometry: g)
        Attention.backward(q: q, k: k, v: v, out: out, lse: lse, dOut: dOut, dq: dq, dk: dk, dv: dv,
                           geometry: g, pattern: pattern, threads: threads)
    }

    public func scoredPairs(shape: AttentionShape) throws -> Int {
        let g = geometry(shape)
        try pattern.validate(geometry: g)
        return pattern.scoredPairs(geometry: g)
    }
}
